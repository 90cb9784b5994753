"""The one error shape and its receipt text."""

from __future__ import annotations

from tradewindow.violations import Violation, summarise

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
