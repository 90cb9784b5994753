"""``web.ports.RateLimits``: per-party rate limits, kept in the database so every API process
counts the same requests. (The algorithm is the SQL statement, so all of it lives here.)

The generic cell rate algorithm (GCRA, a token bucket written as one number): a party's row
holds its *theoretical arrival time* ``tat``. A request at ``now`` is allowed when
``max(tat, now) + interval - now <= burst * interval``, and then moves ``tat`` on by one
``interval`` (``1 / rate``). Allowing is one conditional ``UPDATE`` — atomic on SQLite and
PostgreSQL alike — so two processes can never both spend the last token. A refused request
learns how long until the next one fits (``Retry-After``, whole seconds, at least 1).

**Leases.** A write transaction per request took the database's write lock (SQLite) once more
per API request, behind the clearance writer. A busy party's tokens are therefore taken a few
at a time: a process that used up its last lease within :data:`LEASE_FOR` takes twice as many
next time (at most :data:`LEASE_MOST`, and a quarter of the burst), in the same conditional
``UPDATE``, and spends them in memory; a lease not used up within :data:`LEASE_FOR` is dropped
and the next is one token again. Leased tokens are spent in the database when taken, so all
processes together still never pass the rate — a dropped lease only makes it stricter — and
a quiet party pays one token per request, as before. A lease is only taken while it leaves the
party's bucket at most half spent: near its limit every token is taken alone, so the burst is
shared between processes as before and the leases are used up before it runs out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, case, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from tradewindow.store.web.tables import rate_limits

LEASE_FOR = 1.0  # seconds a lease's tokens may be spent in; its size grows while used up in it
LEASE_MOST = 32


class _Lease:
    __slots__ = ("grows", "size", "taken_at", "tokens")

    def __init__(self, size: int, taken_at: float, *, grows: bool) -> None:
        self.size = size
        self.tokens = size - 1  # one of them admits the request that took it
        self.taken_at = taken_at
        self.grows = grows  # False: the bucket had no room for a lease; single tokens a while


class SqlRateLimiter:
    def __init__(
        self,
        engine: Engine,
        *,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._engine = engine
        self._interval = 1.0 / rate
        self._window = burst * self._interval
        self._clock = clock
        self._most = max(1, min(LEASE_MOST, burst // 4))
        self._leases: dict[str, _Lease] = {}
        self._lock = threading.Lock()

    def admit(self, party_id: str) -> float | None:
        """None when the request may go ahead (and it is counted); else seconds to wait."""
        with self._lock:
            lease = self._leases.get(party_id)
            now = self._clock()
            fresh = lease is not None and now - lease.taken_at < LEASE_FOR
            if lease is not None and fresh and lease.tokens > 0:
                lease.tokens -= 1
                return None
            held = lease is not None and fresh
            grows = lease is None or not fresh or lease.grows  # may the next lease be larger
            size = min(lease.size * 2, self._most) if lease is not None and held and grows else 1
        wait = self._take(party_id, size)
        leased = wait is None
        if not leased and size > 1:  # no room for a lease: one token, as before
            wait = self._take(party_id, 1)
        with self._lock:
            if wait is None:
                self._leases[party_id] = _Lease(size if leased else 1, now, grows=grows and leased)
            else:
                self._leases.pop(party_id, None)
        return wait

    def _take(self, party_id: str, count: int) -> float | None:
        """Spend ``count`` tokens of the party in the database: None, or seconds to wait."""
        spend = count * self._interval
        room = self._window if count == 1 else self._window / 2  # a lease: see the docstring
        for _ in range(3):
            with self._engine.begin() as connection:
                # read the clock once the transaction holds its lock (SQLite: BEGIN
                # IMMEDIATE), so time spent queueing is not counted against the party
                now = self._clock()
                start = case(
                    (rate_limits.c.tat > literal(now), rate_limits.c.tat), else_=literal(now)
                )
                due = start + literal(spend)
                taken = connection.execute(
                    update(rate_limits)
                    .where(
                        rate_limits.c.party_id == party_id,
                        due - literal(now) <= literal(room),
                    )
                    .values(tat=due)
                )
                if taken.rowcount == 1:
                    return None
                tat: float | None = connection.execute(
                    select(rate_limits.c.tat).where(rate_limits.c.party_id == party_id)
                ).scalar()
            if tat is not None:
                wait = max(tat, now) + spend - now - room
                if wait > 0:
                    return wait
                # the party's first row was committed by another request between our UPDATE
                # and our SELECT (READ COMMITTED): it has room, so take a token from it
                continue
            try:
                with self._engine.begin() as connection:
                    now = self._clock()
                    connection.execute(
                        insert(rate_limits).values(party_id=party_id, tat=now + spend)
                    )
                return None
            except IntegrityError:
                continue  # another request inserted the party's first row: take from it
        return None  # lost every race to a first row that has room: never refuse for that
