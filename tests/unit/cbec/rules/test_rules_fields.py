"""XSD-level facets: the table agrees with both XSDs, and each kind of facet is enforced."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from rule_checks import check, found, inventory_line, order_line

import builders as b
from tradewindow.cbec.documents import (
    BaseTransfer,
    DeliveryHead,
    DeliveryList,
    InventoryHead,
    InventoryItem,
    InvtCancel,
    InvtRefundHead,
    InvtRefundList,
    LogisticsHead,
    LogisticsStatus,
    OrderHead,
    OrderItem,
    PaymentHead,
    SpecVersion,
)
from tradewindow.cbec.rules import fields, lifecycle
from tradewindow.cbec.rules.fields import Facet, FacetTable, Kind, decimal_problem, snake

_SPECS = Path(__file__).resolve().parents[5] / "shared" / "data" / "specs" / "ceb"
_XSD = {
    SpecVersion.V202205: _SPECS / "202205" / "海关跨境进口业务节点报文定义202205.xsd",
    SpecVersion.V2018: _SPECS / "2018-113" / "进口业务节点报文.xsd",
}
_TABLES: dict[str, tuple[tuple[Facet, ...], type[msgspec.Struct]]] = {
    "OrderHead": (fields.ORDER_HEAD, OrderHead),
    "OrderList": (fields.ORDER_LIST, OrderItem),
    "PaymentHead": (fields.PAYMENT_HEAD, PaymentHead),
    "LogisticsHead": (fields.LOGISTICS_HEAD, LogisticsHead),
    "InventoryHead": (fields.INVENTORY_HEAD, InventoryHead),
    "BaseTransfer": (fields.BASE_TRANSFER, BaseTransfer),
    "InvtCancel": (lifecycle.INVT_CANCEL, InvtCancel),
    "InvtRefundHead": (lifecycle.INVT_REFUND_HEAD, InvtRefundHead),
    "InvtRefundList": (lifecycle.INVT_REFUND_LIST, InvtRefundList),
    "LogisticsStatus": (lifecycle.LOGISTICS_STATUS, LogisticsStatus),
    "DeliveryHead": (lifecycle.DELIVERY_HEAD, DeliveryHead),
    "DeliveryList": (lifecycle.DELIVERY_LIST, DeliveryList),
}


def _xsd_facets(path: Path, element: str) -> list[Facet]:
    """The facets of ``element``'s children, read from the XSD the way the table states them."""

    xs = "{http://www.w3.org/2001/XMLSchema}"
    root = etree.parse(str(path)).getroot()
    node = root.find(f"{xs}element[@name='{element}']")
    assert node is not None
    out = []
    for child in node.iterfind(f"{xs}complexType/{xs}sequence/{xs}element"):
        name, required = child.get("name"), child.get("minOccurs", "1") != "0"
        facets = {
            f.tag[len(xs) :]: f.get("value")
            for f in child.iterfind(f"{xs}simpleType/{xs}restriction/*")
        }
        base = child.get("type") or child.find(f"{xs}simpleType/{xs}restriction").get("base")
        if base == "xs:decimal":
            assert facets == {"totalDigits": "19", "fractionDigits": "5"}, name
            out.append(Facet(name, Kind.DECIMAL, required))
        elif base == "xs:int":
            out.append(Facet(name, Kind.INT, required, 0, int(facets.get("totalDigits", 0))))
        else:
            exact = facets.get("length")
            low = int(exact or facets.get("minLength", 0))
            high = int(exact or facets["maxLength"])
            out.append(Facet(name, Kind.TEXT, required, low, high, child.get("fixed")))
    return out


@pytest.fixture(params=list(_XSD), ids=str)
def spec(request: pytest.FixtureRequest) -> SpecVersion:
    if not _XSD[request.param].exists():
        pytest.skip(f"CEB XSD not found at {_XSD[request.param]} (shared/ beside the checkout)")
    return request.param  # type: ignore[no-any-return]


@pytest.mark.parametrize("element", [*_TABLES, "InventoryList"])
def test_facet_table_matches_xsd(spec: SpecVersion, element: str) -> None:
    table = fields.INVENTORY_LIST[spec] if element == "InventoryList" else _TABLES[element][0]
    assert list(table) == _xsd_facets(_XSD[spec], element)


def test_facet_tables_name_real_attributes() -> None:
    tables = [*_TABLES.values(), (fields.INVENTORY_LIST[SpecVersion.V202205], InventoryItem)]
    for table, struct in tables:
        assert {snake(f.element) for f in table} == set(struct.__struct_fields__)


def test_required_field_empty() -> None:
    assert found(b.order_message(b.order(order_no=""))) == [
        ("CEB311.orderNo.required", "Order[1]/OrderHead/orderNo")
    ]


def test_text_too_long() -> None:
    assert found(b.order_message(b.order(order_no="A" * 61))) == [
        ("CEB311.orderNo.too_long", "Order[1]/OrderHead/orderNo")
    ]


def test_text_too_short() -> None:
    message = b.inventory_message(inventory_line(2, trade_country=""))
    assert found(message) == [
        ("CEB621.tradeCountry.too_short", "Inventory[1]/InventoryList[2]/tradeCountry")
    ]


def test_text_wrong_length() -> None:
    assert found(b.waybill_message(b.waybill(guid="ABC"))) == [
        ("CEB511.guid.wrong_length", "Logistics[1]/LogisticsHead/guid")
    ]


def test_fixed_value() -> None:
    assert found(b.payment_message(b.payment(currency="502"))) == [
        ("CEB411.currency.fixed", "Payment[1]/PaymentHead/currency")
    ]


def test_decimal_too_many_decimals() -> None:
    assert found(
        b.order_message(order_line(1, price=Decimal("199.000001"), total_price=Decimal("398.00")))
    ) == [("CEB311.price.too_many_decimals", "Order[1]/OrderList[1]/price")]


def test_decimal_trailing_zeros_do_not_count() -> None:
    assert found(b.order_message(order_line(1, price=Decimal("199.0000000000")))) == []


def test_decimal_too_many_digits() -> None:
    big = Decimal("123456789012345")  # 15 integer digits + 5 decimals > 19
    assert decimal_problem(big) is None  # 15 digits alone fit
    assert decimal_problem(big + Decimal("0.00001")) == "too_many_digits"
    message = b.waybill_message(b.waybill(weight=Decimal("1E+19")))
    assert found(message) == [
        ("CEB511.weight.too_many_digits", "Logistics[1]/LogisticsHead/weight")
    ]


def test_decimal_not_finite() -> None:
    message = b.inventory_message(b.inventory(insured_fee=Decimal("NaN")))
    assert found(message) == [
        ("CEB621.insuredFee.not_finite", "Inventory[1]/InventoryHead/insuredFee")
    ]


def test_int_total_digits() -> None:
    assert found(b.waybill_message(b.waybill(pack_no=10**9))) == [
        ("CEB511.packNo.out_of_range", "Logistics[1]/LogisticsHead/packNo")
    ]


def test_int_range() -> None:
    message = b.order_message(order_line(3, gnum=2**31))
    assert ("CEB311.gnum.out_of_range", "Order[1]/OrderList[3]/gnum") in found(message)


def test_item_no_length_differs_between_specs() -> None:
    message = b.inventory_message(inventory_line(1, item_no="S" * 25))
    assert found(message, spec=SpecVersion.V2018) == []
    assert found(message, spec=SpecVersion.V202205) == [
        ("CEB621.itemNo.too_long", "Inventory[1]/InventoryList[1]/itemNo")
    ]


def test_trade_country_length_differs_between_specs() -> None:
    message = b.inventory_message(inventory_line(1, trade_country="11"))
    assert found(message, spec=SpecVersion.V202205) == []
    assert found(message, spec=SpecVersion.V2018) == [
        ("CEB621.tradeCountry.wrong_length", "Inventory[1]/InventoryList[1]/tradeCountry")
    ]


def test_base_transfer_facets() -> None:
    message = b.order_message()
    message = msgspec.structs.replace(
        message, base_transfer=b.base_transfer(dxp_mode="DX", cop_code="")
    )
    assert found(message) == [
        ("CEB311.copCode.required", "BaseTransfer/copCode"),
        ("CEB311.dxpMode.wrong_length", "BaseTransfer/dxpMode"),
    ]


_texts = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["142", "", "I", "1"]))
_decimals = st.one_of(
    st.none(), st.decimals(allow_nan=True, allow_infinity=True), st.decimals(places=7)
)
_ints = st.one_of(st.none(), st.integers(), st.integers(min_value=-(10**10), max_value=10**10))


def _node(table: tuple[Facet, ...], data: st.DataObject) -> Any:
    class Node:
        pass

    node = Node()
    draw = {Kind.TEXT: _texts, Kind.DECIMAL: _decimals, Kind.INT: _ints}
    for f in table:
        setattr(node, snake(f.element), data.draw(draw[f.kind]))
    return node


@given(st.data())
def test_fast_path_agrees_with_field_by_field(data: st.DataObject) -> None:
    for table in (
        fields.INVENTORY_HEAD,
        fields.LOGISTICS_HEAD,
        fields.INVENTORY_LIST[SpecVersion.V2018],
    ):
        node = _node(table, data)
        fast: list[Any] = []
        slow: list[Any] = []
        FacetTable(table).check(node, "X", "CEB000", fast)
        FacetTable(table).check_each(node, "X", "CEB000", slow)
        assert fast == slow


def test_check_message_reports_facets_of_every_document_kind() -> None:
    result = check(b.inventory_message(b.inventory(), b.inventory(order_no="")))
    assert list(result.documents) == [1]
