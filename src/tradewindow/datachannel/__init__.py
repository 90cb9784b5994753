"""The cross-border research-data channel (issue 19): projects with an institution on each side,
a catalogue of classified datasets, the lawfulness check before every transfer (a dated, cited
policy table), approvals with the two-person rule, verifiable chunked delivery (SHA-256 per
chunk, a signed manifest with a Merkle root), per-dataset encryption keys sealed by a master key,
and retention with a recorded proof of destruction.

The core (every module here but ``ports``' adapters) is pure: it imports no database, web
framework or bus. ``store/datachannel`` implements :mod:`tradewindow.datachannel.ports`.
"""
