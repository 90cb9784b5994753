"""XSD facets of every export document field, checked in code (both spec versions).

What the export XSD would refuse — presence, exact / minimum / maximum length, ``xs:decimal``
and ``xs:int`` bounds — is refused here too, so that a JSON or an unvalidated XML message
never stores a value the receipts could not echo. The tables are transcribed from
``出口业务节点报文.xsd`` (2018 No.113) and ``海关跨境出口业务节点报文定义202205.xsd`` in the
notation of :mod:`tradewindow.cbec.rules.fields` (``C36``, ``C1..60``, ``C..100?``, ``N19,5``,
``I9``); ``tests/export/test_export_fields.py`` re-reads both XSDs and fails when a facet here
drifts from them. ``POD`` (指运港, 3 to 4 characters) is checked by :func:`pod_length` (its
capitals are no attribute name the tables could derive).

A document fits when it fits either version (2018 allows longer codes and numbers, 202205
defines CEB213 / 215); when it fits neither, the 202205 faults are reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

import msgspec

from tradewindow.cbec.documents import SpecVersion
from tradewindow.cbec.rules.fields import Facet, FacetTable, facet
from tradewindow.export import documents as d
from tradewindow.violations import Violation


def _table(spec: str) -> tuple[Facet, ...]:
    words = spec.split()
    return tuple(facet(words[i], words[i + 1]) for i in range(0, len(words), 2))


ORDER_HEAD = {  # OrderHead
    SpecVersion.V2018: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 orderType C1 orderNo C1..60 ebpCode "
        "C1..50 ebpName C1..100 ebcCode C1..18 ebcName C1..100 goodsValue N19,5 freight N19,5 "
        "currency C3 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 orderType C1 orderNo C..60 ebpCode "
        "C..18 ebpName C..100 ebcCode C..18 ebcName C..100 goodsValue N19,5 freight N19,5 "
        "currency C3 note C..1000? "
    ),
}
ORDER_LIST = {  # OrderList
    SpecVersion.V2018: _table(
        "gnum I5 itemNo C1..30 itemName C1..250 itemDescribe C..1000? barCode C..50? unit C3 "
        "currency C3 qty N19,5 price N19,5 totalPrice N19,5 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "gnum I5 itemNo C..30 itemName C..250 itemDescribe C..1000? barCode C..50? unit C3 "
        "currency C3 qty N19,5 price N19,5 totalPrice N19,5 note C..1000? "
    ),
}
RECEIPT = {  # Receipts
    SpecVersion.V2018: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 ebpCode C1..50 ebpName C1..100 ebcCode "
        "C1..18 ebcName C1..100 orderNo C1..60 payCode C..18? payName C1..100 payNo C..60? "
        "charge N19,5 currency C3 accountingDate C14 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 ebpCode C..18 ebpName C..100 ebcCode "
        "C..18 ebcName C..100 orderNo C..60 payCode C..18? payName C..100 payNo C..60? charge "
        "N19,5 currency C3 accountingDate C14 note C..1000? "
    ),
}
WAYBILL = {  # Logistics
    SpecVersion.V2018: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 logisticsCode C1..18 logisticsName "
        "C1..100 logisticsNo C1..80 freight N19,5 insuredFee N19,5 currency C3 grossWeight "
        "N19,5 packNo I9 goodsInfo C1..200 ebcCode C..18? ebcName C..100? ebcTelephone C..50? "
        "note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 logisticsCode C..18 logisticsName "
        "C..100 logisticsNo C..32 freight N19,5 insuredFee N19,5 currency C3 grossWeight "
        "N19,5 packNo I9 goodsInfo C..200 ebcCode C..18? ebcName C..100? ebcTelephone C..50? "
        "note C..1000? "
    ),
}
ARRIVAL_HEAD = {  # ArrivalHead
    SpecVersion.V2018: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C1..30 preNo C18? "
        "operatorCode C1..18 operatorName C1..100 loctNo C..10? ieFlag C1 trafMode C1 billNo "
        "C..37? domesticTrafNo C1..100 logisticsCode C1..18 logisticsName C1..100 msgCount I9 "
        "msgSeqNo I9 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C..30 preNo C18? "
        "operatorCode C..18 operatorName C..100 loctNo C..10? ieFlag C1 trafMode C1 billNo "
        "C..37? domesticTrafNo C..100 logisticsCode C..18 logisticsName C..100 msgCount I9 "
        "msgSeqNo I9 note C..1000? "
    ),
}
ARRIVAL_LIST = {  # ArrivalList
    SpecVersion.V2018: _table("gnum I5 logisticsNo C1..80 totalPackageNo C..37? note C..1000? "),
    SpecVersion.V202205: _table("gnum I5 logisticsNo C..32 totalPackageNo C..37? note C..1000? "),
}
DEPARTURE_HEAD = {  # DepartureHead
    SpecVersion.V2018: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C1..30 preNo C18? "
        "logisticsCode C1..18 logisticsName C1..100 trafMode C1 trafName C..100? voyageNo "
        "C..32? billNo C..37? leaveTime C14 msgCount I9 msgSeqNo I9 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C..30 preNo C18? "
        "logisticsCode C..18 logisticsName C..100 trafMode C1 trafName C..100? voyageNo "
        "C..32? billNo C..37? leaveTime C14 msgCount I9 msgSeqNo I9 note C..1000? "
    ),
}
DEPARTURE_LIST = {  # DepartureList
    SpecVersion.V2018: _table("gnum I5 totalPackageNo C..37? logisticsNo C1..80 note C..1000? "),
    SpecVersion.V202205: _table("gnum I5 totalPackageNo C..37? logisticsNo C..32 note C..1000? "),
}
INVENTORY_HEAD = {  # InventoryHead
    SpecVersion.V2018: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 ebpCode C1..50 ebpName "
        "C1..100 orderNo C1..60 logisticsCode C1..18 logisticsName C1..100 logisticsNo C1..80 "
        "copNo C1..30 preNo C18? invtNo C18? ieFlag C1 portCode C4 ieDate C8 statisticsFlag "
        "C1 agentCode C1..18 agentName C1..100 ebcCode C1..18 ebcName C1..100 ownerCode "
        "C1..18 ownerName C1..100 iacCode C..18? iacName C..100? emsNo C..30? tradeMode C4 "
        "trafMode C1 trafName C..100? voyageNo C..32? billNo C..37? totalPackageNo C..60? "
        "loctNo C..10? licenseNo C..19? country C3 freight N19,5 fCurrency C3 fFlag C1 "
        "insuredFee N19,5 iCurrency C3 iFlag C1 wrapType C1 packNo I9 grossWeight N19,5 "
        "netWeight N19,5 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 ebpCode C..18 ebpName "
        "C..100 orderNo C..60 logisticsCode C..18 logisticsName C..100 logisticsNo C..32 "
        "copNo C..30 preNo C18? invtNo C..20? ieFlag C1 portCode C4 ieDate C8 statisticsFlag "
        "C1 agentCode C..18 agentName C..100 ebcCode C..18 ebcName C..100 ownerCode C..18 "
        "ownerName C..100 iacCode C..18? iacName C..100? emsNo C..30? tradeMode C4 trafMode "
        "C1 trafName C..100? voyageNo C..32? billNo C..37? totalPackageNo C..37? loctNo "
        "C..10? licenseNo C..19? country C3 freight N19,5 fCurrency C3 fFlag C1 insuredFee "
        "N19,5 iCurrency C3 iFlag C1 wrapType C1 packNo I9 grossWeight N19,5 netWeight N19,5 "
        "note C..1000? "
    ),
}
INVENTORY_LIST = {  # InventoryList
    SpecVersion.V2018: _table(
        "gnum I5 itemNo C1..20 itemRecordNo C..30? itemName C..250? gcode C10 gname C1..250 "
        "gmodel C1..250 barCode C1..50 country C3 currency C3 qty N19,5 qty1 N19,5 qty2 "
        "N19,5? unit C3 unit1 C3 unit2 C3? price N19,5 totalPrice N19,5 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "gnum I5 itemNo C..20 itemRecordNo C..30? itemName C..250? gcode C10 gname C..250 "
        "gmodel C..250 barCode C..50 country C3 currency C3 qty N19,5 qty1 N19,5 qty2 N19,5? "
        "unit C3 unit1 C3 unit2 C..3? price N19,5 totalPrice N19,5 note C..1000? "
    ),
}
CANCEL = {  # InvtCancel
    SpecVersion.V2018: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C1..30 preNo C18? "
        "invtNo C18 reason C1..1000 agentCode C1..18 agentName C1..100 ebcCode C1..18 ebcName "
        "C1..100 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C..30 preNo C18? "
        "invtNo C..20 reason C..1000 agentCode C..18 agentName C..100 ebcCode C..18 ebcName "
        "C..100 note C..1000? "
    ),
}
WAYBILL_HEAD = {  # WayBillHead
    SpecVersion.V2018: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C1..30 preNo C18? "
        "agentCode C1..18 agentName C1..100 loctNo C..10? trafMode C1 trafName C1..100 "
        "voyageNo C1..32 billNo C1..37 domesticTrafNo C..100? grossWeight N19,5 logisticsCode "
        "C1..18 logisticsName C1..100 msgCount I9 msgSeqNo I9 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C..30 preNo C18? "
        "agentCode C..18 agentName C..100 loctNo C..10? trafMode C1 trafName C..100 voyageNo "
        "C..32 billNo C..37 domesticTrafNo C..100? grossWeight N19,5 logisticsCode C..18 "
        "logisticsName C..100 msgCount I9 msgSeqNo I9 note C..1000? "
    ),
}
WAYBILL_LIST = {  # WayBillList
    SpecVersion.V2018: _table(
        "gnum I5 totalPackageNo C..60? logisticsNo C1..80 invtNo C18? note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "gnum I5 totalPackageNo C..60? logisticsNo C..32 invtNo C..20? note C..1000? "
    ),
}
SUMMARY_HEAD = {  # SummaryApplyHead
    SpecVersion.V2018: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C1..30 preNo "
        "C..18? sumNo C..18? agentCode C1..18 agentName C1..100 ebcCode C1..18 ebcName "
        "C1..100 declAgentCode C1..18 declAgentName C1..100 startTime C14? endTime C14? "
        "loctNo C..10? summaryFlag C1 itemNameFlag C1 msgCount I9 msgSeqNo I9 note C..1000? "
    ),
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 copNo C..30 preNo C..18? "
        "sumNo C..18? agentCode C..18 agentName C..100 ebcCode C..18 ebcName C..100 "
        "declAgentCode C..18 declAgentName C..100 startTime C14? endTime C14? loctNo C..10? "
        "summaryFlag C1 itemNameFlag C1 msgCount I9 msgSeqNo I9 note C..1000? "
    ),
}
SUMMARY_LIST = {  # SummaryApplyList
    SpecVersion.V2018: _table("invtNo C18 "),
    SpecVersion.V202205: _table("invtNo C..20 "),
}
REFUND_HEAD = {  # InvtRefundHead
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 loctNo C..10? ebpCode "
        "C..18 ebpName C..100 ebcCode C..18 ebcName C..100 logisticsNo C..80 logisticsCode "
        "C..18 logisticsName C..100 coElNo C..30 preNo C..18? invtNo C..20 tradeMode C4? "
        "agentCode C..18 agentName C..100 billNo C..37 ieFlag C..1 trafMode C..1 trafName "
        "C..100 portCode C..4 reason C..500 country C..3 voyageNo C..32 note C..500? "
    ),
}
REFUND_LIST = {  # InvtRefundList
    SpecVersion.V202205: _table(
        "gnum I4 gcode C..10 gname C..250 gmodel C..250 qty N19,5 qty1 N19,5 unit C3 unit1 C3 "
        "qty2 N19,5? unit2 C3? note C..500? "
    ),
}
TALLY = {  # InvtRefundDetail
    SpecVersion.V202205: _table(
        "guid C36 appType C1 appTime C14 appStatus C1 customsCode C4 operatorCode C..18 "
        "operatorName C..100 logisticsCode C..18 logisticsName C..100 logisticsNo C..80 "
        "invtNo C..20? coElNo C..20 preNo C..18? billNo C..37 ieFlag C1 trafMode C1 trafName "
        "C..100 voyageNo C..32 location C..250? note C..250? "
    ),
}
BASE_TRANSFER = {  # BaseTransfer
    SpecVersion.V2018: _table("copCode C..18 copName C..100 dxpMode C3 dxpId C..30 note C..1000? "),
    SpecVersion.V202205: _table(
        "copCode C..18 copName C..100 dxpMode C3 dxpId C..30 note C..1000? "
    ),
}
MESSAGE_GUID = facet("guid", "C36")
MESSAGE_VERSION = facet("version", "C1..10")

# the tables of each document Struct: (head or flat document, its lines)
_TABLES: Mapping[type[msgspec.Struct], Mapping[SpecVersion, tuple[Facet, ...]]] = {
    d.OrderHead: ORDER_HEAD,
    d.OrderItem: ORDER_LIST,
    d.Receipt: RECEIPT,
    d.Waybill: WAYBILL,
    d.ArrivalHead: ARRIVAL_HEAD,
    d.ArrivalItem: ARRIVAL_LIST,
    d.DepartureHead: DEPARTURE_HEAD,
    d.DepartureItem: DEPARTURE_LIST,
    d.InventoryHead: INVENTORY_HEAD,
    d.InventoryItem: INVENTORY_LIST,
    d.InvtCancel: CANCEL,
    d.WayBillHead: WAYBILL_HEAD,
    d.WayBillItem: WAYBILL_LIST,
    d.SummaryApplyHead: SUMMARY_HEAD,
    d.SummaryApplyItem: SUMMARY_LIST,
    d.InvtRefundHead: REFUND_HEAD,
    d.InvtRefundItem: REFUND_LIST,
    d.InvtRefundDetail: TALLY,
}
_CHECKERS = {
    kind: {spec: FacetTable(facets) for spec, facets in tables.items()}
    for kind, tables in _TABLES.items()
}
_BASE = {spec: FacetTable(facets) for spec, facets in BASE_TRANSFER.items()}
_ROOT = FacetTable((MESSAGE_GUID, MESSAGE_VERSION))


def violations(message: d.ExportMessage) -> list[Violation]:
    """Every facet fault of ``message``; empty when it fits one spec version entirely."""
    code = d.message_type(message)
    versions = (
        [SpecVersion.V202205] if code in d.ONLY_202205 else [SpecVersion.V202205, SpecVersion.V2018]
    )
    found: list[Violation] = []
    for spec in versions:
        found = _faults(message, code, spec)
        if not found:
            return []
    return _faults(message, code, SpecVersion.V202205)


def _faults(message: d.ExportMessage, code: str, spec: SpecVersion) -> list[Violation]:
    out: list[Violation] = []
    _ROOT.check(message, "", code, out)
    out = [msgspec.structs.replace(v, path=f"@{v.path.lstrip('/')}") for v in out]
    _BASE[spec].check(message.base_transfer, "BaseTransfer", code, out)
    element = next(
        f.encode_name
        for f in msgspec.structs.fields(type(message))
        if f.name not in ("guid", "version", "base_transfer")
    )
    for index, document in enumerate(message.documents, 1):
        at = f"{element}[{index}]"
        head: Any = cast(Any, document).head
        head_at = at if head is document else f"{at}/{_name(type(document), 'head')}"
        _check(head, head_at, code, spec, out)
        if isinstance(head, d.InventoryHead):
            pod_length(head, head_at, code, out)
        items: Iterable[msgspec.Struct] = getattr(document, "items", ())
        lines = _name(type(document), "items") if head is not document else ""
        for number, item in enumerate(items, 1):
            _check(item, f"{at}/{lines}[{number}]", code, spec, out)
    return out


def _check(
    node: msgspec.Struct, at: str, code: str, spec: SpecVersion, out: list[Violation]
) -> None:
    checker = _CHECKERS[type(node)].get(spec)
    if checker is not None:
        checker.check(node, at, code, out)


def _name(kind: type[msgspec.Struct], attribute: str) -> str:
    return next(f.encode_name for f in msgspec.structs.fields(kind) if f.name == attribute)


def pod_length(head: d.InventoryHead, at: str, code: str, out: list[Violation]) -> None:
    """POD (指运港代码) has 3 or 4 characters. Source: both export XSDs, InventoryHead/POD."""
    if not 3 <= len(head.pod) <= 4:
        out.append(
            Violation(
                path=f"{at}/POD",
                code=f"{code}.POD.wrong_length",
                en=f"POD must have 3 or 4 characters, not {len(head.pod)}",
                zh=f"指运港代码应为3至4位，实际为{len(head.pod)}位",
            )
        )


def facet_notation(f: Facet) -> str:
    """A facet written back in the notation it was read from (for the drift test)."""
    optional = "" if f.required else "?"
    if f.kind.value == "N":
        return f"N19,5{optional}"
    if f.kind.value == "I":
        return f"I{f.max_length or ''}{optional}"
    if f.min_length == f.max_length:
        return f"C{f.max_length}{optional}"
    return f"C{f.min_length or ''}..{f.max_length}{optional}"
