"""A returned document's receipt record carries the codes it was refused for, as data beside
the receipt's bytes (which stay the spec's receipt); the run summary counts those codes, even
the ones a cut returnInfo text no longer shows; the store keeps them."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest
from harness import Harness

import builders as b
from tradewindow.cbec.clearance import Answer
from tradewindow.cbec.documents import Order
from tradewindow.cbec.ports import ReceiptRecord
from tradewindow.cbec.receipts import InventoryReturn, OrderReturn
from tradewindow.intake import Summary
from tradewindow.store import SqlStore


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    return Harness(store)


def _returned(answer: Answer) -> ReceiptRecord:
    (record,) = [r for r in answer.receipts if r.status == "100"]
    return record


def _stored(harness: Harness, guid: str) -> list[ReceiptRecord]:
    with harness.store.unit_of_work() as uow:
        return uow.receipts_for_messages([guid])


def _overlong_order() -> Order:
    """An order with a bad buyer ID, 12 lines whose totals are off by one, the last also of
    an unknown country: its returnInfo is cut at 1,000 characters before the last code."""
    base = b.order_items(1)[0]
    items = [
        msgspec.structs.replace(base, gnum=n, total_price=base.total_price + Decimal(1))
        for n in range(1, 13)
    ]
    items[-1] = msgspec.structs.replace(items[-1], country="999")
    return b.order(items=items, buyer_id_number="110108198802202171")


def test_an_invalid_document_carries_every_code_even_past_the_cut_text(harness: Harness) -> None:
    message = b.order_message(_overlong_order())
    (answer,) = harness.send(message)
    record = _returned(answer)
    expected = (
        "CEB311.buyerIdNumber.invalid",
        "CEB311.totalPrice.mismatch",
        "CEB311.country.unknown",
    )
    assert record.codes == expected
    text = msgspec.json.decode(record.body, type=OrderReturn).return_info
    assert len(text) == 1000
    assert text.endswith("…")
    assert "CEB311.country.unknown" not in text  # only the codes still say it
    summary = Summary()
    summary.tally([answer])
    assert summary.returned_by_reason == Counter(dict.fromkeys(expected, 1))
    assert _stored(harness, message.guid) == answer.receipts


def test_the_receipt_sent_holds_no_codes(harness: Harness) -> None:
    (answer,) = harness.send(b.order_message(_overlong_order()))
    body = msgspec.json.decode(_returned(answer).body)
    assert "codes" not in body
    assert set(body) == {f.encode_name for f in msgspec.structs.fields(OrderReturn)}


def test_a_refused_change_carries_its_app_type_code(harness: Harness) -> None:
    (answer,) = harness.send(b.order_message(b.order(app_type="2")))
    assert _returned(answer).codes == ("CEB311.appType.not_found",)


def test_a_list_returned_by_matching_carries_the_match_code(harness: Harness) -> None:
    s = b.import_set()
    payment = b.payment(source=s.order, amount_paid=s.order.head.actural_paid + 1)
    *_, inventory = harness.send(
        s.messages[0], b.payment_message(payment), s.messages[2], s.messages[3]
    )
    record = _returned(inventory)
    assert record.codes == ("CEB621.match.payment.amountPaid",)
    assert msgspec.json.decode(record.body, type=InventoryReturn).return_status == "100"


def test_a_list_returned_for_its_annual_limit_carries_the_quota_code(harness: Harness) -> None:
    with harness.store.unit_of_work() as uow:
        uow.add_buyer_totals({(b.BUYER_ID, 2026): Decimal("25000.00")})
        uow.commit()
    *_, inventory = harness.send(*b.import_set().messages)
    assert _returned(inventory).codes == ("CEB621.quota.annual_limit",)


def test_a_list_timed_out_carries_the_timeout_code_and_the_store_keeps_it(
    harness: Harness,
) -> None:
    s = b.import_set()
    harness.send(s.messages[3], s.messages[0], s.messages[1])
    harness.now += timedelta(hours=25)
    (expired,) = harness.clearance.expire_waiting()
    assert expired.codes == ("CEB621.match.timeout",)
    assert harness.clearance.answer_for(f"timeout:{s.messages[3].guid}") == [expired]


def test_receipts_not_returned_carry_no_codes(harness: Harness) -> None:
    answers = harness.send(*b.import_set().messages)
    records = [r for answer in answers for r in answer.receipts]
    assert {r.status for r in records} == {"120", "800", "1"}
    assert all(r.codes == () for r in records)
