"""The export facet tables (``export.fields``) say what both export XSDs say: re-read at test
time, every element of every document, in order, with its notation."""

from __future__ import annotations

import pytest
from lxml import etree

from tradewindow.cbec.documents import SpecVersion
from tradewindow.export import fields
from tradewindow.formats import ceb_export, ceb_schema

XS = "{http://www.w3.org/2001/XMLSchema}"
ELEMENT = {
    "ORDER_HEAD": "OrderHead", "ORDER_LIST": "OrderList", "RECEIPT": "Receipts",
    "WAYBILL": "Logistics", "ARRIVAL_HEAD": "ArrivalHead", "ARRIVAL_LIST": "ArrivalList",
    "DEPARTURE_HEAD": "DepartureHead", "DEPARTURE_LIST": "DepartureList",
    "INVENTORY_HEAD": "InventoryHead", "INVENTORY_LIST": "InventoryList", "CANCEL": "InvtCancel",
    "WAYBILL_HEAD": "WayBillHead", "WAYBILL_LIST": "WayBillList",
    "SUMMARY_HEAD": "SummaryApplyHead", "SUMMARY_LIST": "SummaryApplyList",
    "REFUND_HEAD": "InvtRefundHead", "REFUND_LIST": "InvtRefundList", "TALLY": "InvtRefundDetail",
    "BASE_TRANSFER": "BaseTransfer",
}  # fmt: skip
pytestmark = pytest.mark.skipif(not ceb_export.schemas_available(), reason="no CEB XSDs")


def _notation(node: etree._Element) -> str:
    restriction = node.find(f"{XS}simpleType/{XS}restriction")
    assert restriction is not None
    base = restriction.get("base", "").removeprefix("xs:")
    facets = {f.tag.removeprefix(XS): f.get("value") for f in restriction if isinstance(f.tag, str)}
    optional = "?" if node.get("minOccurs") == "0" else ""
    if base == "decimal":
        return f"N19,5{optional}"
    if base == "int":
        return f"I{facets.get('totalDigits', '')}{optional}"
    if "length" in facets:
        return f"C{facets['length']}{optional}"
    low = "" if facets.get("minLength", "0") == "0" else facets["minLength"]
    return f"C{low}..{facets['maxLength']}{optional}"


def _xsd(spec: SpecVersion) -> dict[str, etree._Element]:
    found = ceb_schema.xsd_dir()
    assert found is not None
    (path,) = (found / spec.value).glob("*出口业务节点报文*.xsd")
    root = etree.parse(str(path)).getroot()
    return {e.get("name", ""): e for e in root.findall(f"{XS}element")}


@pytest.mark.parametrize("spec", list(SpecVersion))
def test_every_table_is_its_xsd(spec: SpecVersion) -> None:
    elements = _xsd(spec)
    for table, name in ELEMENT.items():
        written = getattr(fields, table).get(spec)
        if written is None:
            assert name not in elements  # CEB213 / 215 are 202205's
            continue
        sequence = elements[name].find(f"{XS}complexType/{XS}sequence")
        assert sequence is not None
        expected = [
            (child.get("name"), _notation(child))
            for child in sequence
            if isinstance(child.tag, str) and child.get("name") != "POD"
        ]
        tabled = [(f.element, fields.facet_notation(f)) for f in written]
        assert tabled == expected, (spec, name)
