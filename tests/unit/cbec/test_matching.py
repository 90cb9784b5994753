"""Three-document matching: every differing field named, personal data masked."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import pytest

import builders as b
from tradewindow.cbec.documents import Inventory, Order
from tradewindow.cbec.matching import MatchResult, match
from tradewindow.cbec.ports import DocKind


def _match(**changes: Any) -> MatchResult:
    s = b.import_set()
    documents = {
        "inventory": s.inventory,
        "order": s.order,
        "payment": s.payment,
        "waybill": s.waybill,
        **changes,
    }
    inventory = documents.pop("inventory")
    return match(inventory, **documents)


def _found(**changes: Any) -> list[tuple[str, str]]:
    return [(v.code, v.path) for v in _match(**changes).violations]


def _with_head(document: Any, **head: Any) -> Any:
    return msgspec.structs.replace(document, head=msgspec.structs.replace(document.head, **head))


def _with_line(document: Any, number: int, **line: Any) -> Any:
    items = list(document.items)
    items[number - 1] = msgspec.structs.replace(items[number - 1], **line)
    return msgspec.structs.replace(document, items=items)


S = b.import_set()


def test_matching_set_has_nothing_missing_and_no_violation() -> None:
    assert _match() == MatchResult(missing=[], violations=[])


def test_missing_lists_absent_companions() -> None:
    result = match(S.inventory, order=None, payment=S.payment, waybill=None)
    assert result.missing == [DocKind.ORDER, DocKind.WAYBILL]
    assert result.violations == []


@pytest.mark.parametrize(
    ("element", "attribute", "value"),
    [
        ("orderNo", "order_no", "SO-OTHER"),
        ("ebpCode", "ebp_code", "4403960009"),
        ("ebcCode", "ebc_code", "4403960009"),
        ("buyerIdType", "buyer_id_type", "2"),
        ("buyerIdNumber", "buyer_id_number", b.OTHER_BUYER_ID),
        ("buyerName", "buyer_name", "王小红"),
        ("buyerTelephone", "buyer_telephone", "13900139000"),
        ("consigneeAddress", "consignee_address", "广东省深圳市福田区福华路1号"),
    ],
)
def test_list_matches_order(element: str, attribute: str, value: str) -> None:
    order = _with_head(S.order, **{attribute: value})
    expected = [(f"CEB621.match.order.{element}", f"InventoryHead/{element}")]
    if element == "consigneeAddress":  # the order's address is also the waybill's
        waybill_side = ("CEB621.match.waybill.consigneeAddress", "order:OrderHead/consigneeAddress")
        expected.append(waybill_side)
    assert _found(order=order) == expected


def test_list_matches_order_goods_value() -> None:
    order = _with_head(S.order, goods_value=Decimal("1300.02"))
    assert _found(order=order) == [("CEB621.match.order.goodsValue", "order:OrderHead/goodsValue")]
    assert _found(order=_with_head(S.order, goods_value=Decimal("1300.01"))) == []


def test_lines_match_order_qty_and_total_price() -> None:
    inventory = _with_line(S.inventory, 2, qty=Decimal(4), total_price=Decimal("1032.00"))
    assert _found(inventory=inventory) == [
        ("CEB621.match.order.goodsValue", "order:OrderHead/goodsValue"),
        ("CEB621.match.order.qty", "InventoryList[2]/qty"),
        ("CEB621.match.order.totalPrice", "InventoryList[2]/totalPrice"),
    ]


def test_lines_match_order_item_no_when_both_state_it() -> None:
    assert _found(inventory=_with_line(S.inventory, 1, item_no="OTHER")) == [
        ("CEB621.match.order.itemNo", "InventoryList[1]/itemNo")
    ]
    assert _found(inventory=_with_line(S.inventory, 1, item_no=None)) == []


def test_lines_match_order_gnum_set() -> None:
    inventory = _with_line(S.inventory, 3, gnum=4)
    assert _found(inventory=inventory) == [
        ("CEB621.match.order.gnum", "InventoryList[3]/gnum"),
        ("CEB621.match.order.gnum", "order:OrderList[3]/gnum"),
    ]


def test_lines_match_order_missing_line() -> None:
    inventory: Inventory = msgspec.structs.replace(S.inventory, items=S.inventory.items[:2])
    assert _found(inventory=inventory) == [
        ("CEB621.match.order.goodsValue", "order:OrderHead/goodsValue"),
        ("CEB621.match.order.gnum", "order:OrderList[3]/gnum"),
    ]


@pytest.mark.parametrize(
    ("element", "attribute", "value"),
    [
        ("orderNo", "order_no", "SO-OTHER"),
        ("ebpCode", "ebp_code", "X"),
        ("payerIdType", "payer_id_type", "2"),
        ("payerIdNumber", "payer_id_number", b.OTHER_BUYER_ID),
        ("payerName", "payer_name", "李四"),
        ("payCode", "pay_code", "3120980009"),
        ("payTransactionId", "pay_transaction_id", "42000099"),
    ],
)
def test_payment_matches(element: str, attribute: str, value: str) -> None:
    payment = _with_head(S.payment, **{attribute: value})
    assert _found(payment=payment) == [
        (f"CEB621.match.payment.{element}", f"payment:PaymentHead/{element}")
    ]


def test_payment_matches_pay_code_only_when_the_order_states_it() -> None:
    order = _with_head(S.order, pay_code=None, pay_transaction_id=None)
    payment = _with_head(S.payment, pay_code="3120980009", pay_transaction_id="42000099")
    assert _found(order=order, payment=payment) == []


def test_payment_matches_amount_paid() -> None:
    assert S.order.head.actural_paid == Decimal("1418.30")
    assert _found(payment=_with_head(S.payment, amount_paid=Decimal("1418.31"))) == []
    assert _found(payment=_with_head(S.payment, amount_paid=Decimal("1418.32"))) == [
        ("CEB621.match.payment.amountPaid", "payment:PaymentHead/amountPaid")
    ]


def test_payment_matches_without_order_checks_the_list_only() -> None:
    payment = _with_head(S.payment, amount_paid=Decimal(1), payer_name="李四")
    assert _found(order=None, payment=payment) == [
        ("CEB621.match.payment.payerName", "payment:PaymentHead/payerName")
    ]


@pytest.mark.parametrize(
    ("element", "attribute", "value"),
    [
        ("logisticsCode", "logistics_code", "4403980009"),
        ("logisticsNo", "logistics_no", "YT0000000001"),
        ("orderNo", "order_no", "SO-OTHER"),
        ("freight", "freight", Decimal("25.00")),
    ],
)
def test_waybill_matches_list(element: str, attribute: str, value: object) -> None:
    waybill = _with_head(S.waybill, **{attribute: value})
    assert _found(waybill=waybill) == [
        (f"CEB621.match.waybill.{element}", f"InventoryHead/{element}")
    ]


def test_waybill_freight_compared_only_when_stated() -> None:
    assert _found(waybill=_with_head(S.waybill, freight=None)) == []


def test_order_freight_is_not_compared_with_the_list() -> None:
    order: Order = _with_head(S.order, freight=Decimal(0), actural_paid=Decimal("1398.30"))
    payment = _with_head(S.payment, amount_paid=Decimal("1398.30"))
    assert _found(order=order, payment=payment) == []


@pytest.mark.parametrize(
    ("element", "attribute", "value"),
    [
        ("consignee", "consignee", "王大明"),
        ("consigneeTelephone", "consignee_telephone", "13700137000"),
        ("consigneeAddress", "consignee_address", "北京市朝阳区建国路1号"),
    ],
)
def test_waybill_matches_order_consignee(element: str, attribute: str, value: str) -> None:
    waybill = _with_head(S.waybill, **{attribute: value})
    assert _found(waybill=waybill) == [
        (f"CEB621.match.waybill.{element}", f"order:OrderHead/{element}")
    ]


def test_messages_state_both_values() -> None:
    payment = _with_head(S.payment, amount_paid=Decimal("1400.00"))
    (violation,) = _match(payment=payment).violations
    assert "1400.00" in violation.en
    assert "1418.30" in violation.en
    assert "1400.00" in violation.zh
    assert "1418.30" in violation.zh


def test_messages_mask_personal_data() -> None:
    order = _with_head(S.order, buyer_id_number=b.OTHER_BUYER_ID, buyer_telephone="13900139000")
    waybill = _with_head(S.waybill, consignee_telephone="13700137000")
    violations = _match(order=order, waybill=waybill).violations
    text = " ".join(v.en + v.zh for v in violations)
    assert len(violations) == 3
    for secret in (b.BUYER_ID, b.OTHER_BUYER_ID, "13900139000", "13800138000", "13700137000"):
        assert secret not in text
    assert "**************002X" in text  # the list's buyer, last 4 kept
    assert "**************4567" in text
    assert "*******9000" in text


def test_many_mismatches_are_all_named() -> None:
    order = _with_head(S.order, buyer_name="王小红", pay_code="3120980009")
    payment = _with_head(S.payment, amount_paid=Decimal(1))
    waybill = _with_head(S.waybill, consignee="王大明")
    inventory = _with_line(S.inventory, 1, qty=Decimal(9), total_price=Decimal("1791.00"))
    assert _found(order=order, payment=payment, waybill=waybill, inventory=inventory) == [
        ("CEB621.match.order.buyerName", "InventoryHead/buyerName"),
        ("CEB621.match.order.goodsValue", "order:OrderHead/goodsValue"),
        ("CEB621.match.order.qty", "InventoryList[1]/qty"),
        ("CEB621.match.order.totalPrice", "InventoryList[1]/totalPrice"),
        ("CEB621.match.payment.payCode", "payment:PaymentHead/payCode"),
        ("CEB621.match.payment.amountPaid", "payment:PaymentHead/amountPaid"),
        ("CEB621.match.waybill.consignee", "order:OrderHead/consignee"),
    ]


def test_match_never_raises_on_odd_amounts() -> None:
    inventory = _with_line(S.inventory, 1, qty=Decimal("NaN"), total_price=Decimal("sNaN"))
    order = _with_head(S.order, goods_value=Decimal("Infinity"))
    result = match(inventory, order=order, payment=S.payment, waybill=S.waybill)
    assert result.missing == []
