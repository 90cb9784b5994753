"""``web.ports.RateLimits``: per-party rate limits, kept in the database so every API process
counts the same requests. (The algorithm is the SQL statement, so all of it lives here.)

The generic cell rate algorithm (GCRA, a token bucket written as one number): a party's row
holds its *theoretical arrival time* ``tat``. A request at ``now`` is allowed when
``max(tat, now) + interval - now <= burst * interval``, and then moves ``tat`` on by one
``interval`` (``1 / rate``). Allowing is one conditional ``UPDATE`` — atomic on SQLite and
PostgreSQL alike — so two processes can never both spend the last token. A refused request
learns how long until the next one fits (``Retry-After``, whole seconds, at least 1).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, case, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from tradewindow.store.web.tables import rate_limits


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

    def admit(self, party_id: str) -> float | None:
        """None when the request may go ahead (and it is counted); else seconds to wait."""
        for _ in range(3):
            with self._engine.begin() as connection:
                # read the clock once the transaction holds its lock (SQLite: BEGIN
                # IMMEDIATE), so time spent queueing is not counted against the party
                now = self._clock()
                start = case(
                    (rate_limits.c.tat > literal(now), rate_limits.c.tat), else_=literal(now)
                )
                due = start + literal(self._interval)
                taken = connection.execute(
                    update(rate_limits)
                    .where(
                        rate_limits.c.party_id == party_id,
                        due - literal(now) <= literal(self._window),
                    )
                    .values(tat=due)
                )
                if taken.rowcount == 1:
                    return None
                tat: float | None = connection.execute(
                    select(rate_limits.c.tat).where(rate_limits.c.party_id == party_id)
                ).scalar()
            if tat is not None:
                wait = max(tat, now) + self._interval - now - self._window
                if wait > 0:
                    return wait
                # the party's first row was committed by another request between our UPDATE
                # and our SELECT (READ COMMITTED): it has room, so take a token from it
                continue
            try:
                with self._engine.begin() as connection:
                    now = self._clock()
                    connection.execute(
                        insert(rate_limits).values(party_id=party_id, tat=now + self._interval)
                    )
                return None
            except IntegrityError:
                continue  # another request inserted the party's first row: take from it
        return None  # lost every race to a first row that has room: never refuse for that
