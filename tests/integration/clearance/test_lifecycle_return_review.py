"""Returns an officer decides (the policy's ``[returns] review_when``), on SQLite and
PostgreSQL: the return waits (CEB626 120) with its lines counted against the list, and takes
effect only when customs releases it (399); refused, it is answered 100 with the officer's
reason and gives its quantity back. The shipped policy has no rule: returns are automatic."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import msgspec
import pytest
from harness import Harness

import builders as b
import lifecycle_builders as lb
from tradewindow.agencies.policy_file import POLICY_FILE, policy_from_text, shipped_policy
from tradewindow.agencies.queue import AgencyDesk
from tradewindow.agencies.release_gate import AgencyGate
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.agencies.status import Decision
from tradewindow.cbec.clearance import Answer, Clearance
from tradewindow.cbec.ports import CBEC_LIFECYCLE, DocKind, ReceiptRecord
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.store import SqlStore

KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"
D = Decimal
RULE = '\nreview_when = [{ "InventoryList/*/gcode" = { prefix_in = "inspection_hs" } }]\n'


def reviewing_policy() -> Policy:
    text = resources.files("tradewindow.agencies").joinpath(POLICY_FILE).read_text("utf-8")
    assert text.rstrip().endswith('reviewed_by = "customs"')  # [returns] is the last table
    return policy_from_text(text.rstrip() + RULE)


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    harness = Harness(store)
    policy = reviewing_policy()
    harness.desk = AgencyDesk(store.agencies, policy, clock=lambda: harness.now)
    harness.clearance = Clearance(
        store,
        codes=ReferenceCodeTables(),
        rates=TariffRates(),
        match_timeout=harness.timeout,
        clock=lambda: harness.now,
        gate=AgencyGate(harness.desk, policy),
    )
    return harness


def decide(
    harness: Harness, agency: str, decision: Decision, reason: str | None = None
) -> list[ReceiptRecord]:
    """Every open task of ``agency`` decided, and what clearance answered for each."""
    made: list[ReceiptRecord] = []
    for task in harness.desk.list_tasks(agency).tasks:
        if task.decision is not None:
            continue
        harness.desk.claim(agency, "officer-wang", task.id)
        harness.desk.decide(agency, "officer-wang", task.id, decision, reason)
        made += harness.clearance.settle([task.filing], reason=f"decision:{task.id}")
    return made


def released(harness: Harness) -> tuple[b.ImportSet, str]:
    s = b.import_set()
    *_, listed = harness.send(*s.messages)
    decide(harness, "inspection_quarantine", Decision.RELEASE)
    assert harness.document_status(DocKind.INVENTORY, KEY) == "released"
    (number,) = {
        msgspec.json.decode(r.body)["invtNo"] for r in listed.receipts if r.receipt_type == "CEB622"
    }
    return s, number


def annual_total(harness: Harness) -> Decimal:
    with harness.store.unit_of_work() as uow:
        return uow.buyer_totals([b.BUYER_ID], 2026).get(b.BUYER_ID, D(0))


def returned_statuses(harness: Harness) -> list[str]:
    with harness.store.unit_of_work() as uow:
        return [line.status.value for line in uow.part(CBEC_LIFECYCLE).returned_lines([KEY])]


def send_return(harness: Harness, s: b.ImportSet, number: str, qty: int, tag: str) -> Answer:
    refund = lb.refund(s.inventory, number, {2: D(qty)}, tag=tag)
    (answer,) = harness.send(lb.refund_message(refund))
    return answer


def test_the_shipped_policy_reviews_no_return() -> None:
    returns = shipped_policy().returns
    assert (returns.reviewed_by, returns.rules) == ("customs", ())


def test_a_reviewed_return_takes_effect_when_customs_releases_it(harness: Harness) -> None:
    s, number = released(harness)
    assert annual_total(harness) == D("1320.00")
    waiting = send_return(harness, s, number, 1, "a")
    assert harness.statuses(waiting) == [("CEB626", "120")]
    assert annual_total(harness) == D("1320.00")  # nothing yet
    assert returned_statuses(harness) == ["pending"]
    # the pending tin counts: 3 more would exceed the 3 released
    over = send_return(harness, s, number, 3, "b")
    assert over.receipts[0].codes == ("CEB625.qty.exceeds",)
    (task,) = [t for t in harness.desk.list_tasks("customs").tasks if t.decision is None]
    assert task.filing.startswith(f"{KEY}|")
    view = harness.desk.view("customs", task.id)
    assert "refund" in view.documents
    assert "inventory" in view.documents
    (answer,) = decide(harness, "customs", Decision.RELEASE)
    assert (answer.receipt_type, answer.status) == ("CEB626", "399")
    assert annual_total(harness) == D("1058.03")  # 785.91 / 3 given back
    assert returned_statuses(harness) == ["released"]


def test_a_refused_return_says_why_and_gives_its_quantity_back(harness: Harness) -> None:
    s, number = released(harness)
    send_return(harness, s, number, 2, "a")
    (answer,) = decide(harness, "customs", Decision.REFUSE, "包装已拆封，不符合二次销售要求")
    assert (answer.receipt_type, answer.status) == ("CEB626", "100")
    info = msgspec.json.decode(answer.body)["returnInfo"]
    assert "不符合二次销售要求" in info
    assert annual_total(harness) == D("1320.00")
    assert returned_statuses(harness) == ["returned"]
    again = send_return(harness, s, number, 3, "c")  # the whole line is returnable again
    assert harness.statuses(again) == [("CEB626", "120")]
