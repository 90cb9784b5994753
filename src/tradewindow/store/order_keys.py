"""The partition key of the clearance tables' rows (``order_no``, ``docs/scaling.md``) where a
store has only a document's kind and key: the keys of orders, payments, lists and
cancellations are ``ebpCode|orderNo``, a return's ``ebpCode|orderNo|guid``. A waybill's key
(``logisticsCode|logisticsNo``), a parcel's status and a delivery name no order: "" (the
waybill's document carries its ``orderNo`` itself: ``StoredDocument.order_no``)."""

from __future__ import annotations

_BY_ORDER = frozenset({"order", "payment", "inventory", "cancel"})
_EXPORT_FILING = "EXP|"  # export.sharing.FILING_PREFIX: an export list in the agencies' desk


def order_no_of(kind: str, key: str) -> str:
    """The ``orderNo`` in a ``kind`` document's ``key`` ("" when its key names none)."""
    if kind in _BY_ORDER:
        return key.partition("|")[2]
    if kind == "refund":
        return key.rpartition("|")[0].partition("|")[2]
    return ""


def order_no_of_list(list_key: str) -> str:
    """The ``orderNo`` of an inventory list's key ``ebpCode|orderNo`` (an export list's filing
    in the agencies' desk: ``EXP|ebpCode|orderNo``)."""
    return list_key.removeprefix(_EXPORT_FILING).partition("|")[2]
