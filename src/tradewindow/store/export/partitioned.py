"""Partitioned export clearance over SQLAlchemy Core (``export.partitioned``): a partition's
unit of work over the export tables, and export's entries in the clearance inbox.

**Locks** (PostgreSQL). A partition's unit of work takes, transaction-scoped, the export lock
(``EXPORT_LOCK``) *shared* and its partition's export lock exclusively; the whole-store path
(``SqlExportStore.writing``: arrivals, departures, links, summaries, cancellations, returns,
agency decisions) takes the export lock exclusively, so it runs alone, as before. Export
partition locks are their own (``/tw.export.partition``): an import partition and an export
partition of the same number do not wait for each other. A list and its waybill, which may be
in two partitions, both lock the waybill key (``lock_waybills``: in key order, before any
read) — whichever commits second sees the other's rows.

**Numbers** (invtNo) come from the partition's block of the series, reserved from
``exp_number_series`` (``store.partition.take_numbers``, as import's from ``number_series``):
unique, not gapless. On SQLite (``BEGIN IMMEDIATE``: one writer) nothing is locked and the
numbers come from the series row.

**Inbox**: a message is recorded in ``clearance_inbox`` under ``exp:<guid>`` with one
``clearance_inbox_parts`` row per partition; a wake-up (a waybill's, for lists of another
partition) under ``exp:<guid>@<from>><to>``. A part's answer is kept in ``exp_answers`` under
``<guid>@<partition>`` in the transaction that marks the part done; the message's own answer
under its guid once every part is done, which marks the entry's answer row (partition -1)
done.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import msgspec
from sqlalchemy import Connection, Engine, exists, insert, literal, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from tradewindow.clock import utc_now
from tradewindow.export.model import ExportAnswer
from tradewindow.export.partitions import Wake
from tradewindow.store.errors import DuplicateRecord
from tradewindow.store.export.records import EXPORT_LOCK, SqlExportRecords, decode_answer
from tradewindow.store.export.tables import answers, number_series
from tradewindow.store.partition.numbers import take_numbers
from tradewindow.store.partition.store import PartitionConflict, SqlInbox
from tradewindow.store.partition.tables import EXPORT_ENTRY, inbox, inbox_parts
from tradewindow.store.transaction import reader, writer

PREFIX = EXPORT_ENTRY  # export's entries in the clearance inbox
_LOCK_PARTITION = text(
    "SELECT pg_advisory_xact_lock_shared(:export),"
    " pg_advisory_xact_lock(hashtext(current_schema() || '/tw.export.partition'), :partition)"
)
# the waybill keys locked in one round trip, in the (sorted) order of the array
_LOCK_WAYBILLS = text(
    "SELECT count(pg_advisory_xact_lock(hashtext(current_schema() || '/tw.export.waybill'),"
    " hashtext(k))) FROM unnest(CAST(:keys AS text[])) AS k"
)
_RETRYABLE = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
# the inbox row of a message's answer (partition -1): done once its parts' answers are merged
# and kept, so a message whose filer stopped after its last part is still answered by a sweep
ANSWER = -1


def inbox_guid(guid: str) -> str:
    return f"{PREFIX}{guid}"


def wake_guid(guid: str, source: int, target: int) -> str:
    return f"{PREFIX}{guid}@{source}>{target}"


class ExportPartRecords(SqlExportRecords):
    """The export records of one partition's unit of work (see the module docstring)."""

    def __init__(self, connection: Connection, partition: int, engine: Engine) -> None:
        super().__init__(connection)
        self.partition = partition
        self._engine = engine
        self._postgres = connection.dialect.name == "postgresql"

    def lock_waybills(self, keys: Sequence[str]) -> None:
        if self._postgres and keys:
            self.connection.execute(_LOCK_WAYBILLS, {"keys": sorted(set(keys))})

    def next_number(self, series: str) -> int:
        if not self._postgres:
            return super().next_number(series)
        return take_numbers(self.connection, self._engine, self.partition, series, 1, number_series)

    def part_answer(self, guid: str) -> ExportAnswer | None:
        """This partition's answer to its part of message ``guid``, once it is done."""
        found = self.answer(f"{guid}@{self.partition}")
        return None if found is None else found[1]

    def answer_or_filed(self, guid: str) -> tuple[tuple[str, ExportAnswer] | None, bool]:
        in_inbox = exists().where(inbox.c.guid == inbox_guid(guid))
        one = select(literal(1).label("one")).subquery()
        row = self.connection.execute(
            select(answers.c.sender, answers.c.body, in_inbox.label("in_inbox")).select_from(
                one.outerjoin(answers, answers.c.message_guid == guid)
            )
        ).one()
        known = None if row.sender is None else (row.sender, decode_answer(row.body))
        return known, bool(row.in_inbox)

    def finish_part(self, guid: str, code: str, sender: str, answer: ExportAnswer) -> None:
        """Keep the part's answer and mark it done, with what it cleared."""
        self.record_answer(f"{guid}@{self.partition}", code, sender, answer)
        self.mark_done(inbox_guid(guid))

    def done(self, entry: str) -> bool:
        """Whether this partition's part of inbox entry ``entry`` is done (or not there)."""
        row = self.connection.execute(
            select(inbox_parts.c.done_at).where(
                inbox_parts.c.partition == self.partition, inbox_parts.c.guid == entry
            )
        ).one_or_none()
        return row is None or row.done_at is not None

    def mark_done(self, entry: str) -> None:
        self.connection.execute(
            update(inbox_parts)
            .where(inbox_parts.c.partition == self.partition, inbox_parts.c.guid == entry)
            .values(done_at=utc_now())
        )

    def add_wakes(self, guid: str, wakes: Sequence[Wake]) -> list[str]:
        """Record wake-ups for other partitions' lists, with this unit of work; their entries."""
        if not wakes:
            return []
        entries = [(wake_guid(guid, self.partition, w.partition), w) for w in wakes]
        now = utc_now()  # when the parts were recorded: the workers' sweep reads it
        self.connection.execute(
            insert(inbox),
            [
                {"guid": g, "digest": "-", "received_at": w.at, "parts": 1,
                 "body": msgspec.json.encode(w)}
                for g, w in entries
            ],
        )  # fmt: skip
        self.connection.execute(
            insert(inbox_parts),
            [
                {"partition": w.partition, "guid": g, "digest": "-", "created_at": now}
                for g, w in entries
            ],
        )
        return [g for g, _ in entries]


class SqlExportPartitions:
    """``export.partitioned.Partitions`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._inbox = SqlInbox(engine)

    @contextmanager
    def writing(self, partition: int) -> Iterator[ExportPartRecords]:
        """A unit of work of ``partition``, committed when the block ends."""
        try:
            with writer(self.engine) as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        _LOCK_PARTITION, {"export": EXPORT_LOCK, "partition": partition}
                    )
                records = ExportPartRecords(connection, partition, self.engine)
                yield records
                records.flush_parts()
        except IntegrityError as error:
            raise DuplicateRecord(str(error.orig)) from error
        except DBAPIError as error:
            if getattr(error.orig, "sqlstate", None) in _RETRYABLE:
                raise PartitionConflict(str(error.orig)) from error
            raise

    def answer(self, guid: str) -> tuple[str, ExportAnswer] | None:
        with reader(self.engine) as connection:
            return SqlExportRecords(connection).answer(guid)

    def file(
        self, guid: str, digest: str, at: datetime, partitions: Sequence[int], body: bytes
    ) -> bytes | None:
        """Record message ``guid`` in the inbox with a part per partition; None, or the body
        filed before under this guid (nothing recorded then)."""
        entry = inbox_guid(guid)
        now = utc_now()  # when the parts were recorded: the workers' sweep reads it
        try:
            with writer(self.engine) as connection:
                connection.execute(
                    insert(inbox).values(
                        guid=entry, digest=digest, received_at=at, parts=len(partitions),
                        body=body,
                    )
                )  # fmt: skip
                connection.execute(
                    insert(inbox_parts),
                    [
                        {"partition": p, "guid": entry, "digest": digest, "created_at": now}
                        for p in (*partitions, ANSWER)
                    ],
                )
            return None
        except IntegrityError:  # filed before (or by another filer just now): theirs
            earlier = self.bodies([entry]).get(entry)
            if earlier is None:
                raise
            return earlier

    def conclude(
        self, guid: str, code: str, sender: str, answer: ExportAnswer, at: datetime
    ) -> ExportAnswer:
        """Keep the message's answer and its own receipt (the parts kept the others); the
        answer kept first when another process concluded it already."""
        try:
            with writer(self.engine) as connection:
                records = SqlExportRecords(connection)
                records.record_answer(guid, code, sender, answer)
                records.add_receipts(list(answer.receipts[:1]), at)
                connection.execute(
                    update(inbox_parts)
                    .where(
                        inbox_parts.c.partition == ANSWER, inbox_parts.c.guid == inbox_guid(guid)
                    )
                    .values(done_at=utc_now())
                )
        except IntegrityError:
            found = self.answer(guid)
            if found is None:
                raise
            return found[1]
        return answer

    def bodies(self, entries: Collection[str]) -> dict[str, bytes]:
        return self._inbox.bodies(entries)

    def entry(self, guid: str) -> str:
        return inbox_guid(guid)

    def pending(self, entries: Collection[str]) -> dict[str, list[int]]:
        return self._inbox.pending(entries)

    def part_answers(self, guid: str) -> dict[int, ExportAnswer]:
        """Read from ``exp_answers`` under ``<guid>@<partition>``, the partitions the inbox
        recorded the message with."""
        ours = select(inbox_parts.c.partition).where(
            inbox_parts.c.guid == inbox_guid(guid), inbox_parts.c.partition >= 0
        )
        with reader(self.engine) as connection:
            names = {f"{guid}@{p}": p for p in connection.execute(ours).scalars()}
            query = select(answers.c.message_guid, answers.c.body).where(
                answers.c.message_guid.in_(names)
            )
            rows = connection.execute(query).all()
        return {names[row.message_guid]: decode_answer(row.body) for row in rows}

    def wakes_left(self, guid: str) -> dict[str, bytes]:
        query = (
            select(inbox.c.guid, inbox.c.body)
            .join(inbox_parts, inbox_parts.c.guid == inbox.c.guid)
            .where(
                inbox_parts.c.guid.startswith(f"{inbox_guid(guid)}@", autoescape=True),
                inbox_parts.c.done_at.is_(None),
            )
            .order_by(inbox.c.guid)
        )
        with reader(self.engine) as connection:
            return {row.guid: bytes(row.body) for row in connection.execute(query)}

    def filed(self, guid: str) -> bool:
        entry = inbox_guid(guid)
        with reader(self.engine) as connection:
            found = connection.execute(select(inbox.c.guid).where(inbox.c.guid == entry))
            return found.first() is not None

    def stale(self, before: datetime, limit: int) -> list[str]:
        """Export entries with a part not done recorded before ``before``, oldest first."""
        return self._inbox.stale(before, limit, export=True)
