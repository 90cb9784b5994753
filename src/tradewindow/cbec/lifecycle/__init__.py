"""What happens to a CBEC import list after it was declared: cancellation (CEB623), return
(CEB625), its parcel's arrival at the supervised site (CEB711) and signature (CEB513).

Pure rules in :mod:`.cancellation`, :mod:`.returns` and :mod:`.parcels` over the values of
:mod:`.state`; :mod:`.apply` makes their effects inside the clearance unit of work.
"""
