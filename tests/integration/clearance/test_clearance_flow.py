"""The clearance service end to end on SQLite and PostgreSQL: matching in any arrival order,
waiting and timeout, idempotency, re-declaration, quota and tax, refusals."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest
from harness import Harness, info

import builders as b
from tradewindow.cbec.ports import DocKind
from tradewindow.cbec.receipts import TaxBill
from tradewindow.store import SqlStore

KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    return Harness(store)


def test_a_complete_set_in_order_is_released_with_a_tax_bill(harness: Harness) -> None:
    s = b.import_set()
    order, payment, waybill, inventory = harness.send(*s.messages)
    assert harness.statuses(order) == [("CEB312", "120")]
    assert harness.statuses(payment) == [("CEB412", "120")]
    assert harness.statuses(waybill) == [("CEB512", "120")]
    assert harness.statuses(inventory) == [("CEB622", "120"), ("CEB622", "800"), ("CEB816", "1")]
    bill = msgspec.json.decode(inventory.receipts[2].body, type=TaxBill)
    # 1,300.00 of goods + 0 freight: VAT 13% and consumption tax (cosmetics line) at 70%
    assert bill.head.customs_tax == Decimal("0.00")
    assert bill.head.value_added_tax + bill.head.consumption_tax == harness.store.tax_total()
    assert harness.document_status(DocKind.INVENTORY, KEY) == "released"
    with harness.store.unit_of_work() as uow:
        assert uow.buyer_totals([b.BUYER_ID], 2026)[b.BUYER_ID] > Decimal("1300")


@pytest.mark.parametrize("order_of_arrival", list(itertools.permutations(range(3))))
def test_a_list_waits_for_its_companions_in_any_arrival_order(
    harness: Harness, order_of_arrival: tuple[int, ...]
) -> None:
    s = b.import_set()
    companions = s.messages[:3]
    (first,) = harness.send(s.messages[3])
    assert harness.statuses(first) == [("CEB622", "120")]
    assert "waiting for order, payment, waybill" in info(first)[0]
    answers = [harness.send(companions[i])[0] for i in order_of_arrival]
    for answer in answers[:2]:
        assert all(r.receipt_type != "CEB622" for r in answer.receipts)
    assert ("CEB622", "800") in harness.statuses(answers[2])
    assert harness.document_status(DocKind.INVENTORY, KEY) == "released"


def test_companions_in_the_same_batch_as_the_list_clear_it_at_once(harness: Harness) -> None:
    s = b.import_set()
    answers = harness.send(s.messages[3], *s.messages[:3])
    assert harness.statuses(answers[0]) == [("CEB622", "120"), ("CEB622", "800"), ("CEB816", "1")]


def test_a_list_whose_waybill_never_comes_is_returned_after_the_timeout(harness: Harness) -> None:
    s = b.import_set()
    harness.send(s.messages[3], s.messages[0], s.messages[1])
    harness.now += timedelta(hours=23)
    assert harness.clearance.expire_waiting() == []
    harness.now += timedelta(hours=2)
    (expired,) = harness.clearance.expire_waiting()
    assert (expired.receipt_type, expired.status) == ("CEB622", "100")
    assert harness.document_status(DocKind.INVENTORY, KEY) == "returned"
    receipts = harness.clearance.answer_for(f"timeout:{s.messages[3].guid}")
    (text,) = [msgspec.json.decode(r.body)["returnInfo"] for r in receipts]
    assert "CEB621.match.timeout" in text
    assert "waybill (CEB511)" in text
    assert "order (CEB311)" not in text


def test_a_payment_for_another_amount_returns_the_list_naming_the_field(harness: Harness) -> None:
    s = b.import_set()
    payment = b.payment(source=s.order, amount_paid=s.order.head.actural_paid + 1)
    _, _, _, inventory = harness.send(
        s.messages[0], b.payment_message(payment), s.messages[2], s.messages[3]
    )
    assert harness.statuses(inventory) == [("CEB622", "100")]
    assert "CEB621.match.payment.amountPaid" in info(inventory)[0]
    assert harness.document_status(DocKind.INVENTORY, KEY) == "returned"


def test_the_same_message_again_gets_the_same_receipts_and_stores_nothing_twice(
    harness: Harness,
) -> None:
    s = b.import_set()
    first = harness.send(*s.messages)
    counts = {t: harness.rows(t) for t in ("messages", "documents", "receipts", "tax_bills")}
    again = harness.send(*s.messages)
    assert [a.replayed for a in again] == [True] * 4
    assert [a.receipts for a in again] == [a.receipts for a in first]
    assert {t: harness.rows(t) for t in counts} == counts


def test_the_same_guid_with_other_content_is_refused_and_stores_nothing(harness: Harness) -> None:
    s = b.import_set()
    harness.send(s.messages[0])
    counts = {t: harness.rows(t) for t in ("messages", "documents", "receipts")}
    changed = b.order_message(b.order(order_no="OTHER-1"), guid_=s.messages[0].guid)
    (answer,) = harness.send(changed)
    assert [v.code for v in answer.refused] == ["CEB.guid.reused"]
    assert answer.receipts == []
    assert {t: harness.rows(t) for t in counts} == counts


def test_declaring_the_same_order_anew_is_a_duplicate(harness: Harness) -> None:
    s = b.import_set()
    harness.send(s.messages[0])
    (again,) = harness.send(b.order_message(s.order, guid_=b.guid("second message")))
    assert harness.statuses(again) == [("CEB312", "100")]
    assert "CEB311.appType.duplicate" in info(again, "CEB312")[0]


def test_an_order_changes_while_its_list_waits_but_not_once_released(harness: Harness) -> None:
    s = b.import_set()
    harness.send(s.messages[0])
    changed = b.order(
        items=s.order.items, app_type="2", note="address corrected", guid=s.order.head.guid
    )
    (answer,) = harness.send(b.order_message(changed, guid_=b.guid("change 1")))
    assert harness.statuses(answer) == [("CEB312", "120")]
    with harness.store.unit_of_work() as uow:
        assert uow.documents(DocKind.ORDER, [KEY])[KEY].version == 2
    harness.send(*s.messages[1:])
    assert harness.document_status(DocKind.INVENTORY, KEY) == "released"
    (late,) = harness.send(b.order_message(changed, guid_=b.guid("change 2")))
    assert harness.statuses(late) == [("CEB312", "100")]
    assert "CEB311.appType.locked" in info(late, "CEB312")[0]


def test_a_change_to_nothing_declared_is_refused(harness: Harness) -> None:
    (answer,) = harness.send(b.order_message(b.order(app_type="2")))
    assert "CEB311.appType.not_found" in info(answer, "CEB312")[0]


def test_a_list_cannot_be_deleted_by_a_ceb621(harness: Harness) -> None:
    s = b.import_set()
    harness.send(s.messages[3])
    deleting = b.inventory(source=s.order, app_type="3", cop_no=None, guid=s.inventory.head.guid)
    (answer,) = harness.send(b.inventory_message(deleting, guid_=b.guid("delete")))
    assert "CEB621.appType.delete_not_allowed" in info(answer)[0]
    assert harness.document_status(DocKind.INVENTORY, KEY) == "waiting"


def test_a_returned_list_may_be_declared_again_corrected(harness: Harness) -> None:
    s = b.import_set()
    bad_payment = b.payment(source=s.order, amount_paid=Decimal("1.00"))
    harness.send(s.messages[0], b.payment_message(bad_payment), s.messages[2], s.messages[3])
    assert harness.document_status(DocKind.INVENTORY, KEY) == "returned"
    fixed = b.payment(source=s.order, app_type="2")
    harness.send(b.payment_message(fixed, guid_=b.guid("fixed payment")))
    again = b.inventory(source=s.order, app_type="2", cop_no=None, guid=s.inventory.head.guid,
                        logistics_no=b.LOGISTICS_NO)  # fmt: skip
    (answer,) = harness.send(b.inventory_message(again, guid_=b.guid("list again")))
    assert ("CEB622", "800") in harness.statuses(answer)


def test_an_invalid_document_is_returned_with_every_violation_and_not_stored(
    harness: Harness,
) -> None:
    bad = b.order(goods_value=Decimal("1.00"), currency="502")
    (answer,) = harness.send(b.order_message(bad))
    assert harness.statuses(answer) == [("CEB312", "100")]
    text = info(answer, "CEB312")[0]
    assert "CEB311.goodsValue.mismatch" in text
    assert "currency" in text
    assert harness.rows("documents") == 0


def test_a_staged_document_is_answered_but_not_declared(harness: Harness) -> None:
    (answer,) = harness.send(b.order_message(b.order(app_status="1")))
    assert harness.statuses(answer) == [("CEB312", "1")]
    assert harness.rows("documents") == 0


def test_the_annual_limit_returns_a_list_that_would_exceed_it(harness: Harness) -> None:
    with harness.store.unit_of_work() as uow:
        uow.add_buyer_totals({(b.BUYER_ID, 2026): Decimal("25000.00")})
        uow.commit()
    s = b.import_set()
    *_, inventory = harness.send(*s.messages)
    assert harness.statuses(inventory)[-1] == ("CEB622", "100")
    assert "CEB621.quota.annual_limit" in info(inventory)[-1]
    with harness.store.unit_of_work() as uow:
        assert uow.buyer_totals([b.BUYER_ID], 2026)[b.BUYER_ID] == Decimal("25000.00")


def test_two_lists_of_one_buyer_in_one_batch_share_the_annual_limit(harness: Harness) -> None:
    with harness.store.unit_of_work() as uow:
        uow.add_buyer_totals({(b.BUYER_ID, 2026): Decimal("24000.00")})
        uow.commit()
    one = b.import_set(order_no="A-1", logistics_no="L-1")
    two = b.import_set(order_no="A-2", logistics_no="L-2")
    answers = harness.send(*one.messages, *two.messages)
    assert ("CEB622", "800") in harness.statuses(answers[3])
    assert harness.statuses(answers[7])[-1] == ("CEB622", "100")
    assert "CEB621.quota.annual_limit" in info(answers[7])[-1]


def test_a_document_modified_in_the_batch_that_declared_it_keeps_the_modification(
    harness: Harness,
) -> None:
    first = b.order()
    changed = b.order(app_type="2", buyer_telephone="13900139000", guid=b.guid("order", "v2"))
    declared, modified = harness.send(b.order_message(first), b.order_message(changed))
    assert harness.statuses(declared) == [("CEB312", "120")]
    assert harness.statuses(modified) == [("CEB312", "120")]
    with harness.store.unit_of_work() as uow:
        stored = uow.documents(DocKind.ORDER, [KEY])[KEY]
    assert msgspec.json.decode(stored.body)["OrderHead"]["buyerTelephone"] == "13900139000"
    assert stored.version == 2
