"""CEB623 cancellations on SQLite and PostgreSQL: what an accepted one undoes (status, the
buyer's annual total, the tax bill) in one unit of work, and every refusal with its code."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from harness import Harness, info

import builders as b
import lifecycle_builders as lb
from tradewindow.cbec.clearance import Answer
from tradewindow.cbec.ports import CBEC_LIFECYCLE, DocKind
from tradewindow.cbec.receipts import InvtCancelReturn, TaxBill
from tradewindow.store import SqlStore

KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    return Harness(store)


def invt_no(answer: Answer) -> str:
    (number,) = {
        msgspec.json.decode(r.body)["invtNo"] for r in answer.receipts if r.receipt_type == "CEB622"
    }
    return str(number)


def total(harness: Harness) -> Decimal:
    with harness.store.unit_of_work() as uow:
        return uow.buyer_totals([b.BUYER_ID], 2026).get(b.BUYER_ID, Decimal(0))


def bill_now(harness: Harness) -> tuple[Decimal, Decimal]:
    """(the bills as issued, what their adjustments add to them)."""
    with harness.store.unit_of_work() as uow:
        records = uow.part(CBEC_LIFECYCLE)
        bills = records.tax_bills([KEY])
        added = sum(
            (a.customs_tax + a.value_added_tax + a.consumption_tax
             for a in records.adjustments([bill.tax_no for bill in bills.values()])),
            Decimal(0),
        )  # fmt: skip
    return harness.store.tax_total(), added


def released(harness: Harness) -> tuple[b.ImportSet, str, Answer]:
    s = b.import_set()
    *_, inventory = harness.send(*s.messages)
    assert ("CEB622", "800") in harness.statuses(inventory)
    return s, invt_no(inventory), inventory


def test_a_released_list_cancelled_gives_back_its_quota_and_voids_its_bill(
    harness: Harness,
) -> None:
    s, number, inventory = released(harness)
    grown = total(harness)
    assert grown > 0
    bill = msgspec.json.decode(inventory.receipts[-1].body, type=TaxBill)
    (answer,) = harness.send(lb.cancel_message(lb.cancel(s.inventory, number)))
    assert harness.statuses(answer) == [("CEB624", "399")]
    receipt = msgspec.json.decode(answer.receipts[0].body, type=InvtCancelReturn)
    assert receipt.invt_no == number
    assert len(receipt.pre_no) == 18
    assert receipt.guid == lb.cancel(s.inventory, number).guid
    assert harness.document_status(DocKind.INVENTORY, KEY) == "cancelled"
    assert total(harness) == 0
    issued, added = bill_now(harness)
    assert issued == bill.head.total
    assert added == -issued


def test_a_waiting_list_is_cancelled_without_touching_quota_or_tax(harness: Harness) -> None:
    s = b.import_set()
    (waiting,) = harness.send(s.messages[3])
    number = invt_no(waiting)
    (answer,) = harness.send(lb.cancel_message(lb.cancel(s.inventory, number)))
    assert harness.statuses(answer) == [("CEB624", "399")]
    assert harness.document_status(DocKind.INVENTORY, KEY) == "cancelled"
    assert total(harness) == 0
    assert harness.rows("cbec_tax_adjustments") == 0
    # its companions arriving later no longer release it
    answers = harness.send(*s.messages[:3])
    assert all(r.receipt_type != "CEB622" for a in answers for r in a.receipts)
    assert harness.document_status(DocKind.INVENTORY, KEY) == "cancelled"


def test_a_second_cancellation_is_refused_as_already_cancelled(harness: Harness) -> None:
    s, number, _ = released(harness)
    harness.send(lb.cancel_message(lb.cancel(s.inventory, number)))
    again = lb.cancel(s.inventory, number, guid=b.guid("again"))
    (answer,) = harness.send(lb.cancel_message(again))
    assert harness.statuses(answer) == [("CEB624", "100")]
    assert answer.receipts[0].codes == ("CEB623.invtNo.already_cancelled",)
    assert total(harness) == 0  # not given back twice


def test_a_cancellation_after_delivery_is_refused_use_a_return(harness: Harness) -> None:
    s, number, _ = released(harness)
    (signed,) = harness.send(lb.status_message(lb.waybill_status(s.waybill)))
    assert harness.statuses(signed) == [("CEB514", "120")]
    (answer,) = harness.send(lb.cancel_message(lb.cancel(s.inventory, number)))
    assert answer.receipts[0].codes == ("CEB623.invtNo.delivered",)
    assert harness.document_status(DocKind.INVENTORY, KEY) == "released"


def test_an_unknown_list_is_refused(harness: Harness) -> None:
    s, number, _ = released(harness)
    wrong = lb.cancel(s.inventory, number[:-1] + ("0" if number[-1] != "0" else "1"))
    (answer,) = harness.send(lb.cancel_message(wrong))
    assert answer.receipts[0].codes == ("CEB623.invtNo.unknown",)
    other_order = lb.cancel(s.inventory, number, order_no="SO-NOT-FILED", guid=b.guid("x"))
    (answer,) = harness.send(lb.cancel_message(other_order))
    assert answer.receipts[0].codes == ("CEB623.invtNo.unknown",)


def test_every_refusal_is_listed_at_once(harness: Harness) -> None:
    s, number, _ = released(harness)
    bad = lb.cancel(s.inventory, number, agent_code="4403989999", buyer_id_number=b.OTHER_BUYER_ID)
    (answer,) = harness.send(lb.cancel_message(bad))
    assert answer.receipts[0].codes == (
        "CEB623.agentCode.not_declarant",
        "CEB623.buyerIdNumber.mismatch",
    )
    assert "InvtCancel[1]/agentCode" in info(answer, "CEB624")[0]
    assert harness.document_status(DocKind.INVENTORY, KEY) == "released"


@pytest.mark.parametrize(
    ("reason", "code"), [("", "CEB623.reason.required"), ("   ", "CEB623.reason.missing")]
)
def test_a_cancellation_needs_a_reason(harness: Harness, reason: str, code: str) -> None:
    s, number, _ = released(harness)
    (answer,) = harness.send(lb.cancel_message(lb.cancel(s.inventory, number, reason=reason)))
    assert harness.statuses(answer) == [("CEB624", "100")]
    assert answer.receipts[0].codes == (code,)
    assert harness.document_status(DocKind.INVENTORY, KEY) == "released"


def test_the_same_cancellation_twice_is_answered_the_same_and_undoes_once(
    harness: Harness,
) -> None:
    s, number, _ = released(harness)
    message = lb.cancel_message(lb.cancel(s.inventory, number))
    (first,) = harness.send(message)
    (again,) = harness.send(message)
    assert again.replayed
    assert [r.body for r in again.receipts] == [r.body for r in first.receipts]
    assert harness.rows("cbec_tax_adjustments") == 1
    assert total(harness) == 0


def test_a_cancellation_sent_with_its_list_finds_it(harness: Harness) -> None:
    s = b.import_set()
    first_number = "53492026I000000001"  # the first list number of customs 5349 in 2026
    cancel, *_, listed = harness.send(
        lb.cancel_message(lb.cancel(s.inventory, first_number)), *s.messages
    )
    assert invt_no(listed) == first_number
    assert ("CEB622", "800") in harness.statuses(listed)
    assert harness.statuses(cancel) == [("CEB624", "399")]
    assert harness.document_status(DocKind.INVENTORY, KEY) == "cancelled"
    assert total(harness) == 0
