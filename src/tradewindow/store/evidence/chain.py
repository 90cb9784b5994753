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
import psycopg
from sqlalchemy import Connection, Engine, Table, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from tradewindow.evidence.chain import GENESIS, Anchor, Record, RecordKind, anchor_of
from tradewindow.store import postgres, sqlite_rows
from tradewindow.store.evidence.tables import checkpoints, records, subjects
from tradewindow.store.transaction import reader, writer

_RECORD_TYPES = (
    ("seq", "int8"), ("at", "text"), ("kind", "text"), ("subjects", "text"),
    ("payload_digest", "text"), ("signature", "text"), ("actor", "text"), ("prev_hash", "text"),
    ("hash", "text"),
)  # fmt: skip
_CHECKPOINT = RecordKind.CHECKPOINT.value  # read once: ``.value`` is a property
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
            if r.kind != _CHECKPOINT
            for subject in dict.fromkeys(r.subject_ids)
        ]
        self._insert_rows(records, _RECORD_TYPES, rows)
        if index:
            self._insert_rows(subjects, (("subject", "text"), ("seq", "int8")), index)
        anchors = [msgspec.structs.asdict(anchor_of(r)) for r in sealed if r.kind == _CHECKPOINT]
        if anchors:
            self._connection.execute(insert(checkpoints), anchors)

    def _insert_rows(
        self, table: Table, columns: tuple[tuple[str, str], ...], rows: list[tuple[Any, ...]]
    ) -> None:
        """One statement per table, without SQLAlchemy's per-row parameter processing (most of
        the evidence write in the clearance profile; every column here is plain text or an
        integer, so nothing needs converting): on SQLite an executemany through the sqlite3
        cursor, on PostgreSQL a binary COPY from ``COPY_THRESHOLD`` rows. A unique violation
        is SQLAlchemy's ``IntegrityError`` on every path."""
        names = tuple(name for name, _ in columns)
        dialect = self._connection.dialect.name
        if dialect == "postgresql" and len(rows) >= postgres.COPY_THRESHOLD:
            try:
                postgres.copy_rows(self._connection, table.name, columns, rows)
            except psycopg.errors.UniqueViolation as error:
                raise IntegrityError(f"COPY {table.name}", None, error) from error
            return
        if dialect != "sqlite":
            params = [dict(zip(names, row, strict=True)) for row in rows]
            self._connection.execute(insert(table), params)
            return
        try:
            sqlite_rows.insert_rows(self._connection, table.name, names, rows)
        except sqlite3.IntegrityError as error:
            raise IntegrityError(f"INSERT INTO {table.name}", None, error) from error

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
