"""The single window's agencies between customs' conclusion and release: a list whose goods
inspection & quarantine must see waits for its decision; the combined status reaches the
enterprise as CEB622 receipts (399 while waiting, then 800, 300 or 100)."""

from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest
from harness import Harness, info

import builders as b
from tradewindow.agencies.ports import TaskStatus
from tradewindow.agencies.status import Decision
from tradewindow.cbec.clearance import Answer
from tradewindow.cbec.ports import DocKind
from tradewindow.intake import Summary
from tradewindow.store import SqlStore

KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"
IQ = "inspection_quarantine"


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    return Harness(store, agencies=True)


def _concluded(harness: Harness) -> None:
    *_, inventory = harness.send(*b.import_set().messages)
    assert harness.statuses(inventory) == [("CEB622", "120"), ("CEB622", "399")]
    assert "Inspection and Quarantine" in info(inventory)[-1]
    assert harness.document_status(DocKind.INVENTORY, KEY) == "agencies"


def _task(harness: Harness, agency: str) -> int:
    (task,) = harness.desk.list_tasks(agency).tasks
    return task.id


def test_customs_releases_automatically_and_the_list_waits_for_inspection_quarantine(
    harness: Harness,
) -> None:
    _concluded(harness)
    customs = harness.desk.list_tasks("customs").tasks
    assert [(t.status, t.decision, t.officer) for t in customs] == [
        (TaskStatus.DECIDED, Decision.RELEASE, "cbec-risk-engine")
    ]
    assert harness.store.tax_total() == 0  # no tax bill before release
    with harness.store.unit_of_work() as uow:
        assert uow.buyer_totals([b.BUYER_ID], 2026) == {}


def test_release_by_every_agency_releases_the_list_with_its_tax_bill(harness: Harness) -> None:
    _concluded(harness)
    task = _task(harness, IQ)
    harness.desk.claim(IQ, "officer-li", task)
    harness.desk.decide(IQ, "officer-li", task, Decision.RELEASE, None)
    receipts = harness.clearance.settle([KEY], reason=f"decision:{task}")
    assert [(r.receipt_type, r.status) for r in receipts] == [("CEB622", "800"), ("CEB816", "1")]
    assert harness.document_status(DocKind.INVENTORY, KEY) == "released"
    assert harness.store.tax_total() > 0
    with harness.store.unit_of_work() as uow:
        assert uow.buyer_totals([b.BUYER_ID], 2026)[b.BUYER_ID] > Decimal("1300")
    assert harness.clearance.answer_for(f"decision:{task}") == receipts


@pytest.mark.parametrize(
    ("decision", "status", "code"),
    [
        (Decision.REFUSE, "returned", "100"),
        (Decision.HOLD, "review", "300"),
        (Decision.INSPECT, "inspection", "500"),
    ],
)
def test_a_stop_anywhere_reaches_the_enterprise_with_its_reason(
    harness: Harness, decision: Decision, status: str, code: str
) -> None:
    _concluded(harness)
    task = _task(harness, IQ)
    harness.desk.claim(IQ, "officer-li", task)
    harness.desk.decide(IQ, "officer-li", task, decision, "label lacks Chinese ingredients list")
    (receipt,) = harness.clearance.settle([KEY], reason=f"decision:{task}")
    assert (receipt.receipt_type, receipt.status) == ("CEB622", code)
    assert "label lacks Chinese ingredients list" in msgspec.json.decode(receipt.body)["returnInfo"]
    assert harness.document_status(DocKind.INVENTORY, KEY) == status
    assert harness.store.tax_total() == 0
    # a return carries its stop's stable code, and summaries count it by that code
    assert receipt.codes == (("agency.refuse",) if decision is Decision.REFUSE else ())
    summary = Summary()
    summary.tally([Answer(guid=f"decision:{task}", receipts=[receipt])])
    expected = {"agency.refuse": 1} if decision is Decision.REFUSE else {}
    assert dict(summary.returned_by_reason) == expected


def test_settling_an_undecided_list_changes_nothing(harness: Harness) -> None:
    _concluded(harness)
    assert harness.clearance.settle([KEY], reason="decision:none") == []
    assert harness.document_status(DocKind.INVENTORY, KEY) == "agencies"
