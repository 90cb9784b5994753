"""The one error shape and its receipt text."""

from __future__ import annotations

from tradewindow.violations import Violation, codes_of, summarise

V = Violation(path="OrderHead/goodsValue", code="CEB311.goodsValue.mismatch", en="off", zh="不符")


def test_at_puts_the_document_in_front_of_the_path() -> None:
    assert V.at("Order[2]").path == "Order[2]/OrderHead/goodsValue"
    assert Violation(path="", code="c", en="e", zh="z").at("Inventory[1]").path == "Inventory[1]"


def test_summary_lists_code_path_and_both_languages() -> None:
    assert summarise([V]) == "[CEB311.goodsValue.mismatch] OrderHead/goodsValue: off / 不符"


def test_summary_is_cut_to_the_receipt_limit_with_codes_first() -> None:
    text = summarise([V] * 50, limit=1000)
    assert len(text) == 1000
    assert text.startswith("[CEB311.goodsValue.mismatch]")
    assert text.endswith("…")


def test_codes_are_each_rule_once_first_met_first() -> None:
    other = Violation(path="OrderList[2]/country", code="CEB311.country.unknown", en="e", zh="z")
    assert codes_of([V, other, V, other.at("Order[1]")]) == (
        "CEB311.goodsValue.mismatch",
        "CEB311.country.unknown",
    )
    assert codes_of([]) == ()
