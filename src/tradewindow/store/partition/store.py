"""Partitioned clearance over SQLAlchemy Core (``docs/adr/0009``): a ``ClearanceStore`` per
partition, whose units of work run side by side with the other partitions', and the inbox.

**Locks** (PostgreSQL). A partition's unit of work takes, transaction-scoped, the clearance
lock *shared* and its partition's lock exclusively; the whole-store unit of work
(``SqlStore.unit_of_work``: agency decisions, time-outs, guarantees, parcel messages) takes the
clearance lock exclusively, so it runs alone, as before. Partition locks are named per schema
(``hashtext(current_schema())``), so two deployments in one database do not wait for each
other. What partitions share is locked where it is read, in key order:

- a buyer's annual total: its row, created at 0 if missing, ``SELECT … FOR UPDATE`` ordered by
  buyer, before the total is read (held to commit; the increment is written in the same
  transaction) — two partitions can never both see room for the same yuan;
- an agent's tax guarantee: its row ``FOR UPDATE`` when read;
- a bonded account book's item: an advisory lock per item, in key order, before its balance is
  summed from the ledger.

Two partitions that lock in different orders (e.g. buyers of two years) may deadlock;
PostgreSQL then aborts one, and the partition's runner clears it again (``cbec.partitioned``).

**Numbers** come from blocks: each partition reserves ``BLOCK`` numbers of a series at a time
in a transaction of its own (a short one on the series row, committed at once), and takes
them from its ``number_blocks`` row inside its units of work. Numbers are unique, increase
within a partition, and are not gapless (a block is left when a unit of work rolls back or a
partition moves): ``docs/scaling.md`` says why customs does not need them to be.

**Messages**: the inbox (``clearance_inbox``) records each message before any part of it is
cleared; a partition's unit of work marks its part done (``clearance_inbox_parts``) in the
same transaction as what the part cleared, so a part delivered twice is cleared once. The
``messages`` row of the message (its guid and digest) is written with the inbox entry.

On SQLite (one writer per database: ``BEGIN IMMEDIATE``) the partitions' units of work take no
locks of their own and numbers come from the series row itself; the embedded default runs
one partition.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    RootTransaction,
    String,
    any_,
    bindparam,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError

from tradewindow.cbec.partitioned import InboxEntry
from tradewindow.cbec.ports import (
    CBEC_LIFECYCLE,
    DocKind,
    Guarantee,
    MessageRecord,
    ReceiptRecord,
    StoredDocument,
)
from tradewindow.clock import utc_now
from tradewindow.evidence.ports import EVIDENCE_CHAIN
from tradewindow.store.cbec.lifecycle import SqlLifecycleRecords
from tradewindow.store.cbec.tables import guarantees
from tradewindow.store.engine import READ_ONLY
from tradewindow.store.errors import DuplicateMessage, StoreError
from tradewindow.store.order_keys import order_no_of
from tradewindow.store.partition.chain import SqlPartitionChain
from tradewindow.store.partition.numbers import take_numbers
from tradewindow.store.partition.tables import EXPORT_ENTRY, inbox, inbox_parts
from tradewindow.store.parts import PARTS
from tradewindow.store.schema import buyer_totals, documents
from tradewindow.store.store import CLEARANCE_LOCK, SqlStore
from tradewindow.store.transaction import reader, writer
from tradewindow.store.unit_of_work import _DOCUMENT_COLUMNS, SqlUnitOfWork, _stored_document
from tradewindow.transaction import ConcurrentWrite

_TEXT_ARRAY = postgresql.ARRAY(String())
_LOCK_PARTITION = text(
    "SELECT pg_advisory_xact_lock_shared(:clearance),"
    " pg_advisory_xact_lock(hashtext(current_schema() || '/tw.partition'), :partition)"
)
_ZERO_TOTALS = text(
    "INSERT INTO buyer_totals (buyer, year, total)"
    " SELECT b, :year, 0 FROM unnest(CAST(:buyers AS text[])) AS b ORDER BY b"
    " ON CONFLICT (buyer, year) DO NOTHING"
)
_LOCK_ITEM = text(
    "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/tw.stock'), hashtext(:item))"
)


_RETRYABLE = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


class PartitionConflict(StoreError, ConcurrentWrite):
    """PostgreSQL aborted a partition's unit of work to break a deadlock with another's (or
    a serialisation failure): the transaction is spoiled, running it again succeeds."""


class PartitionStore:
    """The ``cbec.ports.ClearanceStore`` of one partition over the store's database."""

    def __init__(self, store: SqlStore, partition: int) -> None:
        self.store = store
        self.partition = partition

    @contextmanager
    def unit_of_work(self) -> Iterator[PartitionUnitOfWork]:
        with self.store.engine.connect() as connection:
            transaction = connection.begin()
            try:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        _LOCK_PARTITION, {"clearance": CLEARANCE_LOCK, "partition": self.partition}
                    )
                yield PartitionUnitOfWork(
                    connection, transaction, self.partition, self.store.engine
                )
            except DBAPIError as error:
                if getattr(error.orig, "sqlstate", None) in _RETRYABLE:
                    # a deadlock with another partition (locks taken in another order), or a
                    # serialisation failure: the work is sound, run it again
                    raise PartitionConflict(str(error.orig)) from error
                raise
            finally:
                if transaction.is_active:
                    transaction.rollback()

    def status_counts(self) -> dict[tuple[str, str], int]:
        return self.store.status_counts()

    def tax_total(self) -> Decimal:
        return self.store.tax_total()


class PartitionUnitOfWork(SqlUnitOfWork):
    """A clearance unit of work of one partition (see the module docstring)."""

    def __init__(
        self, connection: Connection, transaction: RootTransaction, partition: int, engine: Engine
    ) -> None:
        super().__init__(connection, transaction)
        self._partition = partition
        self._engine = engine
        adapters: dict[str, Any] = dict(PARTS)
        adapters[EVIDENCE_CHAIN.name] = lambda c: SqlPartitionChain(c, partition)
        if self._postgres:
            adapters[CBEC_LIFECYCLE.name] = _LockingLifecycleRecords
        self._adapters = adapters

    def documents(self, kind: DocKind, keys: Collection[str]) -> dict[str, StoredDocument]:
        """As the whole store's, with the partition key when the keys embed it: on PostgreSQL
        distributed by ``order_no`` the read goes to the shards of those orders only."""
        order_nos = sorted({order_no_of(kind.value, key) for key in keys})
        if not self._postgres or not order_nos or "" in order_nos:
            return super().documents(kind, keys)
        query = select(*_DOCUMENT_COLUMNS).where(
            documents.c.kind == kind.value,
            documents.c.order_no == any_(bindparam("order_nos", order_nos, type_=_TEXT_ARRAY)),
        )
        found = (_stored_document(row) for row in self._select_in(query, documents.c.key, keys))
        return {doc.key: doc for doc in found}

    # a "message" here is this partition's part of one: done once, in this transaction

    def message_digests(self, guids: Collection[str]) -> dict[str, str]:
        query = select(inbox_parts.c.guid, inbox_parts.c.digest).where(
            inbox_parts.c.partition == self._partition, inbox_parts.c.done_at.is_not(None)
        )
        return {row.guid: row.digest for row in self._select_in(query, inbox_parts.c.guid, guids)}

    def add_messages(self, rows: Sequence[MessageRecord]) -> None:
        """Mark this partition's part of each message done (recorded when it was not in the
        inbox: a part cleared without one, e.g. by a test); a part already done is a
        ``DuplicateMessage``."""
        if not rows:
            return
        insert = self._upsert(inbox_parts)
        now = utc_now()  # when the part was done, for whoever reads the inbox (not a rule's)
        values = [
            {"partition": self._partition, "guid": m.guid, "digest": m.digest,
             "created_at": m.received_at, "done_at": now}
            for m in rows
        ]  # fmt: skip
        statement = insert.values(values).on_conflict_do_update(
            index_elements=[inbox_parts.c.partition, inbox_parts.c.guid],
            set_={"done_at": insert.excluded.done_at},
            where=inbox_parts.c.done_at.is_(None),
        )
        done = self._execute(statement.returning(inbox_parts.c.guid)).scalars().all()
        if len(done) != len(rows):
            again = sorted({m.guid for m in rows} - set(done))
            raise DuplicateMessage(f"parts already cleared in partition {self._partition}: {again}")

    def buyer_totals(self, buyers: Collection[str], year: int) -> dict[str, Decimal]:
        """The totals, each buyer's row locked to commit (created at 0 when missing), in key
        order: another partition reading one of them waits until this one has added to it."""
        if not self._postgres or not buyers:
            return super().buyer_totals(buyers, year)
        wanted = sorted(set(buyers))
        self._execute(
            _ZERO_TOTALS.bindparams(bindparam("buyers", wanted, type_=_TEXT_ARRAY), year=year)
        )
        query = (
            select(buyer_totals.c.buyer, buyer_totals.c.total)
            .where(
                buyer_totals.c.year == year,
                buyer_totals.c.buyer == any_(bindparam("wanted", wanted, type_=_TEXT_ARRAY)),
            )
            .order_by(buyer_totals.c.buyer)
            .with_for_update()
        )
        return {row.buyer: row.total for row in self._execute(query)}

    def next_numbers(self, series: str, count: int) -> int:
        """``count`` consecutive numbers from this partition's block of ``series``; a new
        block (at least ``BLOCK``) is reserved when it has not that many left (the rest of the
        old one is not used)."""
        if not self._postgres:
            return super().next_numbers(series, count)
        return take_numbers(self.connection, self._engine, self._partition, series, count)


class _LockingLifecycleRecords(SqlLifecycleRecords):
    """The lifecycle records of a partition on PostgreSQL: an agent's guarantee and a bonded
    item's balance are read under a lock held to commit (other partitions use them too)."""

    def guarantee(self, agent: str) -> Guarantee | None:
        row = self._connection.execute(
            select(guarantees).where(guarantees.c.agent == agent).with_for_update()
        ).first()
        return None if row is None else Guarantee(agent=row.agent, amount=row.amount, used=row.used)

    def _locked(self, query: Any) -> Any:
        # ordered by agent (``guarantees``): every partition locks in the same order
        return self._connection.execute(query.with_for_update())

    def stock_balances(self, items: Collection[tuple[str, str]]) -> dict[tuple[str, str], Decimal]:
        for ems_no, item in sorted(set(items)):
            self._connection.execute(_LOCK_ITEM, {"item": f"{ems_no}|{item}"})
        return super().stock_balances(items)


# --- the inbox -------------------------------------------------------------------------------


class InboxUnitOfWork(SqlUnitOfWork):
    """The transaction that records messages in the inbox: no clearance lock (it decides
    nothing), the filing claims and the ``messages`` rows joined to it."""

    def add_inbox(self, entries: Sequence[InboxEntry], at: datetime) -> None:
        if not entries:
            return
        self._execute(
            inbox.insert(),
            [
                {"guid": e.guid, "digest": e.digest, "received_at": e.received_at,
                 "parts": len(e.partitions), "body": e.body}
                for e in entries
            ],
        )  # fmt: skip
        self._execute(
            inbox_parts.insert(),
            [
                {"partition": p, "guid": e.guid, "digest": e.digest, "created_at": at}
                for e in entries
                for p in e.partitions
            ],
        )


class SqlInbox:
    """``cbec.partitioned.Inbox`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[InboxUnitOfWork]:
        with self.engine.connect() as connection:
            transaction = connection.begin()
            try:
                yield InboxUnitOfWork(connection, transaction)
            finally:
                if transaction.is_active:
                    transaction.rollback()

    def pending(self, guids: Collection[str]) -> dict[str, list[int]]:
        # not an export message's answer row (partition -1): its filer's, not a part
        query = select(inbox_parts.c.guid, inbox_parts.c.partition).where(
            inbox_parts.c.done_at.is_(None), inbox_parts.c.partition >= 0
        )
        found: dict[str, list[int]] = {}
        for row in self._rows_in(query, inbox_parts.c.guid, guids):
            found.setdefault(row.guid, []).append(row.partition)
        return found

    def stale(self, before: datetime, limit: int, *, export: bool = False) -> list[str]:
        """Import's entries with a part left waiting (``export``: export's, whose parts
        ``export.partitioned`` clears)."""
        exported = inbox_parts.c.guid.startswith(EXPORT_ENTRY)
        query = (
            select(inbox_parts.c.guid)
            .where(
                inbox_parts.c.done_at.is_(None),
                inbox_parts.c.created_at < before,
                exported if export else ~exported,
            )
            .order_by(inbox_parts.c.created_at)
            .limit(limit)
        )
        with reader(self.engine) as connection:
            return list(dict.fromkeys(connection.execute(query).scalars()))

    def bodies(self, guids: Collection[str]) -> dict[str, bytes]:
        query = select(inbox.c.guid, inbox.c.body)
        return {row.guid: bytes(row.body) for row in self._rows_in(query, inbox.c.guid, guids)}

    def refusals(self, guids: Collection[str]) -> dict[str, bytes]:
        query = select(inbox_parts.c.guid, inbox_parts.c.refused).where(
            inbox_parts.c.refused.is_not(None)
        )
        return {
            row.guid: bytes(row.refused) for row in self._rows_in(query, inbox_parts.c.guid, guids)
        }

    def receipts(self, guids: Collection[str]) -> list[ReceiptRecord]:
        with self.engine.connect() as connection:
            connection.execution_options(**{READ_ONLY: True})
            transaction = connection.begin()
            try:
                return SqlUnitOfWork(connection, transaction).receipts_for_messages(guids)
            finally:
                transaction.rollback()

    def refuse_part(self, partition: int, guid: str, refused: bytes, at: datetime) -> None:
        """The part was refused (another party filed one of its documents meanwhile): done,
        with why, unless it was done already."""
        with writer(self.engine) as connection:
            connection.execute(
                update(inbox_parts)
                .where(
                    inbox_parts.c.partition == partition,
                    inbox_parts.c.guid == guid,
                    inbox_parts.c.done_at.is_(None),
                )
                .values(done_at=at, refused=refused)
            )

    def _rows_in(self, query: Any, column: Any, values: Collection[str]) -> list[Any]:
        wanted = sorted(set(values))
        if not wanted:
            return []
        rows: list[Any] = []
        with reader(self.engine) as connection:
            for start in range(0, len(wanted), 500):
                rows.extend(
                    connection.execute(query.where(column.in_(wanted[start : start + 500])))
                )
        return rows
