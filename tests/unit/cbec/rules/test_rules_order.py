"""CEB311 order rules, one test per rule (named after it)."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from rule_checks import check, found, order_line

import builders as b
from tradewindow.cbec.documents import OrderItem, OrderMessage

H = "Order[1]/OrderHead"


def test_order_type_is_import() -> None:
    assert found(b.order_message(b.order(order_type="E"))) == [
        ("CEB311.orderType.invalid", f"{H}/orderType")
    ]


def test_app_type_allowed() -> None:
    assert found(b.order_message(b.order(app_type="4"))) == [
        ("CEB311.appType.invalid", f"{H}/appType")
    ]


def test_app_status_allowed() -> None:
    assert found(b.order_message(b.order(app_status="3"))) == [
        ("CEB311.appStatus.invalid", f"{H}/appStatus")
    ]


def test_guid_uppercase() -> None:
    message = b.order_message(b.order(guid=b.guid("order", b.ORDER_NO).lower()))
    assert found(message) == [("CEB311.guid.not_uppercase", f"{H}/guid")]


def test_time_sane_not_a_time() -> None:
    assert found(b.order_message(b.order(app_time="20260230120000"))) == [
        ("CEB311.appTime.not_a_time", f"{H}/appTime")
    ]


def test_time_sane_full_width_digits_are_not_a_time() -> None:
    assert found(b.order_message(b.order(app_time="２０２６０３０１１０００００"))) == [
        ("CEB311.appTime.not_a_time", f"{H}/appTime")
    ]


def test_time_sane_in_future() -> None:
    # NOW is 2026-03-01 12:00 China time; 24 h of skew are allowed, not a second more.
    assert found(b.order_message(b.order(app_time="20260302120000"))) == []
    assert found(b.order_message(b.order(app_time="20260302120001"))) == [
        ("CEB311.appTime.in_future", f"{H}/appTime")
    ]


def test_id_type_allowed() -> None:
    assert found(b.order_message(b.order(buyer_id_type="3"))) == [
        ("CEB311.buyerIdType.invalid", f"{H}/buyerIdType")
    ]


def test_id_number_valid() -> None:
    wrong_check = b.BUYER_ID[:17] + "1"
    message = b.order_message(b.order(buyer_id_number=wrong_check))
    assert found(message) == [("CEB311.buyerIdNumber.invalid", f"{H}/buyerIdNumber")]


def test_id_number_valid_never_echoes_the_number() -> None:
    wrong_check = b.BUYER_ID[:17] + "1"
    result = found(b.order_message(b.order(buyer_id_number=wrong_check)))
    assert len(result) == 1

    violation = check(b.order_message(b.order(buyer_id_number=wrong_check))).documents[0][0]
    assert wrong_check not in violation.en
    assert wrong_check not in violation.zh
    assert b.BUYER_ID[:6] not in violation.en + violation.zh


def test_id_number_not_checked_for_other_documents() -> None:
    assert found(b.order_message(b.order(buyer_id_type="2", buyer_id_number="P1234567"))) == []


def test_amounts_not_negative() -> None:
    order = b.order(discount=Decimal("-20.00"), actural_paid=Decimal("1458.30"))
    assert found(b.order_message(order)) == [("CEB311.discount.negative", f"{H}/discount")]


def test_actural_paid_balances() -> None:
    order = b.order()
    assert order.head.actural_paid == Decimal("1418.30")  # 1300 + 20 + 118.30 − 20
    assert found(b.order_message(b.order(actural_paid=Decimal("1418.31")))) == []  # within 0.01
    assert found(b.order_message(b.order(actural_paid=Decimal("1418.32")))) == [
        ("CEB311.acturalPaid.mismatch", f"{H}/acturalPaid")
    ]


def test_goods_value_is_sum_of_lines() -> None:
    order = b.order()
    assert order.head.goods_value == Decimal("1300.00")  # 398 + 774 + 128
    bad = b.order(goods_value=Decimal("1290.00"), actural_paid=Decimal("1408.30"))
    assert found(b.order_message(bad)) == [("CEB311.goodsValue.mismatch", f"{H}/goodsValue")]


def test_currency_known() -> None:
    codes = b.Codes(currencies={"502"})
    assert found(b.order_message(), codes=codes) == [
        ("CEB311.currency.unknown", f"{H}/currency"),
        *[("CEB311.currency.unknown", f"Order[1]/OrderList[{n}]/currency") for n in (1, 2, 3)],
    ]


# --- lines -------------------------------------------------------------------------------------


def test_count_allowed_empty() -> None:
    order = b.order(items=[], goods_value=Decimal(0), actural_paid=Decimal("118.30"))
    assert found(b.order_message(order)) == [("CEB311.OrderList.empty", "Order[1]/OrderList")]


def test_count_allowed_too_many() -> None:
    item = b.order_items(1)[0]
    one = {"qty": Decimal(1), "price": Decimal(1), "total_price": Decimal(1)}  # within limits
    items = [msgspec.structs.replace(item, gnum=n, **one) for n in range(1, 101)]
    assert found(b.order_message(b.order(items=items))) == [
        ("CEB311.OrderList.too_many", "Order[1]/OrderList")
    ]
    assert found(b.order_message(b.order(items=items[:99]))) == []


def test_gnums_consecutive_duplicate() -> None:
    assert found(b.order_message(order_line(2, gnum=1))) == [
        ("CEB311.gnum.duplicate", "Order[1]/OrderList[2]/gnum")
    ]


def test_gnums_consecutive_gap() -> None:
    assert found(b.order_message(order_line(3, gnum=4))) == [
        ("CEB311.gnum.not_consecutive", "Order[1]/OrderList[3]/gnum")
    ]


def test_quantity_and_price_sane_qty() -> None:
    message = b.order_message(order_line(1, qty=Decimal(0), total_price=Decimal(0)))
    assert found(message) == [("CEB311.qty.not_positive", "Order[1]/OrderList[1]/qty")]


def test_quantity_and_price_sane_gift_price_zero_is_fine() -> None:
    assert found(b.order_message(order_line(1, price=Decimal(0), total_price=Decimal(0)))) == []


def test_quantity_and_price_sane_price() -> None:
    message = b.order_message(order_line(3, price=Decimal(-128), total_price=Decimal(-128)))
    assert found(message) == [
        ("CEB311.price.negative", "Order[1]/OrderList[3]/price"),
        ("CEB311.totalPrice.negative", "Order[1]/OrderList[3]/totalPrice"),
    ]


def test_total_price_is_price_times_qty() -> None:
    # 2 × 199.00 = 398.00; 398.01 is within one fen, 398.02 is not
    assert found(b.order_message(order_line(1, total_price=Decimal("398.01")))) == []
    assert found(b.order_message(order_line(1, total_price=Decimal("398.02")))) == [
        ("CEB311.totalPrice.mismatch", "Order[1]/OrderList[1]/totalPrice")
    ]


def test_unit_known() -> None:
    assert found(b.order_message(order_line(2, unit="999"))) == [
        ("CEB311.unit.unknown", "Order[1]/OrderList[2]/unit")
    ]


def test_country_known() -> None:
    assert found(b.order_message(order_line(2, country="999"))) == [
        ("CEB311.country.unknown", "Order[1]/OrderList[2]/country")
    ]


def test_malformed_code_is_reported_once() -> None:
    assert found(b.order_message(order_line(2, country="JP"))) == [
        ("CEB311.country.wrong_length", "Order[1]/OrderList[2]/country")
    ]


def _priced(*prices: tuple[str, int]) -> list[OrderItem]:
    """Order lines of the given (price, qty)."""
    template = b.order_items(1)[0]
    return [
        msgspec.structs.replace(
            template, gnum=n, qty=Decimal(qty), price=Decimal(price),
            total_price=Decimal(price) * qty,
        )
        for n, (price, qty) in enumerate(prices, 1)
    ]  # fmt: skip


def _order_of(items: list[OrderItem], freight: str = "20.00", **head: object) -> OrderMessage:
    goods = sum((item.total_price for item in items), Decimal(0))
    paid = goods + Decimal(freight) + Decimal("118.30") - Decimal("20.00")
    return b.order_message(
        b.order(items=items, freight=Decimal(freight), actural_paid=paid, **head)
    )


def test_within_transaction_limit() -> None:
    """As the GACC sample order (goods 14,000 + freight 700 CNY): over the 5,000 CNY
    single-transaction limit of 财关税〔2018〕49号, reported on goodsValue with the order's
    other faults, not left for the list to find."""
    over = _order_of(_priced(("7000.00", 2)), freight="700.00", buyer_id_type="3")
    assert found(over) == [
        ("CEB311.buyerIdType.invalid", f"{H}/buyerIdType"),
        ("CEB311.quota.transaction_limit", f"{H}/goodsValue"),
    ]
    [violation] = [v for v in check(over).documents[0] if "quota" in v.code]
    assert "14700.00" in violation.en
    assert "5000.00" in violation.en
    assert "财关税〔2018〕49号" in violation.zh
    assert found(_order_of(_priced(("4980.00", 1)), freight="20.00")) == []  # 5000: within
    assert found(_order_of(_priced(("2490.00", 2)), freight="20.01")) == [
        ("CEB311.quota.transaction_limit", f"{H}/goodsValue")
    ]


def test_within_transaction_limit_single_item_and_dated_policy() -> None:
    # one indivisible item may clear at full tax (2019 edition) while within 26,000 …
    assert found(_order_of(_priced(("9000.00", 1)))) == []
    assert found(_order_of(_priced(("26000.00", 1)))) == [
        ("CEB311.quota.transaction_limit", f"{H}/goodsValue")
    ]
    # … but not two of them, and not under the 2016 edition (limit 2,000, no exception)
    assert found(_order_of(_priced(("3000.00", 2)))) == [
        ("CEB311.quota.transaction_limit", f"{H}/goodsValue")
    ]
    old = _order_of(_priced(("2500.00", 1)), app_time="20180301100000")
    assert [c for c, _ in found(old)] == ["CEB311.quota.transaction_limit"]
    assert found(_order_of(_priced(("1900.00", 1)), app_time="20180301100000")) == []
