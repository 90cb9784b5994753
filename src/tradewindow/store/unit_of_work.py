"""``SqlUnitOfWork``: the clearance service's reads and writes inside one transaction.

(Over 400 lines: the one adapter of ``cbec.ports.UnitOfWork``, one short method per port
method, all in one transaction.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    Connection,
    CursorResult,
    RootTransaction,
    Row,
    String,
    and_,
    any_,
    bindparam,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from tradewindow.cbec.ports import (
    DocKind,
    DocStatus,
    MessageRecord,
    ReceiptRecord,
    StoredDocument,
    TaxBillRecord,
)
from tradewindow.store import postgres, sqlite_rows
from tradewindow.store.errors import (
    DuplicateDocument,
    DuplicateMessage,
    DuplicateRecord,
    DuplicateTaxBill,
    MissingDocument,
    StoreError,
)
from tradewindow.store.order_keys import order_no_of_list
from tradewindow.store.parts import PARTS
from tradewindow.store.schema import (
    buyer_totals,
    documents,
    messages,
    number_series,
    receipts,
    tax_bills,
    waybill_keys,
)
from tradewindow.store.transaction import SqlTransaction

# Bound parameters per IN list: well under SQLite's 32,766 (and old builds' 999 would need
# two chunks per lookup of a 100-document message, which is fine too).

CHUNK = 900

_T = TypeVar("_T")
_TEXT_ARRAY = postgresql.ARRAY(String())

_DOCUMENT_COLUMNS = (
    documents.c.kind,
    documents.c.key,
    documents.c.status,
    documents.c.order_ref,
    documents.c.waybill_ref,
    documents.c.buyer,
    documents.c.invt_no,
    documents.c.message_guid,
    documents.c.version,
    documents.c.body,
    documents.c.received_at,
    documents.c.updated_at,
    documents.c.order_no,
)
_DOCUMENT_NAMES = ", ".join(column.name for column in _DOCUMENT_COLUMNS)
_DOCUMENT_SETS = ", ".join(f"{column.name} = ?" for column in _DOCUMENT_COLUMNS[2:])
_RECEIPT_COLUMNS = (
    receipts.c.receipt_type,
    receipts.c.kind,
    receipts.c.doc_key,
    receipts.c.message_guid,
    receipts.c.status,
    receipts.c.created_at,
    receipts.c.body,
    receipts.c.seq,
    receipts.c.codes,
    receipts.c.order_no,
)


class SqlUnitOfWork(SqlTransaction):
    """One transaction on one connection; see ``tradewindow.cbec.ports.UnitOfWork``.

    Made by ``SqlStore.unit_of_work()``. After ``commit`` it is finished: any further call
    raises ``StoreError`` rather than quietly starting a second transaction.
    """

    def __init__(self, connection: Connection, transaction: RootTransaction) -> None:
        super().__init__(connection, PARTS)
        self._transaction = transaction
        self._postgres = connection.dialect.name == "postgresql"
        self._upsert = postgresql.insert if self._postgres else sqlite.insert

    @property
    def connection(self) -> Connection:
        if not self._transaction.is_active:
            raise StoreError("this unit of work is finished; open a new one")
        return self._connection

    # messages

    def message_digests(self, guids: Collection[str]) -> dict[str, str]:
        query = select(messages.c.guid, messages.c.digest)
        return {row.guid: row.digest for row in self._select_in(query, messages.c.guid, guids)}

    def add_messages(self, rows: Sequence[MessageRecord]) -> None:
        params = [
            {
                "guid": m.guid,
                "message_type": m.message_type,
                "sender": m.sender,
                "digest": m.digest,
                "received_at": m.received_at,
                "document_count": m.document_count,
            }
            for m in rows
        ]
        self._insert(messages, params, DuplicateMessage)

    # documents

    def documents(self, kind: DocKind, keys: Collection[str]) -> dict[str, StoredDocument]:
        if not self._postgres:
            found = self._sqlite_documents("kind = ?", (kind.value,), "key", keys)
            return {doc.key: doc for doc in found}
        query = select(*_DOCUMENT_COLUMNS).where(documents.c.kind == kind.value)
        found = (_stored_document(row) for row in self._select_in(query, documents.c.key, keys))
        return {doc.key: doc for doc in found}

    def _sqlite_documents(
        self, where: str, fixed: tuple[str, ...], column: str, values: Collection[str]
    ) -> Iterator[StoredDocument]:
        """Documents ``where`` (its ``?`` given by ``fixed``) whose ``column`` is one of
        ``values``, on SQLite through sqlite3 itself: SQLAlchemy's IN-list expansion and
        per-row result processing were most of the clearance batch's prefetch (measured with
        ``tradewindow bench clearance``)."""
        raw = self.connection.connection.driver_connection
        assert raw is not None  # noqa: S101 - an open unit of work has its connection
        for chunk in _chunks(sorted(set(values)), CHUNK):
            statement = (
                f"SELECT {_DOCUMENT_NAMES} FROM {documents.name} "  # noqa: S608 - fixed names
                f"WHERE {where} AND {column} IN ({', '.join('?' * len(chunk))})"
            )
            for row in raw.execute(statement, (*fixed, *chunk)):
                yield _stored_document(row, datetime.fromisoformat)

    def waiting_inventories(
        self, order_refs: Collection[str], waybill_refs: Collection[str]
    ) -> list[StoredDocument]:
        """Inventories still waiting whose order or waybill is among the given references."""
        waiting = select(*_DOCUMENT_COLUMNS).where(
            documents.c.status == DocStatus.WAITING.value,
            documents.c.kind == DocKind.INVENTORY.value,
        )
        found: dict[str, StoredDocument] = {}
        for column, refs in (
            (documents.c.order_ref, order_refs),
            (documents.c.waybill_ref, waybill_refs),
        ):
            if not self._postgres:
                fixed = (DocStatus.WAITING.value, DocKind.INVENTORY.value)
                for doc in self._sqlite_documents(
                    "status = ? AND kind = ?", fixed, column.name, refs
                ):
                    found[doc.key] = doc
                continue
            for row in self._select_in(waiting, column, refs):
                doc = _stored_document(row)
                found[doc.key] = doc
        return sorted(found.values(), key=lambda doc: (doc.received_at, doc.key))

    def expired_waiting(self, received_before: datetime, limit: int) -> list[StoredDocument]:
        """Up to ``limit`` waiting inventories received before the cut-off, oldest first."""
        query = (
            select(*_DOCUMENT_COLUMNS)
            .where(
                documents.c.status == DocStatus.WAITING.value,
                documents.c.received_at < received_before,
                documents.c.kind == DocKind.INVENTORY.value,
            )
            .order_by(documents.c.received_at, documents.c.key)
            .limit(limit)
        )
        return [_stored_document(row) for row in self._execute(query)]

    def insert_documents(self, docs: Sequence[StoredDocument]) -> None:
        # a waybill's key is unique across orders: its row in waybill_keys (0019) refuses a
        # second one whatever order it names, as (order_no, kind, key) cannot
        waybills = [{"key": d.key} for d in docs if d.kind is DocKind.WAYBILL]
        self._insert(waybill_keys, waybills, DuplicateDocument)
        if self._postgres and len(docs) >= postgres.COPY_THRESHOLD:
            postgres.copy_documents(self.connection, docs)
            return
        if not self._postgres and len(docs) >= sqlite_rows.SQLITE_BULK:
            times = sqlite_rows.time_texts()
            rows = [
                (d.kind.value, d.key, d.status.value, d.order_ref, d.waybill_ref, d.buyer,
                 d.invt_no, d.message_guid, d.version, d.body, times(d.received_at),
                 times(d.updated_at), d.order_no)
                for d in docs
            ]  # fmt: skip
            self._sqlite_bulk(documents, _DOCUMENT_INSERT_COLUMNS, rows, DuplicateDocument)
            return
        self._insert(documents, [_document_params(d) for d in docs], DuplicateDocument)

    def update_documents(self, docs: Sequence[StoredDocument]) -> None:
        """Replace each stored document, found by (kind, key), with the one given."""
        if not docs:
            return
        statement = (
            documents.update()
            .where(
                and_(documents.c.kind == bindparam("b_kind"), documents.c.key == bindparam("b_key"))
            )
            .values({column.name: bindparam(column.name) for column in _DOCUMENT_COLUMNS[2:]})
        )
        ordered = sorted(docs, key=lambda d: (d.kind.value, d.key))  # one lock order: no deadlock
        if self._postgres and len(docs) >= postgres.COPY_THRESHOLD:
            updated = postgres.update_documents(self.connection, ordered)
            self._check_updated(updated, len(docs))
            return
        if not self._postgres and len(docs) >= sqlite_rows.SQLITE_BULK:
            self._check_updated(self._sqlite_update(ordered), len(docs))
            return
        params = []
        for doc in ordered:
            row = _document_params(doc)
            row["b_kind"] = row.pop("kind")
            row["b_key"] = row.pop("key")
            params.append(row)
        self._check_updated(self._execute(statement, params).rowcount, len(docs))

    def _sqlite_update(self, ordered: Sequence[StoredDocument]) -> int:
        """:meth:`update_documents` through the sqlite3 connection itself (as
        :meth:`_sqlite_bulk` inserts); how many rows it changed."""
        times = sqlite_rows.time_texts()
        statement = (
            f"UPDATE {documents.name} SET {_DOCUMENT_SETS} "  # noqa: S608 - fixed names
            "WHERE kind = ? AND key = ?"
        )
        rows = [
            (d.status.value, d.order_ref, d.waybill_ref, d.buyer, d.invt_no, d.message_guid,
             d.version, d.body, times(d.received_at), times(d.updated_at), d.order_no,
             d.kind.value, d.key)
            for d in ordered
        ]  # fmt: skip
        raw = self.connection.connection.driver_connection
        assert raw is not None  # noqa: S101 - an open unit of work has its connection
        changed: int = raw.executemany(statement, rows).rowcount
        return changed

    @staticmethod
    def _check_updated(updated: int, expected: int) -> None:
        if updated != expected:
            raise MissingDocument(
                f"{expected - updated} of {expected} documents to update are not stored"
            )

    # quota

    def buyer_totals(self, buyers: Collection[str], year: int) -> dict[str, Decimal]:
        query = select(buyer_totals.c.buyer, buyer_totals.c.total).where(
            buyer_totals.c.year == year
        )
        return {
            row.buyer: row.total for row in self._select_in(query, buyer_totals.c.buyer, buyers)
        }

    def add_buyer_totals(self, increments: Mapping[tuple[str, int], Decimal]) -> None:
        """Add each amount to the buyer's total for the year (a missing total starts at 0)."""
        if not increments:
            return
        insert = self._upsert(buyer_totals)
        statement = insert.on_conflict_do_update(
            index_elements=[buyer_totals.c.buyer, buyer_totals.c.year],
            set_={"total": buyer_totals.c.total + insert.excluded.total},
        )
        params = [
            {"buyer": buyer, "year": year, "total": amount}
            for (buyer, year), amount in sorted(increments.items())
        ]
        self._execute(statement, params)

    # receipts and tax bills

    def add_receipts(self, rows: Sequence[ReceiptRecord]) -> None:
        if self._postgres and len(rows) >= postgres.COPY_THRESHOLD:
            postgres.copy_receipts(self.connection, rows)
            return
        if not self._postgres and len(rows) >= sqlite_rows.SQLITE_BULK:
            times = sqlite_rows.time_texts()
            values = [
                (r.receipt_type, r.kind, r.doc_key, r.message_guid, r.status,
                 times(r.created_at), r.body, r.seq, " ".join(r.codes), r.order_no)
                for r in rows
            ]  # fmt: skip
            self._sqlite_bulk(receipts, _RECEIPT_INSERT_COLUMNS, values, DuplicateRecord)
            return
        params = [
            {
                "receipt_type": r.receipt_type,
                "kind": r.kind,
                "doc_key": r.doc_key,
                "message_guid": r.message_guid,
                "status": r.status,
                "created_at": r.created_at,
                "body": r.body,
                "seq": r.seq,
                "codes": " ".join(r.codes),
                "order_no": r.order_no,
            }
            for r in rows
        ]
        self._insert(receipts, params, DuplicateRecord)

    def receipts_for_messages(self, guids: Collection[str]) -> list[ReceiptRecord]:
        """Every receipt produced for these messages, by message then ``seq``, then as added."""
        query = select(receipts.c.id, *_RECEIPT_COLUMNS)
        rows = sorted(
            self._select_in(query, receipts.c.message_guid, guids),
            key=lambda row: (row.message_guid, row.seq, row.id),
        )
        return [_receipt_record(row) for row in rows]

    def receipts_for_documents(self, keys: Collection[str]) -> list[ReceiptRecord]:
        """Every receipt of the documents with these keys (any kind), in the order made."""
        query = select(receipts.c.id, *_RECEIPT_COLUMNS)
        rows = sorted(self._select_in(query, receipts.c.doc_key, keys), key=lambda row: row.id)
        return [_receipt_record(row) for row in rows]

    def receipts_since(self, since: datetime, limit: int) -> list[ReceiptRecord]:
        """Up to ``limit`` receipts made at or after ``since``, in the order made."""
        query = (
            select(receipts.c.id, *_RECEIPT_COLUMNS)
            .where(receipts.c.created_at >= since)
            .order_by(receipts.c.created_at, receipts.c.id)
            .limit(limit)
        )
        return [_receipt_record(row) for row in self._execute(query)]

    def add_tax_bills(self, bills: Sequence[TaxBillRecord]) -> None:
        params = [
            {
                "tax_no": b.tax_no,
                "invt_no": b.invt_no,
                "doc_key": b.doc_key,
                "buyer": b.buyer,
                "customs_tax": b.customs_tax,
                "value_added_tax": b.value_added_tax,
                "consumption_tax": b.consumption_tax,
                "created_at": b.created_at,
                "body": b.body,
                "order_no": order_no_of_list(b.doc_key),
            }
            for b in bills
        ]
        self._insert(tax_bills, params, DuplicateTaxBill)

    # numbers

    def next_numbers(self, series: str, count: int) -> int:
        """Reserve ``count`` consecutive numbers of ``series`` (the first is 1); returns the first.

        One upsert that returns the new high-water mark: the row stays locked until this
        transaction ends, so a concurrent reservation waits and then continues after ours.
        """
        if count < 1:
            raise ValueError(f"reserve at least one number, not {count}")
        insert = self._upsert(number_series).values(series=series, next_value=1 + count)
        statement = insert.on_conflict_do_update(
            index_elements=[number_series.c.series],
            set_={"next_value": number_series.c.next_value + count},
        ).returning(number_series.c.next_value)
        after: int = self._execute(statement).scalar_one()
        return after - count

    def commit(self) -> None:
        self.connection  # noqa: B018 — raises if already finished
        self.flush_parts()
        self._transaction.commit()

    # plumbing

    def _execute(self, statement: Any, params: Any = None) -> CursorResult[Any]:
        """Execute; a bad value (naive time, float money) surfaces as its own ValueError or
        TypeError rather than wrapped in SQLAlchemy's StatementError."""
        try:
            return self.connection.execute(statement, params)
        except StatementError as error:
            if not isinstance(error, DBAPIError) and isinstance(error.orig, ValueError | TypeError):
                raise error.orig from error
            raise

    def _select_in(self, query: Any, column: Any, values: Collection[str]) -> Iterator[Row[Any]]:
        """Rows whose ``column`` is one of ``values``: one array parameter on PostgreSQL
        (measured 1.5x faster than IN lists there), IN lists in chunks on SQLite."""
        wanted = sorted(set(values))
        if not wanted:
            return
        if self._postgres:
            yield from self._execute(
                query.where(column == any_(bindparam("wanted", wanted, type_=_TEXT_ARRAY)))
            )
            return
        for chunk in _chunks(wanted, CHUNK):
            yield from self._execute(query.where(column.in_(chunk)))

    def _sqlite_bulk(
        self,
        table: Any,
        columns: tuple[str, ...],
        rows: list[tuple[Any, ...]],
        duplicate: type[DuplicateRecord],
    ) -> None:
        """Bulk insert through the sqlite3 cursor itself, in this unit of work's transaction.

        SQLAlchemy's per-row type processing was a third of the clearance path's storage time
        (measured with ``tradewindow bench clearance``); here values arrive already in their
        SQLite form (times as fixed-width UTC text, as ``types.Instant`` writes them).
        """
        try:
            sqlite_rows.insert_rows(self.connection, table.name, columns, rows)
        except sqlite3.IntegrityError as error:
            if "UNIQUE" in str(error):
                raise duplicate(str(error)) from error
            raise

    def _insert(
        self, table: Any, params: list[dict[str, Any]], duplicate: type[DuplicateRecord]
    ) -> None:
        if not params:
            return
        try:
            self._execute(table.insert(), params)
        except IntegrityError as error:
            if _is_unique_violation(error):
                raise duplicate(str(error.orig)) from error
            raise


_DOCUMENT_INSERT_COLUMNS = (
    "kind", "key", "status", "order_ref", "waybill_ref", "buyer", "invt_no", "message_guid",
    "version", "body", "received_at", "updated_at", "order_no",
)  # fmt: skip
_RECEIPT_INSERT_COLUMNS = (
    "receipt_type", "kind", "doc_key", "message_guid", "status", "created_at", "body", "seq",
    "codes", "order_no",
)  # fmt: skip


def _document_params(doc: StoredDocument) -> dict[str, Any]:
    return {
        "kind": doc.kind.value,
        "key": doc.key,
        "status": doc.status.value,
        "order_ref": doc.order_ref,
        "waybill_ref": doc.waybill_ref,
        "buyer": doc.buyer,
        "invt_no": doc.invt_no,
        "message_guid": doc.message_guid,
        "version": doc.version,
        "body": doc.body,
        "received_at": doc.received_at,
        "updated_at": doc.updated_at,
        "order_no": doc.order_no,
    }


_KIND_OF = {kind.value: kind for kind in DocKind}  # a dict lookup, not Enum.__new__ per row
_STATUS_OF = {status.value: status for status in DocStatus}


def _read_already(value: datetime) -> datetime:
    return value


def _stored_document(row: Any, time: Callable[[Any], datetime] = _read_already) -> StoredDocument:
    """A row of ``_DOCUMENT_COLUMNS``, in their order: SQLAlchemy's (times read already) or
    sqlite3's own (``time=datetime.fromisoformat``, as ``types.Instant`` reads them)."""
    (kind, key, status, order_ref, waybill_ref, buyer, invt_no, message_guid, version, body,
     received_at, updated_at, order_no) = row  # fmt: skip
    return StoredDocument(
        kind=_KIND_OF[kind],
        key=key,
        status=_STATUS_OF[status],
        order_ref=order_ref,
        waybill_ref=waybill_ref,
        buyer=buyer,
        invt_no=invt_no,
        message_guid=message_guid,
        version=version,
        body=bytes(body),
        received_at=time(received_at),
        updated_at=time(updated_at),
        order_no=order_no,
    )


def _is_unique_violation(error: IntegrityError) -> bool:
    code: str | None = getattr(error.orig, "sqlstate", None)  # psycopg
    if code is not None:
        return code == "23505"
    return "UNIQUE constraint failed" in str(error.orig) or "PRIMARY KEY" in str(error.orig)


def _chunks(values: Sequence[_T], size: int) -> Iterable[Sequence[_T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _receipt_record(row: Row[Any]) -> ReceiptRecord:
    return ReceiptRecord(
        receipt_type=row.receipt_type,
        kind=row.kind,
        doc_key=row.doc_key,
        message_guid=row.message_guid,
        status=row.status,
        created_at=row.created_at,
        body=bytes(row.body),
        seq=row.seq,
        codes=tuple(row.codes.split()),
        order_no=row.order_no,
    )
