"""An agency's work list over its whole queue, in the database (SQLite and PostgreSQL): the
count of every matching task, newest first, paging, a search by order, list or waybill
number wherever the task is, a follow-up list — and each line's goods, value and routing
reason as the agency may see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from agency_desk_setup import clear, key, parcel, route
from sqlalchemy import insert

from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.ports import TaskStatus
from tradewindow.agencies.queue import AgencyDesk
from tradewindow.agencies.status import Decision
from tradewindow.agencies.worklist import WorkQuery, WorkSort
from tradewindow.store import SqlStore
from tradewindow.store.agencies.tables import agency_tasks

T0 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
QUEUE = 2_345  # more than any page, more than the old 2,000-task reading limit


@pytest.fixture
def desk(store: SqlStore) -> AgencyDesk:
    return AgencyDesk(store.agencies, shipped_policy(), clock=lambda: T0)


def many_tasks(store: SqlStore, count: int) -> None:
    rows = [
        {"filing": f"4403960001|SO{n:06d}", "agency": "customs", "status": "open",
         "policy_version": "2026.1", "created_at": T0 + timedelta(seconds=n)}
        for n in range(1, count + 1)
    ]  # fmt: skip
    with store.engine.begin() as connection:
        connection.execute(insert(agency_tasks), rows)


def test_the_whole_queue_is_counted_sorted_and_paged_in_the_database(
    store: SqlStore, desk: AgencyDesk
) -> None:
    many_tasks(store, QUEUE)
    first = desk.worklist(WorkQuery(agency="customs"))
    assert first.total == QUEUE
    assert first.pages == -(-QUEUE // 25)
    assert [i.task.filing for i in first.items[:2]] == [
        f"4403960001|SO{QUEUE:06d}",
        f"4403960001|SO{QUEUE - 1:06d}",
    ]  # newest first by default
    last = desk.worklist(WorkQuery(agency="customs", sort=WorkSort.OLDEST, page=first.pages))
    assert [i.task.filing for i in last.items][-1] == f"4403960001|SO{QUEUE:06d}"
    assert len(last.items) == QUEUE - 25 * (first.pages - 1)
    found = desk.worklist(WorkQuery(agency="customs", search="so002300"))
    assert [i.task.filing for i in found.items] == ["4403960001|SO002300"]
    assert found.total == 1
    assert desk.worklist(WorkQuery(agency="customs", search="SO%")).total == 0  # a character
    assert desk.worklist(WorkQuery(agency="inspection_quarantine")).total == 0
    assert desk.worklist(WorkQuery(agency="customs", status=TaskStatus.DECIDED)).total == 0
    assert desk.worklist(WorkQuery(agency="customs", status=None)).total == QUEUE


def test_a_list_is_found_by_its_order_list_or_waybill_number(
    store: SqlStore, desk: AgencyDesk
) -> None:
    parcels = [parcel(n) for n in (1, 2, 3)]
    clear(store, *parcels)
    for one in parcels:
        route(desk, store, one)
    wanted = parcels[1]
    head = wanted.inventory.head
    invt_no = _stored_invt_no(desk, key(wanted))
    for search in (head.order_no, head.order_no.lower()[-4:], invt_no, head.logistics_no):
        found = desk.worklist(WorkQuery(agency="customs", search=search))
        assert [i.task.filing for i in found.items] == [key(wanted)], search


def test_each_line_says_goods_value_and_why_as_the_agency_may_see_them(
    store: SqlStore, desk: AgencyDesk
) -> None:
    one = parcel(1)
    clear(store, one)
    route(desk, store, one)
    customs = desk.worklist(WorkQuery(agency="customs")).items[0]
    lines = one.inventory.items
    assert customs.goods is not None
    assert customs.goods.names == tuple(line.gname for line in lines[:3])
    assert customs.goods.lines == len(lines)
    assert customs.goods.value == sum(line.total_price for line in lines)
    assert customs.goods.order_no == one.inventory.head.order_no
    assert [r.operator for r in customs.reasons] == ["always"]
    inspection = desk.worklist(WorkQuery(agency="inspection_quarantine")).items[0]
    (reason,) = inspection.reasons
    assert (reason.path, reason.operator) == ("InventoryList/*/gcode", "prefix_in")
    assert reason.found is not None
    assert reason.found.startswith(reason.expected[0])
    assert inspection.goods is not None
    assert inspection.goods.lines <= len(lines)  # only the lines it may see


def test_held_and_inspected_tasks_make_the_follow_up_list(
    store: SqlStore, desk: AgencyDesk
) -> None:
    parcels = [parcel(n) for n in (1, 2, 3)]
    clear(store, *parcels)
    tasks = [route(desk, store, one)[0] for one in parcels]
    desk.claim_and_decide("customs", "li", tasks[0].id, Decision.HOLD, "label missing")
    desk.claim_and_decide("customs", "li", tasks[1].id, Decision.INSPECT, "x-ray")
    desk.claim_and_decide("customs", "li", tasks[2].id, Decision.RELEASE, None)
    follow = desk.worklist(WorkQuery(agency="customs", status=TaskStatus.FOLLOW_UP))
    assert follow.total == 2
    actions = {i.task.decision: i.next_actions for i in follow.items}
    assert actions == {
        Decision.HOLD: (Decision.RELEASE, Decision.REFUSE, Decision.REQUEST_DOCUMENTS),
        Decision.INSPECT: (Decision.RELEASE, Decision.REFUSE),
    }
    decided = desk.worklist(WorkQuery(agency="customs", status=TaskStatus.DECIDED))
    assert [i.task.id for i in decided.items] == [tasks[2].id]
    assert decided.items[0].next_actions == ()


def _stored_invt_no(desk: AgencyDesk, filing: str) -> str:
    view = desk.worklist(WorkQuery(agency="customs", search=filing)).items[0]
    assert view.goods is not None
    assert view.goods.invt_no
    return view.goods.invt_no
