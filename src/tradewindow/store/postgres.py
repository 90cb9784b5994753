"""PostgreSQL bulk paths: binary COPY on the unit of work's own psycopg connection.

COPY runs inside the same transaction as everything else the unit of work does, so it is
committed or rolled back with it. Measured with ``python -m tradewindow.bench.store`` on the
2-core development machine (PostgreSQL 15, 1.5 KB bodies, a commit per batch), documents/s:

    batch      COPY   executemany
       10    14,100        11,000
       50    30,100        22,200
      200    40,600        27,700
    2,000    72,300        36,400     (receipts: 252,000 vs 68,000)

COPY wins from ten rows up, so batches of ``COPY_THRESHOLD`` rows or more take it; smaller
ones keep the plain INSERT, which also keeps that path exercised. Updates of as many rows
COPY into a session-local temporary table and ``UPDATE … FROM`` it: 37–44k rows/s against
30k for executemany (2,000-row batches).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from sqlalchemy import Connection

from tradewindow.cbec.ports import ReceiptRecord, StoredDocument
from tradewindow.store.errors import DuplicateDocument
from tradewindow.store.types import aware

COPY_THRESHOLD = 10

_DOCUMENT_COLUMNS = (
    ("kind", "text"),
    ("key", "text"),
    ("status", "text"),
    ("order_ref", "text"),
    ("waybill_ref", "text"),
    ("buyer", "text"),
    ("invt_no", "text"),
    ("message_guid", "text"),
    ("version", "int4"),
    ("body", "bytea"),
    ("received_at", "timestamptz"),
    ("updated_at", "timestamptz"),
    ("order_no", "text"),
)
_RECEIPT_COLUMNS = (
    ("receipt_type", "text"),
    ("kind", "text"),
    ("doc_key", "text"),
    ("message_guid", "text"),
    ("status", "text"),
    ("created_at", "timestamptz"),
    ("body", "bytea"),
    ("seq", "int4"),
    ("codes", "text"),
    ("order_no", "text"),
)


def copy_documents(connection: Connection, docs: Sequence[StoredDocument]) -> None:
    try:
        _copy(connection, "documents", _DOCUMENT_COLUMNS, _document_rows(docs))
    except psycopg.errors.UniqueViolation as error:
        raise DuplicateDocument(_detail(error)) from error


def update_documents(connection: Connection, docs: Sequence[StoredDocument]) -> int:
    """Replace documents by (kind, key) through COPY; returns how many were found."""
    raw = _driver(connection)
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS documents_update (LIKE documents)"
            " ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE documents_update")
    _copy(connection, "documents_update", _DOCUMENT_COLUMNS, _document_rows(docs))
    with raw.cursor() as cursor:
        cursor.execute(_UPDATE_FROM)
        return cursor.rowcount


_ASSIGNMENTS = ", ".join(f"{name} = u.{name}" for name, _ in _DOCUMENT_COLUMNS[2:])
_UPDATE_FROM = (
    f"UPDATE documents AS d SET {_ASSIGNMENTS}"  # noqa: S608 — our own constant column names
    " FROM documents_update AS u WHERE d.kind = u.kind AND d.key = u.key"
)


def _document_rows(docs: Sequence[StoredDocument]) -> Iterator[tuple[Any, ...]]:
    return (
        (
            d.kind.value,
            d.key,
            d.status.value,
            d.order_ref,
            d.waybill_ref,
            d.buyer,
            d.invt_no,
            d.message_guid,
            d.version,
            d.body,
            aware(d.received_at),
            aware(d.updated_at),
            d.order_no,
        )
        for d in docs
    )


def copy_receipts(connection: Connection, receipts: Sequence[ReceiptRecord]) -> None:
    rows = (
        (
            r.receipt_type,
            r.kind,
            r.doc_key,
            r.message_guid,
            r.status,
            aware(r.created_at),
            r.body,
            r.seq,
            " ".join(r.codes),
            r.order_no,
        )
        for r in receipts
    )
    _copy(connection, "receipts", _RECEIPT_COLUMNS, rows)


def copy_rows(
    connection: Connection, table: str, columns: Sequence[tuple[str, str]], rows: Any
) -> None:
    """Binary COPY of ``rows`` (tuples in ``columns`` order: name, PostgreSQL type) into
    ``table``, in the connection's transaction."""
    _copy(connection, table, columns, rows)


def _copy(
    connection: Connection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Any,
) -> None:
    raw = _driver(connection)
    names = ", ".join(name for name, _ in columns)
    statement = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types([pg_type for _, pg_type in columns])
        for row in rows:
            copy.write_row(row)


def _driver(connection: Connection) -> psycopg.Connection[Any]:
    """The psycopg connection under SQLAlchemy's, in the same transaction."""
    raw = connection.connection.driver_connection
    if not isinstance(raw, psycopg.Connection):
        raise TypeError("COPY needs a psycopg 3 connection")
    return raw


def _detail(error: psycopg.Error) -> str:
    diag = error.diag
    return diag.message_detail or diag.message_primary or str(error)
