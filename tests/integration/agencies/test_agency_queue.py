"""The agencies' work queue on SQLite and PostgreSQL: routing after CBEC release, list, claim,
policy-filtered view, decide, combined status — and two officers racing for one task."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from agency_desk_setup import clear, key, parcel, route
from sqlalchemy import func, inspect, select

from tradewindow.agencies import errors
from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.ports import AGENCY_ROUTING, TaskStatus
from tradewindow.agencies.queue import MAX_PAGE_SIZE, AgencyDesk, Filing
from tradewindow.agencies.status import Decision, FilingStatus
from tradewindow.store import SqlStore
from tradewindow.store.agencies.tables import agency_tasks

T0 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def desk(store: SqlStore) -> AgencyDesk:
    return AgencyDesk(store.agencies, shipped_policy(), clock=Clock())


def task_count(store: SqlStore) -> int:
    with store.engine.connect() as connection:
        count: int = connection.execute(select(func.count()).select_from(agency_tasks)).scalar_one()
    return count


def test_a_released_list_is_routed_to_every_required_agency_once(
    store: SqlStore, desk: AgencyDesk
) -> None:
    first = parcel(1)
    clear(store, first)

    tasks = route(desk, store, first)

    assert [(t.agency, t.status, t.filing) for t in tasks] == [
        ("customs", TaskStatus.OPEN, key(first)),
        ("inspection_quarantine", TaskStatus.OPEN, key(first)),
    ]
    assert {t.policy_version for t in tasks} == {shipped_policy().version}
    assert route(desk, store, first) == tasks  # routing again adds nothing
    assert task_count(store) == 2
    status = desk.combined_status(key(first))
    assert (status.status, status.return_status) == (FilingStatus.PENDING, "120")
    assert status.waiting_for == ["customs", "inspection_quarantine"]


def test_routing_in_the_callers_transaction_is_undone_with_it(
    store: SqlStore, desk: AgencyDesk
) -> None:
    first = parcel(1)
    clear(store, first)
    with store.unit_of_work() as uow:
        desk.route_released_list(
            key(first), first.inventory, (first.order,), routing=uow.part(AGENCY_ROUTING)
        )
        # no commit: the unit of work rolls back
    assert task_count(store) == 0
    with store.unit_of_work() as uow:
        desk.route_released_list(key(first), first.inventory, routing=uow.part(AGENCY_ROUTING))
        uow.commit()
    assert task_count(store) == 2


def test_the_lifecycle_of_a_filing_held_then_released(store: SqlStore, desk: AgencyDesk) -> None:
    first = parcel(1, traf_mode="4")  # direct purchase by road: border control too
    clear(store, first)
    customs, inspection, border = route(desk, store, first)
    assert [customs.agency, inspection.agency, border.agency] == [
        "customs", "inspection_quarantine", "border_control",
    ]  # fmt: skip

    claimed = desk.claim("customs", "officer-li", customs.id)
    assert (claimed.status, claimed.officer) == (TaskStatus.CLAIMED, "officer-li")
    assert claimed.claimed_at is not None
    assert desk.claim("customs", "officer-li", customs.id) == claimed  # one's own claim again
    released = desk.decide("customs", "officer-li", customs.id, Decision.RELEASE, None)
    assert (released.status, released.decision, released.reason) == (
        TaskStatus.DECIDED, Decision.RELEASE, None,
    )  # fmt: skip

    desk.claim("inspection_quarantine", "officer-chan", inspection.id)
    desk.decide(
        "inspection_quarantine", "officer-chan", inspection.id, "hold", "  label lacks Chinese  "
    )
    status = desk.combined_status(key(first))
    assert (status.status, status.return_status) == (FilingStatus.HELD, "300")
    assert [(o.agency, o.decision, o.reason) for o in status.stopped_by] == [
        ("inspection_quarantine", Decision.HOLD, "label lacks Chinese")
    ]
    assert status.waiting_for == ["border_control"]

    desk.claim("border_control", "officer-ho", border.id)
    desk.decide("border_control", "officer-ho", border.id, Decision.RELEASE, "")
    assert desk.combined_status(key(first)).status is FilingStatus.HELD


def test_released_only_when_every_required_agency_released(
    store: SqlStore, desk: AgencyDesk
) -> None:
    first = parcel(1)
    clear(store, first)
    for task in route(desk, store, first):
        assert desk.combined_status(key(first)).status is FilingStatus.PENDING
        desk.claim(task.agency, "officer", task.id)
        desk.decide(task.agency, "officer", task.id, Decision.RELEASE, None)
    status = desk.combined_status(key(first))
    assert (status.status, status.return_status, status.waiting_for) == (
        FilingStatus.RELEASED, "800", [],
    )  # fmt: skip


def test_refusal_anywhere_refuses(store: SqlStore, desk: AgencyDesk) -> None:
    first = parcel(1)
    clear(store, first)
    customs, inspection = route(desk, store, first)
    desk.claim("customs", "a", customs.id)
    desk.decide("customs", "a", customs.id, Decision.RELEASE, None)
    desk.claim("inspection_quarantine", "b", inspection.id)
    desk.decide("inspection_quarantine", "b", inspection.id, Decision.REFUSE, "banned additive")
    status = desk.combined_status(key(first))
    assert (status.status, status.return_status) == (FilingStatus.REFUSED, "100")
    assert status.stopped_by[0].reason == "banned additive"


def test_coded_refusals_of_the_queue(store: SqlStore, desk: AgencyDesk) -> None:
    first = parcel(1)
    clear(store, first)
    customs, inspection = route(desk, store, first)

    def code(call: Callable[[], object]) -> str:
        with pytest.raises(errors.AgencyError) as refused:
            call()
        assert refused.value.en
        assert refused.value.zh
        return refused.value.code

    # another agency's task does not exist for you
    assert code(lambda: desk.claim("foreign_exchange", "x", customs.id)) == "agency.task.not_found"
    assert code(lambda: desk.view("inspection_quarantine", customs.id)) == "agency.task.not_found"
    assert code(lambda: desk.claim("customs", "x", 987654)) == "agency.task.not_found"
    # deciding needs your own claim, a reason for anything but release, a real decision
    assert code(lambda: desk.decide("customs", "li", customs.id, "release", None)) == (
        "agency.task.not_claimed"
    )
    desk.claim("customs", "li", customs.id)
    assert code(lambda: desk.claim("customs", "wong", customs.id)) == (
        "agency.task.already_claimed"
    )
    assert code(lambda: desk.decide("customs", "wong", customs.id, "release", None)) == (
        "agency.task.already_claimed"
    )
    for decision in ("hold", "inspect", "refuse"):
        assert code(lambda d=decision: desk.decide("customs", "li", customs.id, d, "  ")) == (
            "agency.decision.reason_required"
        )
    assert code(lambda: desk.decide("customs", "li", customs.id, "hold", "x" * 501)) == (
        "agency.decision.reason_too_long"
    )
    assert code(lambda: desk.decide("customs", "li", customs.id, "approve", "ok")) == (
        "agency.decision.unknown"
    )
    inspected = desk.decide("customs", "li", customs.id, "inspect", "x-ray anomaly")
    # an inspection is followed up: only its result, release or refuse, may follow
    assert inspected.status is TaskStatus.FOLLOW_UP
    assert code(lambda: desk.decide("customs", "wong", customs.id, "hold", "why")) == (
        "agency.decision.not_next"
    )
    assert code(lambda: desk.combined_status("nobody|nothing")) == "agency.filing.not_found"
    status = desk.combined_status(key(first))
    assert (status.status, status.return_status) == (FilingStatus.INSPECTION, "500")
    # any officer of the agency concludes it; then the decision is final
    concluded = desk.decide("customs", "wong", customs.id, "refuse", "undeclared goods found")
    assert (concluded.status, concluded.officer) == (TaskStatus.DECIDED, "wong")
    assert code(lambda: desk.decide("customs", "li", customs.id, "release", None)) == (
        "agency.task.already_decided"
    )
    assert code(lambda: desk.claim("customs", "li", customs.id)) == "agency.task.already_decided"
    assert desk.combined_status(key(first)).status is FilingStatus.REFUSED
    assert inspection.status is TaskStatus.OPEN


def test_a_refused_decision_leaves_an_open_task_open(store: SqlStore, desk: AgencyDesk) -> None:
    first = parcel(1)
    clear(store, first)
    customs, _ = route(desk, store, first)
    for decision, reason in (("hold", ""), ("refuse", None), ("approve", "ok")):
        with pytest.raises(errors.DecisionInvalid):
            desk.claim_and_decide("customs", "li", customs.id, decision, reason)
        assert desk.view("customs", customs.id).task == customs  # open, nobody's, as it was
    held = desk.claim_and_decide("customs", "li", customs.id, "hold", "missing invoice")
    assert (held.status, held.officer, held.decision) == (TaskStatus.FOLLOW_UP, "li", "hold")
    asked = desk.claim_and_decide("customs", "wong", customs.id, "request_documents", "invoice")
    assert (asked.status, asked.decision) == (TaskStatus.FOLLOW_UP, "request_documents")
    assert desk.combined_status(key(first)).status is FilingStatus.HELD
    with pytest.raises(errors.DecisionInvalid):
        desk.claim_and_decide("customs", "wong", customs.id, "inspect", "why")  # not next
    released = desk.claim_and_decide("customs", "wong", customs.id, "release", None)
    assert released.status is TaskStatus.DECIDED


def test_views_are_cut_by_the_policy_and_name_the_personal_data(
    store: SqlStore, desk: AgencyDesk
) -> None:
    first = parcel(1)
    clear(store, first)
    customs, inspection = route(desk, store, first)

    seen = desk.view("customs", customs.id)
    assert sorted(seen.documents) == ["inventory", "order", "payment", "tax_bill", "waybill"]
    assert seen.documents["inventory"]["InventoryHead"]["buyerName"] == "王小明"
    assert seen.documents["tax_bill"]["TaxHeadRd"]["invtNo"]
    assert "InventoryHead/buyerIdNumber" in seen.personal_data
    assert "PaymentHead/telephone" in seen.personal_data
    assert seen.task == customs

    quarantine = desk.view("inspection_quarantine", inspection.id)
    assert list(quarantine.documents) == ["inventory"]
    assert quarantine.personal_data == []
    head = quarantine.documents["inventory"]["InventoryHead"]
    assert "buyerName" not in head
    assert "consigneeAddress" not in head
    assert [line["gcode"] for line in quarantine.documents["inventory"]["InventoryList"]] == [
        "3304990099", "1901101000", "2106909090",
    ]  # fmt: skip
    assert all("price" not in line for line in quarantine.documents["inventory"]["InventoryList"])


def test_listing_pages_through_an_agencys_tasks(store: SqlStore, desk: AgencyDesk) -> None:
    parcels = [parcel(n) for n in range(1, 6)]
    clear(store, *parcels)
    for p in parcels:
        route(desk, store, p)
    first = desk.list_tasks("customs", page=1, size=2)
    second = desk.list_tasks("customs", page=2, size=2)
    third = desk.list_tasks("customs", page=3, size=2)
    assert [len(p.tasks) for p in (first, second, third)] == [2, 2, 1]
    assert [p.has_more for p in (first, second, third)] == [True, True, False]
    filings = [t.filing for p in (first, second, third) for t in p.tasks]
    assert filings == [key(p) for p in parcels]
    assert {t.agency for p in (first, second, third) for t in p.tasks} == {"customs"}

    desk.claim("customs", "li", first.tasks[0].id)
    assert [t.id for t in desk.list_tasks("customs", TaskStatus.CLAIMED).tasks] == [
        first.tasks[0].id
    ]
    assert len(desk.list_tasks("customs", TaskStatus.OPEN).tasks) == 4
    assert desk.list_tasks("foreign_exchange").tasks == []
    assert desk.list_tasks("customs", size=10_000).size == MAX_PAGE_SIZE
    assert desk.list_tasks("customs", page=0).page == 1


def test_two_officers_racing_for_one_task_one_wins(store: SqlStore, desk: AgencyDesk) -> None:
    parcels = [parcel(n) for n in range(1, 9)]
    clear(store, *parcels)
    tasks = [route(desk, store, p)[0] for p in parcels]
    for task in tasks:
        outcomes = race(desk, task.id, ("li", "wong"))
        assert sorted(outcomes.values()) == ["agency.task.already_claimed", "claimed"]
        winner = next(o for o, result in outcomes.items() if result == "claimed")
        (stored,) = [
            t for t in desk.list_tasks("customs", TaskStatus.CLAIMED, size=100).tasks
            if t.id == task.id
        ]  # fmt: skip
        assert stored.officer == winner


def race(desk: AgencyDesk, task: int, officers: tuple[str, str]) -> dict[str, str]:
    """Both officers claim ``task`` at the same instant, each on its own connection."""
    barrier = threading.Barrier(len(officers))
    outcomes: dict[str, str] = {}

    def claim(officer: str) -> None:
        barrier.wait()
        try:
            desk.claim("customs", officer, task)
            outcomes[officer] = "claimed"
        except errors.Conflict as refused:
            outcomes[officer] = refused.code

    threads = [threading.Thread(target=claim, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_a_filing_routed_from_wire_json(store: SqlStore, desk: AgencyDesk) -> None:
    tasks = desk.route(
        Filing(
            key="4403960001|SO-WIRE",
            documents={
                "inventory": {"InventoryHead": {"tradeMode": "9610", "trafMode": "2"}},
                "payment": {"PaymentHead": {"amountPaid": "4200.00", "currency": "142"}},
            },
        )
    )
    assert [t.agency for t in tasks] == ["customs", "border_control", "foreign_exchange"]


def test_the_migration_creates_the_table_the_code_uses(store: SqlStore) -> None:

    schema = inspect(store.engine)
    columns = {c["name"] for c in schema.get_columns("agency_tasks")}
    assert columns == {c.name for c in agency_tasks.columns}
    uniques = [u["column_names"] for u in schema.get_unique_constraints("agency_tasks")] + [
        ix["column_names"] for ix in schema.get_indexes("agency_tasks") if ix["unique"]
    ]
    assert ["order_no", "filing", "agency"] in uniques  # with the partition key (0018)
    indexes = {ix["name"]: ix["column_names"] for ix in schema.get_indexes("agency_tasks")}
    assert indexes["ix_agency_tasks_agency_status_id"] == ["agency", "status", "id"]


def test_set_based_routing_writes_once_at_commit_and_keeps_every_rule(
    store: SqlStore, desk: AgencyDesk
) -> None:
    """The clearance unit of work prepares its lists: tasks read in one query, new tasks and
    notices kept and written with their decisions when the unit of work commits; a task that
    existed before is still decided by a conditional UPDATE (an officer's claim wins)."""
    earlier, fresh = parcel(1), parcel(2)
    clear(store, earlier)
    clear(store, fresh)
    [customs, _] = route(desk, store, earlier)  # routed before, outside this unit of work
    desk.claim("customs", "officer-li", customs.id)
    with store.unit_of_work() as uow:
        routing = uow.part(AGENCY_ROUTING)
        routing.prepare([key(earlier), key(fresh)])
        routing.add_tasks(key(fresh), ["customs", "inspection_quarantine"], "2026.1", T0)
        routing.add_tasks(key(fresh), ["customs"], "2026.1", T0)  # again: nothing more
        routing.add_notices(key(fresh), ["taxation"], "2026.1", T0)
        routing.add_notices(key(fresh), ["taxation"], "2026.1", T0)
        assert [t.agency for t in routing.tasks_of(key(fresh))] == [
            "customs",
            "inspection_quarantine",
        ]
        released = routing.decide_open(
            key(fresh), "customs", Decision.RELEASE, "low risk", "cbec-risk-engine", T0
        )
        assert released
        assert not routing.decide_open(  # decided already in this unit of work
            key(fresh), "customs", Decision.RELEASE, "again", "cbec-risk-engine", T0
        )
        assert not routing.decide_open(  # claimed by an officer: the claim wins
            key(earlier), "customs", Decision.RELEASE, "low risk", "cbec-risk-engine", T0
        )
        uow.commit()
    assert task_count(store) == 4
    status = desk.combined_status(key(fresh))
    assert status.status is FilingStatus.PENDING  # inspection & quarantine still to decide
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(agency_tasks.c.agency, agency_tasks.c.status, agency_tasks.c.officer).where(
                agency_tasks.c.filing == key(fresh)
            )
        ).all()
    assert sorted(map(tuple, rows)) == [
        ("customs", TaskStatus.DECIDED.value, "cbec-risk-engine"),
        ("inspection_quarantine", TaskStatus.OPEN.value, None),
    ]
    assert desk.notices.count("taxation") >= 1
