"""Routing a clearance batch (set-based, one statement per table) writes the same tasks and
notices as routing one filing at a time; from ``sqlite_rows.SQLITE_BULK`` rows SQLite writes
them through sqlite3 itself, so the rows are compared as the database holds them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import text

from tradewindow.agencies.ports import Routing
from tradewindow.agencies.status import Decision
from tradewindow.store import SqlStore
from tradewindow.store.sqlite_rows import SQLITE_BULK

AT = datetime(2026, 3, 1, 4, 0, tzinfo=UTC).astimezone(timezone(timedelta(hours=8)))
COUNT = SQLITE_BULK + 5


def route(routing: Routing, filing: str, n: int) -> None:
    routing.add_tasks(filing, ["customs", "inspection_quarantine"], "2026.2", AT)
    routing.add_notices(filing, ["taxation"], "2026.2", AT)
    if n % 2 == 0:  # customs' automated release, written with the task
        routing.decide_open(filing, "customs", Decision.RELEASE, None, "robot", AT + timedelta(n))
    if n % 3 == 0:
        routing.decide_open(filing, "inspection_quarantine", Decision.HOLD, "why", "o", AT)


def held(store: SqlStore, table: str, columns: str, series: str) -> list[tuple[object, ...]]:
    """The rows of ``series`` (filings ``EBP|<series>nnnn``, the series a letter no other
    value holds), as held, the series' letter replaced by Z."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT {columns} FROM {table} WHERE filing LIKE :like ORDER BY filing, agency"),  # noqa: S608
            {"like": f"EBP|{series}%"},
        ).all()
    return [tuple(v.replace(series, "Z") if isinstance(v, str) else v for v in row) for row in rows]


def test_a_batch_is_routed_as_one_filing_at_a_time(store: SqlStore) -> None:
    batch = [f"EBP|X{n:04d}" for n in range(COUNT)]
    single = [f"EBP|Y{n:04d}" for n in range(COUNT)]
    with store.agencies.routing() as routing:  # on file already: routing again adds nothing
        route(routing, batch[1], 1)
        route(routing, single[1], 1)
    with store.agencies.routing() as routing:
        routing.prepare(batch)
        for n, filing in enumerate(batch):
            route(routing, filing, n)
    for n, filing in enumerate(single):
        with store.agencies.routing() as routing:
            routing.prepare([filing])
            route(routing, filing, n)
    tasks = (
        "filing, agency, status, officer, decision, reason, policy_version, created_at,"
        " claimed_at, decided_at, order_no"
    )
    notices = "filing, agency, policy_version, created_at"
    assert held(store, "agency_tasks", tasks, "X") == held(store, "agency_tasks", tasks, "Y")
    assert held(store, "agency_notices", notices, "X") == held(
        store, "agency_notices", notices, "Y"
    )
    assert len(held(store, "agency_tasks", tasks, "X")) == 2 * COUNT
    assert len(held(store, "agency_notices", notices, "X")) == COUNT
