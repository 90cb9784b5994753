"""CEB625 returns on SQLite and PostgreSQL: whole and per line, within 30 days of release, the
buyer's annual total and the tax bill after each step equal to a hand-worked ledger, and
every refusal with its code."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from harness import Harness, info
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builders as b
import lifecycle_builders as lb
from tradewindow.cbec.clearance import Answer
from tradewindow.cbec.ports import CBEC_LIFECYCLE, DocKind
from tradewindow.store import SqlStore, open_store

KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"
D = Decimal


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    return Harness(store)


def invt_no(answer: Answer) -> str:
    (number,) = {
        msgspec.json.decode(r.body)["invtNo"] for r in answer.receipts if r.receipt_type == "CEB622"
    }
    return str(number)


def released(harness: Harness) -> tuple[b.ImportSet, str]:
    s = b.import_set()
    *_, inventory = harness.send(*s.messages)
    assert ("CEB622", "800") in harness.statuses(inventory)
    return s, invt_no(inventory)


def annual_total(harness: Harness) -> Decimal:
    with harness.store.unit_of_work() as uow:
        return uow.buyer_totals([b.BUYER_ID], 2026).get(b.BUYER_ID, D(0))


def bill(harness: Harness) -> tuple[Decimal, Decimal, Decimal]:
    """(customs duty, VAT, consumption tax) the list's bill charges now."""
    with harness.store.unit_of_work() as uow:
        records = uow.part(CBEC_LIFECYCLE)
        (issued,) = records.tax_bills([KEY]).values()
        changes = records.adjustments([issued.tax_no])
    return (
        issued.customs_tax + sum((a.customs_tax for a in changes), D(0)),
        issued.value_added_tax + sum((a.value_added_tax for a in changes), D(0)),
        issued.consumption_tax + sum((a.consumption_tax for a in changes), D(0)),
    )


def send_return(harness: Harness, s: b.ImportSet, number: str, lines: dict[int, Decimal],
                tag: str) -> Answer:  # fmt: skip
    (answer,) = harness.send(lb.refund_message(lb.refund(s.inventory, number, lines, tag=tag)))
    return answer


# The import set: 2 face cream × 199.00 (line 1), 3 infant formula × 258.00 (line 2), 1 vitamins
# × 128.00 (line 3); freight 20.00 shared 6.12 / 11.91 / 1.97 in proportion to the prices, so
# the lines are worth 404.12, 785.91 and 129.97 (1,320.00). Their tax: line 1 VAT 43.26 +
# consumption tax 49.92 (cosmetics), line 2 VAT 71.52, line 3 VAT 11.83.
LEDGER = [
    # lines returned, annual total after, (duty, VAT, consumption tax) after
    ({2: D(1)}, D("1058.03"), (D(0), D("102.77"), D("49.92"))),  # 785.91 / 3, 71.52 / 3
    ({2: D(2)}, D("534.09"), (D(0), D("55.09"), D("49.92"))),  # the rest of line 2
    ({1: D(1)}, D("332.03"), (D(0), D("33.46"), D("24.96"))),  # half of line 1
    ({1: D(1), 3: D(1)}, D("0.00"), (D(0), D("0.00"), D("0.00"))),  # the rest: bill void
]


def test_returns_step_by_step_follow_the_hand_worked_ledger(harness: Harness) -> None:
    s, number = released(harness)
    assert annual_total(harness) == D("1320.00")
    assert bill(harness) == (D(0), D("126.61"), D("49.92"))
    for step, (lines, total, taxes) in enumerate(LEDGER, 1):
        harness.now += timedelta(days=3)
        answer = send_return(harness, s, number, lines, tag=str(step))
        assert harness.statuses(answer) == [("CEB626", "399")], info(answer, "CEB626")
        assert annual_total(harness) == total, step
        assert bill(harness) == taxes, step
    # nothing is left to return
    answer = send_return(harness, s, number, {3: D(1)}, tag="5")
    assert answer.receipts[0].codes == ("CEB625.qty.exceeds",)
    assert harness.document_status(DocKind.INVENTORY, KEY) == "released"


def test_a_whole_return_voids_the_bill_and_gives_back_the_whole_value(harness: Harness) -> None:
    s, number = released(harness)
    (answer,) = harness.send(lb.refund_message(lb.refund(s.inventory, number)))
    assert harness.statuses(answer) == [("CEB626", "399")]
    assert annual_total(harness) == 0
    assert bill(harness) == (0, 0, 0)


@pytest.mark.parametrize(
    ("after", "accepted"),
    [
        (timedelta(days=30, hours=11, minutes=59), True),  # 2026-03-31 23:59 China: day 30
        (timedelta(days=30, hours=12, seconds=1), False),  # 2026-04-01 00:00:01: day 31
    ],
)
def test_a_return_is_applied_for_within_30_days_of_release(
    harness: Harness, after: timedelta, accepted: bool
) -> None:
    s, number = released(harness)  # released at 2026-03-01 12:00 China time
    harness.now += after
    answer = send_return(harness, s, number, {2: D(1)}, tag="late")
    if accepted:
        assert harness.statuses(answer) == [("CEB626", "399")]
    else:
        assert answer.receipts[0].codes == ("CEB625.appTime.too_late",)
        assert annual_total(harness) == D("1320.00")


def test_a_list_not_released_cannot_be_returned(harness: Harness) -> None:
    s = b.import_set()
    (waiting,) = harness.send(s.messages[3])
    answer = send_return(harness, s, invt_no(waiting), {1: D(1)}, tag="w")
    assert answer.receipts[0].codes == ("CEB625.invtNo.not_released",)


def test_every_line_fault_is_listed_at_once(harness: Harness) -> None:
    s, number = released(harness)
    refund = lb.refund(s.inventory, number, {1: D(3), 2: D(1), 9: D(1)}, tag="bad")
    refund = msgspec.structs.replace(
        refund,
        items=[
            refund.items[0],
            msgspec.structs.replace(refund.items[1], gcode="3304990099", unit="011"),
            refund.items[2],
        ],
    )
    (answer,) = harness.send(lb.refund_message(refund))
    assert answer.receipts[0].codes == (
        "CEB625.qty.exceeds",
        "CEB625.gcode.mismatch",
        "CEB625.unit.mismatch",
        "CEB625.gnum.unknown",
    )
    text = info(answer, "CEB626")[0]
    assert "InvtRefund[1]/InvtRefundList[3]/gnum" in text
    assert annual_total(harness) == D("1320.00")


def test_only_the_lists_declarant_returns_it(harness: Harness) -> None:
    s, number = released(harness)
    refund = lb.refund(s.inventory, number, {1: D(1)}, agent_code="4403989999")
    (answer,) = harness.send(lb.refund_message(refund))
    assert answer.receipts[0].codes == ("CEB625.agentCode.not_declarant",)


def test_a_cancelled_list_cannot_be_returned(harness: Harness) -> None:
    s, number = released(harness)
    harness.send(lb.cancel_message(lb.cancel(s.inventory, number)))
    answer = send_return(harness, s, number, {1: D(1)}, tag="c")
    assert answer.receipts[0].codes == ("CEB625.invtNo.cancelled",)


_QUANTITIES = st.sampled_from([D("0.5"), D(1), D("1.5"), D(2), D("2.5"), D(3), D(4)])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=_QUANTITIES, second=_QUANTITIES)
def test_two_partial_returns_never_exceed_what_was_released(
    first: Decimal, second: Decimal
) -> None:
    """Line 2 released 3 tins: whatever two returns ask, no more than 3 are ever returned,
    and when all 3 are, exactly its value (785.91) left the annual total."""
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'tw.db'}")
        try:
            harness = Harness(store)
            s, number = released(harness)
            accepted = D(0)
            for tag, qty in (("a", first), ("b", second)):
                answer = send_return(harness, s, number, {2: qty}, tag=tag)
                ok = harness.statuses(answer) == [("CEB626", "399")]
                assert ok == (accepted + qty <= 3)
                accepted += qty if ok else 0
            with store.unit_of_work() as uow:
                lines = uow.part(CBEC_LIFECYCLE).returned_lines([KEY])
            assert sum((line.qty for line in lines), D(0)) == accepted <= 3
            given_back = D("1320.00") - annual_total(harness)
            if accepted == 3:
                assert given_back == D("785.91")
            assert given_back == sum((line.value for line in lines), D(0))
        finally:
            store.close()
