"""The evidence chain over SQLAlchemy Core (``evidence.ports``).

Appends serialise: on PostgreSQL a transaction-scoped advisory lock is taken before the head
is read, and ``UNIQUE(prev_hash)`` refuses any second record linking to the same head; on
SQLite the store's engine opens every write transaction with ``BEGIN IMMEDIATE``. A batch is
one INSERT round trip.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, Table, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from tradewindow.evidence.chain import GENESIS, Anchor, Record, RecordKind, anchor_of
from tradewindow.store.evidence.tables import checkpoints, records, subjects
from tradewindow.store.transaction import reader, writer

_RECORD_COLUMNS = (
    "seq", "at", "kind", "subjects", "payload_digest", "signature", "actor", "prev_hash", "hash",
)  # fmt: skip
_LOCK_KEY = 0x7477_6576_6964  # "twevid": the advisory lock every evidence writer takes


class SqlChainRecords:
    """The chain inside one transaction (its own, or the one it joins as a part)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def locked_head(self) -> tuple[int, str]:
        if self._connection.dialect.name == "postgresql":
            self._connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        return _head(self._connection)

    def insert(self, sealed: Sequence[Record]) -> None:
        rows = [
            (r.seq, r.at, r.kind, r.subjects, r.payload_digest, r.signature, r.actor,
             r.prev_hash, r.hash)
            for r in sealed
        ]  # fmt: skip
        index = [
            (subject, r.seq)
            for r in sealed
            if r.kind != RecordKind.CHECKPOINT.value
            for subject in dict.fromkeys(r.subject_ids)
        ]
        self._insert_rows(records, _RECORD_COLUMNS, rows)
        if index:
            self._insert_rows(subjects, ("subject", "seq"), index)
        anchors = [
            msgspec.structs.asdict(anchor_of(r))
            for r in sealed
            if r.kind == RecordKind.CHECKPOINT.value
        ]
        if anchors:
            self._connection.execute(insert(checkpoints), anchors)

    def _insert_rows(
        self, table: Table, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
    ) -> None:
        """One executemany. On SQLite through the sqlite3 cursor itself (every column here is
        plain text or an integer, so nothing is converted): SQLAlchemy's per-row parameter
        processing was most of the evidence write in the clearance profile. A unique
        violation is the same ``IntegrityError`` either way."""
        if self._connection.dialect.name != "sqlite":
            self._connection.execute(
                insert(table), [dict(zip(columns, row, strict=True)) for row in rows]
            )
            return
        raw = self._connection.connection.driver_connection
        assert raw is not None  # noqa: S101 - an open transaction has its connection
        statement = (
            f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608 - fixed names
            f"VALUES ({', '.join('?' * len(columns))})"
        )
        try:
            raw.executemany(statement, rows)
        except sqlite3.IntegrityError as error:
            raise IntegrityError(statement, None, error) from error

    def last_checkpoint_seq(self) -> int:
        found: int | None = self._connection.scalar(select(func.max(checkpoints.c.seq)))
        return found or 0


class SqlEvidenceStore:
    """An ``EvidenceStore`` over the store's engine (pass ``store.engine`` on SQLite, so
    writers open with ``BEGIN IMMEDIATE``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def appending(self) -> Iterator[SqlChainRecords]:
        with writer(self.engine) as connection:
            yield SqlChainRecords(connection)

    def head(self) -> tuple[int, str]:
        with reader(self.engine) as connection:
            return _head(connection)

    def records(self, after: int, last: int | None, limit: int) -> list[Record]:
        query = select(*records.c).where(records.c.seq > after)
        if last is not None:
            query = query.where(records.c.seq <= last)
        with reader(self.engine) as connection:
            rows = connection.execute(query.order_by(records.c.seq).limit(limit)).all()
        return [Record(**row._asdict()) for row in rows]

    def seqs_naming(self, subject: str) -> list[int]:
        query = select(subjects.c.seq).where(subjects.c.subject == subject).order_by(subjects.c.seq)
        with reader(self.engine) as connection:
            return list(connection.scalars(query))

    def first_checkpoint_after(self, seq: int) -> int | None:
        query = select(func.min(records.c.seq)).where(
            records.c.kind == RecordKind.CHECKPOINT.value, records.c.seq > seq
        )
        with reader(self.engine) as connection:
            found: int | None = connection.scalar(query)
        return found

    def anchors(self, after: int = 0) -> list[Anchor]:
        query = select(*checkpoints.c).where(checkpoints.c.seq > after).order_by(checkpoints.c.seq)
        with reader(self.engine) as connection:
            rows = connection.execute(query).all()
        return [Anchor(**row._asdict()) for row in rows]

    def newest_anchor_seq(self) -> int:
        with reader(self.engine) as connection:
            found: int | None = connection.scalar(select(func.max(checkpoints.c.seq)))
        return found or 0

    def set_timestamp(self, seq: int, token: str) -> None:
        with writer(self.engine) as connection:
            connection.execute(
                update(checkpoints).where(checkpoints.c.seq == seq).values(timestamp=token)
            )


def _head(connection: Connection) -> tuple[int, str]:
    row = connection.execute(
        select(records.c.seq, records.c.hash).order_by(records.c.seq.desc()).limit(1)
    ).first()
    return (0, GENESIS) if row is None else (row.seq, row.hash)
