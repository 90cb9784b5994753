"""What the export use cases need from outside (implemented in ``store/export``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, Protocol

from tradewindow.export.flow import Status
from tradewindow.export.model import Addressed, ExportAnswer, ExportList, SummaryRecord
from tradewindow.export.warehouses import Warehouse
from tradewindow.transaction import Transaction


class ExportRecords(Transaction, Protocol):
    """The export records inside one transaction (other capabilities' writes may join it:
    the agencies' tasks of a list)."""

    def answer(self, message_guid: str) -> tuple[str, ExportAnswer] | None:
        """The (sender, answer) a message of this guid was given, if one was filed."""
        ...

    def record_answer(
        self, message_guid: str, message_type: str, sender: str, answer: ExportAnswer
    ) -> None: ...

    def add_receipts(self, found: list[Addressed], at: datetime) -> None:
        """Keep receipts for the parties they are addressed to."""
        ...

    def receipts_for(self, party_id: str, after: int, limit: int) -> list[tuple[int, Addressed]]:
        """A party's receipts with ids above ``after``, oldest first, at most ``limit``."""
        ...

    def document(self, kind: str, key: str) -> tuple[str, bytes] | None:
        """(owner, JSON body) of an order, receipt of payment or waybill on file."""
        ...

    def put_document(self, kind: str, key: str, owner: str, body: bytes) -> None: ...

    def lock_waybills(self, keys: Sequence[str]) -> None:
        """Hold these waybill keys (sorted) to commit against other partitions' units of work
        (``export.partitions``); nothing to do where the unit of work excludes all others."""
        ...

    def list_by_order(self, order_key: str) -> ExportList | None: ...

    def list_by_invt_no(self, invt_no: str) -> ExportList | None: ...

    def list_by_waybill(self, waybill_key: str) -> ExportList | None: ...

    def waiting_lists(self, *, order_key: str | None, waybill_key: str | None) -> list[ExportList]:
        """Lists waiting for documents under either key."""
        ...

    def waiting_for_agency(self, agency: str) -> list[ExportList]:
        """Accepted lists, not departed or cancelled, still waiting for ``agency``."""
        ...

    def save_list(self, record: ExportList) -> None:
        """Insert or replace the list of ``record.order_key``."""
        ...

    def next_number(self, series: str) -> int: ...

    def add_early_arrival(self, waybill_key: str) -> None: ...

    def take_early_arrival(self, waybill_key: str) -> bool:
        """Whether an arrival was recorded for this parcel before its list; forgets it."""
        ...

    def link(self, bill_no: str, waybill_key: str, invt_no: str) -> None: ...

    def lists_on_bill(self, bill_no: str) -> list[ExportList]: ...

    def departed_lists(self, ebc_code: str, start: date, end: date) -> list[ExportList]:
        """Departed, unsummarised lists of a consignor that left between start and end
        (inclusive)."""
        ...

    def save_summary(self, record: SummaryRecord) -> None: ...

    def summary(self, sum_no: str) -> SummaryRecord | None: ...

    def add_warehouse(self, warehouse: Warehouse) -> None: ...

    def replace_warehouse(self, warehouse: Warehouse) -> None: ...

    def lists_of(
        self, owner: str, ebc_codes: Sequence[str], *, limit: int, status: Status | None = None
    ) -> list[ExportList]:
        """The lists ``owner`` filed or that name one of ``ebc_codes`` as consignor, newest
        filed first (the portal's own lists)."""
        ...

    def warehouses_of(self, enterprise_code: str) -> list[Warehouse]:
        """The overseas warehouses an enterprise registered."""
        ...

    def unsummarised(self, ebc_code: str | None = None) -> list[ExportList]:
        """Departed lists not yet in a summary (of one consignor, or of every one)."""
        ...

    def warehouse(self, enterprise_code: str, warehouse_code: str) -> Warehouse | None: ...


class ExportStore(Protocol):
    def writing(self) -> AbstractContextManager[ExportRecords]: ...

    def reading(self) -> AbstractContextManager[ExportRecords]: ...


class ExportGate(Protocol):
    """The agencies' desk as export clearance needs it (``agencies.export_gate``): a list's
    tasks and notices, and the decisions taken on them, in the export transaction."""

    def route(
        self,
        transaction: Transaction,
        filing: str,
        documents: Mapping[str, Mapping[str, Any]],
        agencies: frozenset[str],
        at: datetime,
    ) -> None:
        """A task of ``filing`` for each of ``agencies``, a notice for each agency the policy
        informs of its ``documents`` (wire JSON by kind)."""
        ...

    def decided(self, transaction: Transaction, filing: str) -> tuple[set[str], set[str]]:
        """(the agencies that released ``filing``, those that refused it) by their tasks."""
        ...

    def decide(
        self,
        transaction: Transaction,
        filing: str,
        agency: str,
        release: bool,
        officer: str,
        at: datetime,
    ) -> None:
        """Conclude ``agency``'s task of ``filing`` if it is still open."""
        ...

    def withdraw(self, transaction: Transaction, filing: str, reason: str, at: datetime) -> None:
        """The list of ``filing`` was cancelled: each agency's open task is closed with
        ``reason``; an agency whose officer holds the task is given a notice instead."""
        ...
