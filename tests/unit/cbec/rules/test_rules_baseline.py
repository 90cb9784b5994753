"""The builders' import set is clean, and faults in many places are all reported at once."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from rule_checks import check, found

import builders as b
from tradewindow.cbec.documents import SpecVersion


def test_valid_import_set_has_no_violation() -> None:
    for message in b.import_set().messages:
        result = check(message)
        assert result.message == []
        assert result.documents == {}
        assert result.clean


def test_valid_bonded_set_has_no_violation() -> None:
    for message in (
        b.import_set(trade_mode="1210").messages + b.import_set(trade_mode="1239").messages
    ):
        assert found(message) == []


def test_valid_set_is_clean_under_2018_spec_too() -> None:
    for message in b.import_set().messages:
        assert found(message, spec=SpecVersion.V2018) == []


def test_many_faults_are_all_reported_with_their_documents() -> None:
    good = b.order()
    bad_head = b.order(order_no="N" * 61, app_type="9", goods_value=Decimal("1.000001"))
    items = b.order_items()
    items[2] = msgspec.structs.replace(items[2], gnum=7, unit="XYZ")
    bad_line = b.order(items=items, guid=b.guid("x"))
    message = b.order_message(good, bad_head, bad_line)
    message = msgspec.structs.replace(message, guid=message.guid.lower())
    result = check(message)
    assert [(v.code, v.path) for v in result.message] == [("CEB311.guid.not_uppercase", "@guid")]
    assert set(result.documents) == {1, 2}
    assert [(v.code, v.path) for v in result.documents[1]] == [
        ("CEB311.orderNo.too_long", "Order[2]/OrderHead/orderNo"),
        ("CEB311.goodsValue.too_many_decimals", "Order[2]/OrderHead/goodsValue"),
        ("CEB311.appType.invalid", "Order[2]/OrderHead/appType"),
        ("CEB311.acturalPaid.mismatch", "Order[2]/OrderHead/acturalPaid"),
        ("CEB311.goodsValue.mismatch", "Order[2]/OrderHead/goodsValue"),
    ]
    assert [(v.code, v.path) for v in result.documents[2]] == [
        ("CEB311.gnum.not_consecutive", "Order[3]/OrderList[3]/gnum"),
        ("CEB311.unit.unknown", "Order[3]/OrderList[3]/unit"),
    ]


def test_every_violation_speaks_english_and_chinese() -> None:
    result = check(b.order_message(b.order(order_type="E", buyer_id_number="123")))
    violations = [v for vs in result.documents.values() for v in vs]
    assert len(violations) == 2
    for violation in violations:
        assert violation.en
        assert violation.zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in violation.zh)
