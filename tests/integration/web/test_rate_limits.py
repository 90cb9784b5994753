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


def test_a_busy_party_takes_leases_and_two_processes_never_pass_the_burst(
    store: SqlStore,
) -> None:
    now = [1_000.0]
    first, second = (
        RateLimiter(store.engine, rate=1.0, burst=200, clock=lambda: now[0]) for _ in range(2)
    )
    writes = 0

    def count(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        nonlocal writes
        writes += statement.lstrip().upper().startswith(("UPDATE RATE_LIMITS", "INSERT"))

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        answers = [(first, second)[n % 2].admit("p") for n in range(200)]
        assert writes < 130  # a lease at a time while the bucket was at most half spent
        answers += [(first, second)[n % 2].admit("p") for n in range(60)]
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert answers.count(None) == 200  # the whole burst, and not one more
    assert all(wait is not None for wait in answers[200:])


def test_a_lease_not_used_up_in_time_is_dropped(store: SqlStore) -> None:
    now = [1_000.0]
    limiter = RateLimiter(store.engine, rate=1.0, burst=200, clock=lambda: now[0])
    for _ in range(4):  # leases of 1, 2 (one left after these)
        assert limiter.admit("p") is None
    now[0] += 2.0  # past LEASE_FOR: the token left is dropped, the next lease is one token
    assert limiter.admit("p") is None
    with store.engine.connect() as connection:
        tat = connection.execute(rate_limits.select()).one().tat
    # 1 + 2 + 4 tokens spent at 1,000 s (the lease of four taken by the fourth request), then
    # one at 1,002 s on top of them
    assert tat == 1_000.0 + 7 + 1
