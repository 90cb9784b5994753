"""``SqlStore``: the clearance store over SQLite or PostgreSQL (see ``cbec.ports``), and the
door to every other capability's storage over the same database (``store.parties`` …)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import cached_property

from sqlalchemy import Connection, Engine, func, select, text, type_coerce

from tradewindow.logistics.services import LogisticsRecords
from tradewindow.store.agencies import SqlAgencyStore
from tradewindow.store.analytics import SqlLakeSource
from tradewindow.store.engine import READ_ONLY, create_store_engine, migrate_engine
from tradewindow.store.evidence import SqlEvidenceStore
from tradewindow.store.export import SqlExportStore
from tradewindow.store.logistics import open_records as open_logistics_records
from tradewindow.store.parties import SqlPartyStore
from tradewindow.store.procurement import SqlProcurementStore
from tradewindow.store.schema import documents, tax_bills
from tradewindow.store.services import SqlRecognitionStore, SqlRegistryStore
from tradewindow.store.types import Money, exact_money
from tradewindow.store.unit_of_work import SqlUnitOfWork

# pg_advisory_xact_lock key of the clearance units of work (any fixed 64-bit number; this is
# the first 8 bytes of sha256("tradewindow.agencies") read as a signed integer)
CLEARANCE_LOCK = 0x77A839F9E4D54B95


class SqlStore:
    """A ``ClearanceStore``. Thread-safe: each unit of work takes its own pooled connection.

    Units of work run one at a time per database, on PostgreSQL as on SQLite (where
    ``BEGIN IMMEDIATE`` already orders them). Clearance reads one party's document and writes
    after reading another's: a list waits for a payment and a waybill that two processes may
    store at the same moment, and a buyer's annual total is read before two lists of the same
    buyer add to it. Under READ COMMITTED two such transactions would each miss the other's
    uncommitted half — a list left waiting with every companion on file, a quota passed
    twice. So each unit of work first takes one transaction-scoped advisory lock. (Batches
    carrying a list were already serialised by the number series row they reserve from.)
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # the other capabilities' storage over the same database (their ports' adapters)

    @cached_property
    def agencies(self) -> SqlAgencyStore:
        """The agencies' tasks and notices (``agencies.ports.AgencyStore``)."""
        return SqlAgencyStore(self.engine)

    @cached_property
    def parties(self) -> SqlPartyStore:
        """The party and commission registries' records (``parties.ports.PartyStore``)."""
        return SqlPartyStore(self.engine)

    @cached_property
    def evidence(self) -> SqlEvidenceStore:
        """The evidence chain (``evidence.ports.EvidenceStore``)."""
        return SqlEvidenceStore(self.engine)

    @cached_property
    def procurement(self) -> SqlProcurementStore:
        """Market procurement (``procurement.ports.ProcurementStore``)."""
        return SqlProcurementStore(self.engine)

    @cached_property
    def export(self) -> SqlExportStore:
        """CBEC export (``export.ports.ExportStore``)."""
        return SqlExportStore(self.engine)

    @cached_property
    def lake_source(self) -> SqlLakeSource:
        """What the statistics lake reads (``analytics.ports.LakeSource``)."""
        return SqlLakeSource(self.engine)

    @cached_property
    def logistics(self) -> LogisticsRecords:
        """Track & Trace events, subscriptions and callbacks (``logistics.ports``)."""
        return open_logistics_records(self.engine)

    @cached_property
    def rule_registry(self) -> SqlRegistryStore:
        """The rule-integration registry (``services.ports.RegistryStore``)."""
        return SqlRegistryStore(self.engine)

    @cached_property
    def recognitions(self) -> SqlRecognitionStore:
        """Qualification recognition (``services.ports.RecognitionStore``)."""
        return SqlRecognitionStore(self.engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self) -> Iterator[SqlUnitOfWork]:
        """One transaction; leaving the block without ``commit()`` rolls it back."""
        with self.engine.connect() as connection:
            transaction = connection.begin()
            try:
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLEARANCE_LOCK}
                    )
                yield SqlUnitOfWork(connection, transaction)
            finally:
                if transaction.is_active:
                    transaction.rollback()

    def status_counts(self) -> dict[tuple[str, str], int]:
        query = select(documents.c.kind, documents.c.status, func.count()).group_by(
            documents.c.kind, documents.c.status
        )
        with self._reader() as connection:
            return {(kind, status): count for kind, status, count in connection.execute(query)}

    def tax_total(self) -> Decimal:
        """Customs duty + VAT + consumption tax over every stored tax bill."""
        amount = tax_bills.c.customs_tax + tax_bills.c.value_added_tax + tax_bills.c.consumption_tax
        query = select(type_coerce(func.coalesce(func.sum(amount), 0), Money()))
        with self._reader() as connection:
            total: Decimal = connection.execute(query).scalar_one()
        return exact_money(total)  # 0.00000 on both databases when there are no bills

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _reader(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(**{READ_ONLY: True})
            yield connection


def open_store(url: str) -> SqlStore:
    """Open (and migrate to the newest schema) the store at a ``sqlite:`` or
    ``postgresql://`` URL."""
    engine = create_store_engine(url)
    migrate_engine(engine)
    return SqlStore(engine)
