"""Which worker clears which partitions: leases held as PostgreSQL session advisory locks.

A worker keeps one connection of its own. On it, it holds a lock naming itself (so that
every worker can count the live ones) and one lock per partition it clears. Its fair share
is ``ceil(N / live workers)`` (at least ``expected_workers`` counted): it takes free
partitions up to it and gives back what it holds beyond it, so partitions spread over the
workers as they come and go, on any number of machines sharing the database. When a worker
exits it gives its partitions back; when it is killed, its connection closes and PostgreSQL
releases its locks at once: the partitions are free for the others, whose writers then take
over what it left unacknowledged on the bus.

A lease only says who *should* clear a partition; what makes clearing safe is the partition's
transaction-scoped lock taken by every unit of work (``store.partition.store``). Locks are
named per schema, like the partitions'.
"""

from __future__ import annotations

import math
import secrets

from sqlalchemy import Connection, Engine, TextClause, text

_WORKER_CLASS = "hashtext(current_schema() || '/tw.clearance.worker')"
_LEASE_CLASS = "hashtext(current_schema() || '/tw.clearance.lease')"


class PartitionLeases:
    """The leases of one worker (see the module docstring). Not thread-safe: one worker
    loop calls it."""

    def __init__(self, engine: Engine, partitions: int, *, expected_workers: int = 1) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("partition leases need PostgreSQL")
        self.partitions = partitions
        # the share is counted over at least this many workers: when several start together,
        # the first up does not take every partition only to give most back a second later
        self.expected_workers = expected_workers
        self.held: set[int] = set()
        self._connection: Connection = engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        )
        self._me = secrets.randbelow(2**31)
        self._connection.execute(
            text(f"SELECT pg_advisory_lock({_WORKER_CLASS}, :me)"), {"me": self._me}
        )

    def live_workers(self) -> int:
        count = self._connection.execute(_holders(_WORKER_CLASS)).scalar_one()
        return max(int(count), 1)

    def rebalance(self) -> tuple[list[int], list[int]]:
        """Take free partitions up to the fair share, and say which to give back beyond it
        (the caller gives them with :meth:`give` once it is done with them): (taken, extra)."""
        workers = max(self.live_workers(), self.expected_workers)
        share = math.ceil(self.partitions / workers)
        taken: list[int] = []
        if len(self.held) < share:
            start = self._me % self.partitions  # workers start looking at different places
            for offset in range(self.partitions):
                partition = (start + offset) % self.partitions
                if partition in self.held:
                    continue
                if self._try(partition):
                    self.held.add(partition)
                    taken.append(partition)
                    if len(self.held) >= share:
                        break
        extra = sorted(self.held)[share:] if len(self.held) > share else []
        return taken, extra

    def give(self, partition: int) -> None:
        if partition in self.held:
            self._connection.execute(
                text(f"SELECT pg_advisory_unlock({_LEASE_CLASS}, :p)"), {"p": partition}
            )
            self.held.discard(partition)

    def close(self) -> None:
        """Give every partition back and leave."""
        for partition in sorted(self.held):
            self.give(partition)
        self._connection.close()

    def _try(self, partition: int) -> bool:
        got: bool = self._connection.execute(
            text(f"SELECT pg_try_advisory_lock({_LEASE_CLASS}, :p)"), {"p": partition}
        ).scalar_one()
        return got


def held_partitions(engine: Engine) -> int:
    """How many partitions some worker holds (for tests and benchmarks to wait on)."""
    with engine.connect() as connection:
        count = connection.execute(_holders(_LEASE_CLASS)).scalar_one()
    return int(count)


def _holders(lock_class: str) -> TextClause:
    """How many locks of the class (the first of two int4 keys) are held in this database."""
    query = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2"  # noqa: S608 - constants
        " AND granted AND database = (SELECT oid FROM pg_database"
        "  WHERE datname = current_database())"
        f" AND classid::bigint = ({lock_class}::bigint & 4294967295)"
    )
    return text(query)
