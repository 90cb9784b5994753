"""The shared rate limit on SQLite and PostgreSQL: a burst, then waits; and a party's first
request never refused because another first request of the same party won the INSERT."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert

from tradewindow.store import SqlStore
from tradewindow.store.web.rate_limits import SqlRateLimiter as RateLimiter
from tradewindow.store.web.tables import rate_limits


def test_a_burst_then_a_wait_until_the_next_token(store: SqlStore) -> None:
    now = [1_000.0]
    limiter = RateLimiter(store.engine, rate=2.0, burst=3, clock=lambda: now[0])
    assert [limiter.admit("p") for _ in range(3)] == [None, None, None]
    wait = limiter.admit("p")
    assert wait is not None
    assert 0 < wait <= 0.5
    assert limiter.admit("q") is None  # another party has its own bucket
    now[0] += 0.5
    assert limiter.admit("p") is None
    assert limiter.admit("p") is not None


def test_a_first_row_committed_between_update_and_select_is_taken_from(store: SqlStore) -> None:
    # the race CI met on PostgreSQL: our UPDATE finds no row, another process commits the
    # party's first row, our SELECT then sees it — the request must be admitted, not refused
    limiter = RateLimiter(store.engine, rate=0.2, burst=40, clock=lambda: 1_000.0)
    raced = False

    def insert_first_row(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        nonlocal raced
        if not raced and statement.lstrip().upper().startswith("UPDATE RATE_LIMITS"):
            raced = True
            connection.execute(insert(rate_limits).values(party_id="p", tat=1_005.0))

    event.listen(store.engine, "after_cursor_execute", insert_first_row)
    try:
        assert limiter.admit("p") is None
    finally:
        event.remove(store.engine, "after_cursor_execute", insert_first_row)
    assert raced
    with store.engine.connect() as connection:
        tats = connection.execute(rate_limits.select()).all()
    assert [(row.party_id, row.tat) for row in tats] == [("p", 1_010.0)]  # two tokens spent
