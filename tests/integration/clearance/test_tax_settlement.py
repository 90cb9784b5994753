"""Tax settlement on SQLite and PostgreSQL: each bill is its list's withholding agent's
(assureCode), payable from the 31st day after release and due by the 45th; a payment is
recorded once per id; a release whose tax the agent's guarantee cannot cover is held
(CEB621.guarantee.exhausted) and released when a payment frees enough of it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from harness import Harness

import builders as b
import lifecycle_builders as lb
from tradewindow.cbec.clearance import Answer
from tradewindow.cbec.ports import DocKind
from tradewindow.cbec.settlement import BillStatus, Payment, statement_csv
from tradewindow.store import SqlStore

AGENT = b.EBC_CODE  # the builders' lists name their e-commerce enterprise as guarantor
TAX = Decimal("176.53")  # one import set's bill: VAT 126.61 + consumption tax 49.92
D = Decimal


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    return Harness(store)


def clear(harness: Harness, n: int) -> Answer:
    s = b.import_set(order_no=f"SO-T-{n}", logistics_no=f"SF-T-{n}")
    *_, listed = harness.send(*s.messages)
    return listed


def pay(harness: Harness, tax_no: str, amount: Decimal, pid: str = "P1") -> list[str]:
    payment = Payment(payment_id=pid, tax_no=tax_no, amount=amount, paid_at=harness.now)
    refused, _ = harness.clearance.record_payment(AGENT, payment)
    return [v.code for v in refused]


def test_a_bill_is_payable_from_day_31_and_due_by_day_45(harness: Harness) -> None:
    clear(harness, 1)
    (bill,) = harness.clearance.tax_bills_of(AGENT)
    assert (bill.charged, bill.payable_from, bill.due) == (TAX, date(2026, 4, 1), date(2026, 4, 15))
    assert bill.status(harness.now) is BillStatus.NOT_YET_PAYABLE
    assert pay(harness, bill.tax_no, TAX) == ["tax.bill.not_payable_yet"]
    harness.now += timedelta(days=31)
    assert bill.status(harness.now) is BillStatus.PAYABLE
    harness.now += timedelta(days=15)  # 2026-04-16: past the 45th day
    assert [b_.tax_no for b_ in harness.clearance.overdue_bills()] == [bill.tax_no]
    assert pay(harness, bill.tax_no, TAX + 1) == ["tax.payment.exceeds"]
    assert pay(harness, bill.tax_no, D("100.00")) == []
    assert pay(harness, bill.tax_no, D("100.00")) == []  # the same payment again: once
    assert pay(harness, bill.tax_no, D("76.53")) == ["tax.payment.id_reused"]
    assert pay(harness, bill.tax_no, D("76.53"), pid="P2") == []
    assert harness.clearance.overdue_bills() == []
    (row,) = harness.clearance.tax_statement(AGENT, "2026-03")
    assert (row.paid, row.outstanding, row.status) == (TAX, 0, BillStatus.PAID)
    csv = statement_csv([row])
    assert csv.splitlines()[1].endswith(",paid")


def test_a_return_reduces_the_bill_to_settle_and_another_agent_sees_none(harness: Harness) -> None:
    clear(harness, 1)
    (bill,) = harness.clearance.tax_bills_of(AGENT)
    s = b.import_set(order_no="SO-T-1", logistics_no="SF-T-1")
    harness.send(lb.refund_message(lb.refund(s.inventory, bill.invt_no, {2: D(1)})))
    (reduced,) = harness.clearance.tax_bills_of(AGENT)
    assert reduced.charged == TAX - D("23.84")
    harness.now += timedelta(days=31)
    payment = Payment(payment_id="X", tax_no=bill.tax_no, amount=D(1), paid_at=harness.now)
    refused, _ = harness.clearance.record_payment("4403960099", payment)
    assert [v.code for v in refused] == ["tax.bill.unknown"]


def test_an_exhausted_guarantee_holds_the_release_until_a_payment(harness: Harness) -> None:
    harness.clearance.set_guarantee(AGENT, D("200.00"))
    first = clear(harness, 1)
    assert ("CEB622", "800") in harness.statuses(first)
    guarantee = harness.clearance.guarantee(AGENT)
    assert guarantee is not None
    assert guarantee.used == TAX
    second = clear(harness, 2)
    held = [r for r in second.receipts if r.status == "300"]
    assert [r.codes for r in held] == [("CEB621.guarantee.exhausted",)]
    assert harness.document_status(DocKind.INVENTORY, f"{b.EBP_CODE}|SO-T-2") == "review"
    (bill,) = harness.clearance.tax_bills_of(AGENT)
    harness.now += timedelta(days=31)
    payment = Payment(payment_id="P1", tax_no=bill.tax_no, amount=TAX, paid_at=harness.now)
    refused, receipts = harness.clearance.record_payment(AGENT, payment)
    assert refused == []
    assert [(r.receipt_type, r.status) for r in receipts] == [("CEB622", "800"), ("CEB816", "1")]
    assert harness.document_status(DocKind.INVENTORY, f"{b.EBP_CODE}|SO-T-2") == "released"
    after = harness.clearance.guarantee(AGENT)
    assert after is not None
    assert after.used == TAX  # the first bill paid, the second issued


def test_a_cancellation_frees_the_guarantee_its_bill_used(harness: Harness) -> None:
    harness.clearance.set_guarantee(AGENT, D("200.00"))
    clear(harness, 1)
    (bill,) = harness.clearance.tax_bills_of(AGENT)
    s = b.import_set(order_no="SO-T-1", logistics_no="SF-T-1")
    harness.send(lb.cancel_message(lb.cancel(s.inventory, bill.invt_no)))
    guarantee = harness.clearance.guarantee(AGENT)
    assert guarantee is not None
    assert guarantee.used == 0
    (void,) = harness.clearance.tax_bills_of(AGENT)
    assert void.status(datetime.now(tz=b.NOW.tzinfo)) is BillStatus.VOID
