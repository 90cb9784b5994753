"""What the CBEC clearance service needs from the outside world, as Protocols.

``store/`` implements these over SQLAlchemy Core (SQLite by default, PostgreSQL in
production); tests may use the same implementation on a temporary SQLite file. Records are
plain msgspec Structs so adapters never see domain logic and the core never sees SQL.

(Over 400 lines: the records and Protocols of the clearance unit of work; an adapter implements
them together, so it reads them together.)
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from decimal import Decimal
from typing import Protocol

import msgspec

from tradewindow.cbec.documents import Message
from tradewindow.transaction import Part, Transaction
from tradewindow.violations import Violation


class DocKind(enum.StrEnum):
    ORDER = "order"
    PAYMENT = "payment"
    WAYBILL = "waybill"
    INVENTORY = "inventory"
    CANCEL = "cancel"  # CEB623 撤销申请单
    REFUND = "refund"  # CEB625 退货申请单
    WAYBILL_STATUS = "waybill_status"  # CEB513 运单状态
    DELIVERY = "delivery"  # CEB711 入库明细单


class DocStatus(enum.StrEnum):
    """Where a stored document is in its life (the platform's view, not a CEB code)."""

    ACCEPTED = "accepted"  # order / payment / waybill on file, usable for matching
    WAITING = "waiting"  # inventory accepted, companions not all here yet
    RETURNED = "returned"  # refused (100); may be re-declared with appType 2
    REVIEW = "review"  # manual review (300)
    INSPECTION = "inspection"  # selected for inspection (500)
    RELEASED = "released"  # released (800)
    AGENCIES = "agencies"  # customs concluded (399); other agencies still to decide
    DELETED = "deleted"  # withdrawn by appType 3
    CANCELLED = "cancelled"  # a list withdrawn by an accepted CEB623 cancellation
    PENDING = "pending"  # a return (CEB625) waiting for a customs officer's decision


class MessageRecord(msgspec.Struct, frozen=True, kw_only=True):
    guid: str
    message_type: str
    sender: str
    digest: str  # sha256 hex of the exact bytes received
    received_at: datetime
    document_count: int


class StoredDocument(msgspec.Struct, kw_only=True):
    """One business document as stored: key columns for lookups plus its JSON body."""

    kind: DocKind
    key: str  # identity: order/payment "ebpCode|orderNo", waybill "logisticsCode|logisticsNo",
    #           inventory "ebpCode|orderNo"
    status: DocStatus
    order_ref: str | None = None  # "ebpCode|orderNo" this document belongs to
    waybill_ref: str | None = None  # inventory only: "logisticsCode|logisticsNo"
    buyer: str | None = None  # inventory only: buyer ID number (for the annual quota)
    invt_no: str | None = None  # inventory only: the customs list number once accepted
    message_guid: str  # the message that last declared it
    version: int = 1  # 1 on first declaration, +1 on each accepted modification
    body: bytes  # msgspec JSON of the document (Order, Payment, Waybill or Inventory)
    received_at: datetime
    updated_at: datetime
    # the orderNo it carries (the partition key, docs/scaling.md); "" for a parcel's status
    # or delivery, which name no order
    order_no: str = ""


class ReceiptRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One document's receipt (OrderReturn, …, InventoryReturn, or a TaxBill)."""

    receipt_type: str  # CEB312 / CEB412 / CEB512 / CEB622 / CEB816 / CEB900
    kind: str  # DocKind value, or "message" for a CEB900
    doc_key: str
    message_guid: str  # the incoming message whose processing produced this receipt
    status: str  # returnStatus (or the tax bill status)
    created_at: datetime
    body: bytes  # msgspec JSON of the receipt struct
    seq: int = 0  # order within the message's answer, for stable re-delivery
    # the stable codes of the rules a returned (100) document was refused for, first met
    # first, as its returnInfo summarises them; empty for any other receipt, and for a return
    # that no coded rule made (an agency's refusal: its reason is the officer's text)
    codes: tuple[str, ...] = ()
    order_no: str = ""  # the orderNo of its document (the partition key); "" for a CEB900


class TaxBillRecord(msgspec.Struct, frozen=True, kw_only=True):
    tax_no: str
    invt_no: str
    doc_key: str
    buyer: str
    customs_tax: Decimal
    value_added_tax: Decimal
    consumption_tax: Decimal
    created_at: datetime
    body: bytes  # msgspec JSON of the TaxBill


class UnitOfWork(Transaction, Protocol):
    """One transaction. Nothing is visible to others, nor durable, before ``commit``. Other
    capabilities' writes join it as parts (``uow.part(…)``, see ``tradewindow.transaction``)."""

    def message_digests(self, guids: Collection[str]) -> dict[str, str]: ...

    def add_messages(self, rows: Sequence[MessageRecord]) -> None: ...

    def documents(self, kind: DocKind, keys: Collection[str]) -> dict[str, StoredDocument]: ...

    def waiting_inventories(
        self, order_refs: Collection[str], waybill_refs: Collection[str]
    ) -> list[StoredDocument]: ...

    def expired_waiting(self, received_before: datetime, limit: int) -> list[StoredDocument]: ...

    def insert_documents(self, docs: Sequence[StoredDocument]) -> None: ...

    def update_documents(self, docs: Sequence[StoredDocument]) -> None: ...

    def buyer_totals(self, buyers: Collection[str], year: int) -> dict[str, Decimal]: ...

    def add_buyer_totals(self, increments: Mapping[tuple[str, int], Decimal]) -> None: ...

    def add_receipts(self, receipts: Sequence[ReceiptRecord]) -> None: ...

    def receipts_for_messages(self, guids: Collection[str]) -> list[ReceiptRecord]: ...

    def receipts_for_documents(self, keys: Collection[str]) -> list[ReceiptRecord]: ...

    def receipts_since(self, since: datetime, limit: int) -> list[ReceiptRecord]: ...

    def add_tax_bills(self, bills: Sequence[TaxBillRecord]) -> None: ...

    def next_numbers(self, series: str, count: int) -> int:
        """Reserve ``count`` consecutive numbers of ``series``; returns the first."""
        ...

    def commit(self) -> None: ...


class ClearanceStore(Protocol):
    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]: ...

    def status_counts(self) -> dict[tuple[str, str], int]:
        """(kind, status) → number of documents, for summaries and the status page."""
        ...

    def tax_total(self) -> Decimal: ...


class CodeTables(Protocol):
    """The reference code tables validation consults (implemented by ``reference``)."""

    def is_customs_country(self, code: str) -> bool:
        """A China Customs country (region) code, e.g. 142 China, 110 Hong Kong."""
        ...

    def is_customs_currency(self, code: str) -> bool:
        """A China Customs currency code, e.g. 142 CNY, 502 USD."""
        ...

    def is_customs_unit(self, code: str) -> bool:
        """A China Customs measurement unit code, e.g. 011 件 (piece), 035 千克 (kg)."""
        ...

    def is_customs_office(self, code: str) -> bool:
        """A 4-digit customs district or office code (关区代码), e.g. 5300 Shenzhen."""
        ...

    def is_trade_mode(self, code: str) -> bool:
        """A customs trade mode (监管方式) code, e.g. 9610, 1210."""
        ...

    def is_transport_mode(self, code: str) -> bool:
        """A customs transport mode (运输方式) code, one character, e.g. 5 air."""
        ...

    def is_wrap_type(self, code: str) -> bool:
        """A CEB package type (包装种类) code, one digit."""
        ...

    def crosses_border(self, transport_mode: str) -> bool:
        """The transport mode is a means of transport across the border (2 waterway … 6 post,
        9 other, G fixed installation, L passenger), not a kind of area such as W logistics
        centre, whose goods have no actual entry on this leg."""
        ...

    def is_hs_code(self, code: str) -> bool:
        """A China 10-digit commodity code whose 6-digit prefix is a real HS 2022 subheading."""
        ...


class GateOutcome(enum.StrEnum):
    RELEASED = "released"
    PENDING = "pending"
    HELD = "held"
    INSPECTION = "inspection"
    REFUSED = "refused"


class GateVerdict(msgspec.Struct, frozen=True, kw_only=True):
    """Where every agency that must decide on a list stands, combined."""

    outcome: GateOutcome
    info: str  # for the receipt's returnInfo: who decided what, or whom it waits for
    # the stable codes of the stops (e.g. agency.refuse), kept with a refused list's receipt
    codes: tuple[str, ...] = ()


class ReleaseGate(Protocol):
    """The single window's agencies between customs' conclusion and release.

    ``route`` is called, inside the clearance unit of work, once a list has passed matching,
    quota and tax: ``customs`` is the automated customs decision ("release",
    "manual_review" or "inspection") with its reason; the gate records it, creates the other
    required agencies' tasks and says where the list stands. ``verdict`` re-reads that after
    an agency decided. ``prepare`` names the lists about to be routed or re-read in this unit
    of work, before the first, so that the gate reads and writes them set-based.
    """

    def prepare(self, uow: UnitOfWork, keys: Collection[str]) -> None: ...

    def route(
        self,
        uow: UnitOfWork,
        key: str,
        documents: Mapping[str, msgspec.Struct],
        customs: str,
        reason: str,
    ) -> GateVerdict: ...

    def verdict(self, uow: UnitOfWork, key: str) -> GateVerdict: ...

    def review_return(
        self, uow: UnitOfWork, key: str, documents: Mapping[str, msgspec.Struct], at: datetime
    ) -> str | None:
        """A return (``key``: its own) applied for: None when it is accepted at once, else the
        agency whose officer must decide it (its task made in the unit of work); the decision
        is then read back with :meth:`verdict` of the same key."""
        ...

    def withdraw(self, uow: UnitOfWork, key: str, reason: str, at: datetime) -> list[str]:
        """The list was cancelled (CEB623): every agency with a task on it is told, in the
        unit of work — an open task closed with ``reason``, one an officer has in hand left
        to them with a notice. Returns the agencies told."""
        ...


class EvidenceItem(msgspec.Struct, frozen=True, kw_only=True):
    """One step to append to the tamper-evident log: an accepted message (the digest of its
    exact bytes and its signature) or a receipt (the digest of its body)."""

    kind: str  # "message_accepted" | "receipt" | "tax_bill"
    subjects: tuple[str, ...]  # message guid, document keys: what the step is about
    payload_digest: str  # sha256 hex
    actor: str  # who sent it (party or sender code), or "platform" for receipts
    signature: str | None = None


class EvidenceRecorder(Protocol):
    """Appends clearance steps to the evidence log inside the clearance unit of work."""

    def record(self, uow: UnitOfWork, items: Sequence[EvidenceItem], at: datetime) -> None: ...


DocRef = tuple[str, str]  # (DocKind value, key)


class Admission(Protocol):
    """Who may clear each message, judged inside the clearance unit of work by the caller
    that knows the sender (the filing use case's ownership claims): :meth:`refused` before
    anything is declared, :meth:`accepted` after, in the same transaction."""

    def refused(self, uow: UnitOfWork, messages: Sequence[Message]) -> dict[str, list[Violation]]:
        """guid → why the message may not be cleared (its guid or a document is another
        party's); messages not named are cleared."""
        ...

    def accepted(self, uow: UnitOfWork, accepted: Sequence[tuple[Message, list[DocRef]]]) -> None:
        """Each cleared message with the documents it stored (kind, key): not those refused,
        staged or answered without being stored."""
        ...


class ListDecided(msgspec.Struct, frozen=True, kw_only=True):
    """An inventory list reached a decision (published after the commit that made it)."""

    key: str  # "ebpCode|orderNo"
    invt_no: str | None
    status: DocStatus  # released, review, inspection, agencies or returned
    info: str
    at: datetime
    bill_no: str | None  # the transport document (提运单号) the goods travel under
    logistics_code: str
    logistics_no: str
    port_code: str
    # the enterprises the list names (platform, e-commerce enterprise, agent, logistics firm):
    # the parties to its shipment
    parties: tuple[str, ...] = ()


# --- after release: cancellations, returns, parcel events (cbec.lifecycle) -------------------


class ReturnedLine(msgspec.Struct, frozen=True, kw_only=True):
    """One line of a return applied for: what it takes off the list's released quantity, the
    buyer's annual total (``value``) and the tax bill (the three taxes), all ≥ 0."""

    refund_key: str  # the return application (DocKind.REFUND key)
    list_key: str  # the inventory list returned
    gnum: int
    qty: Decimal
    value: Decimal
    customs_tax: Decimal
    value_added_tax: Decimal
    consumption_tax: Decimal
    status: DocStatus  # RELEASED (accepted), PENDING (an officer decides) or RETURNED
    at: datetime


class TaxAdjustment(msgspec.Struct, frozen=True, kw_only=True):
    """A change to an issued tax bill: the amounts (≤ 0) added to it, and why."""

    tax_no: str
    list_key: str
    cause: str  # "cancel" | "return"
    ref_key: str  # the cancellation or return application
    customs_tax: Decimal
    value_added_tax: Decimal
    consumption_tax: Decimal
    at: datetime


class ParcelEvent(msgspec.Struct, frozen=True, kw_only=True):
    """A parcel (waybill) arrived into the supervised site (CEB711) or was signed for by the
    consignee (CEB513 status S: it has left the site)."""

    waybill_key: str
    kind: str  # "arrived" | "signed"
    at: datetime  # when it happened (logisticsTime for a signature, receipt time for arrival)
    ref_key: str  # the delivery or waybill status document
    recorded_at: datetime


class StockMove(msgspec.Struct, frozen=True, kw_only=True):
    """One move of a bonded account book's item (``cbec.bonded``)."""

    ems_no: str
    item: str  # itemRecordNo
    qty: Decimal  # > 0 in (entry, cancel, return), < 0 out (release)
    cause: str  # "entry" | "release" | "cancel" | "return"
    ref: str  # the source declaration (entry) or the list / return key
    at: datetime


class BillAgent(msgspec.Struct, frozen=True, kw_only=True):
    """Whose a released list's CEB816 bill is (``cbec.settlement``), and when it was issued."""

    tax_no: str
    list_key: str
    invt_no: str
    agent: str  # the list's assureCode: the withholding agent
    issued: Decimal  # the bill's total as issued
    released_at: datetime


class Guarantee(msgspec.Struct, frozen=True, kw_only=True):
    """An agent's tax guarantee: its amount, and what its unpaid bills use of it."""

    agent: str
    amount: Decimal
    used: Decimal


class LifecycleRecords(Protocol):
    """What happens to lists after they were declared, joined to the clearance unit of work
    as the part :data:`CBEC_LIFECYCLE`."""

    def released_at(self, list_keys: Collection[str]) -> dict[str, datetime]:
        """When each list was released (its first 800 receipt), for those released."""
        ...

    def tax_bills(self, list_keys: Collection[str]) -> dict[str, TaxBillRecord]:
        """The tax bill issued for each list, for those with one."""
        ...

    def adjustments(self, tax_nos: Collection[str]) -> list[TaxAdjustment]: ...

    def add_adjustments(self, rows: Sequence[TaxAdjustment]) -> None: ...

    def returned_lines(self, list_keys: Collection[str]) -> list[ReturnedLine]: ...

    def add_returned_lines(self, rows: Sequence[ReturnedLine]) -> None: ...

    def set_return_status(self, refund_key: str, status: DocStatus) -> None: ...

    def parcel_events(self, waybill_keys: Collection[str]) -> list[ParcelEvent]: ...

    def add_parcel_events(self, rows: Sequence[ParcelEvent]) -> None: ...

    def remove_parcel_events(self, waybill_key: str, kind: str) -> None: ...

    def stock_balances(self, items: Collection[tuple[str, str]]) -> dict[tuple[str, str], Decimal]:
        """The balance of each (emsNo, itemRecordNo) with moves on file."""
        ...

    def add_stock_moves(self, moves: Sequence[StockMove]) -> None: ...

    def released_refs(self, list_keys: Collection[str]) -> set[str]:
        """The lists among these whose release took stock (a release move on file)."""
        ...

    def kept_books(self, ems_nos: Collection[str]) -> set[str]:
        """The account books among these with any move on file."""
        ...

    def stock_moves(self, ems_no: str | None = None) -> list[StockMove]:
        """Every move (of one account book), in the order made."""
        ...

    def add_bill_agents(self, rows: Sequence[BillAgent]) -> None: ...

    def bill_agents(
        self, *, agent: str | None = None, tax_nos: Collection[str] | None = None
    ) -> list[BillAgent]: ...

    def guarantee(self, agent: str) -> Guarantee | None: ...

    def guarantees(self, agents: Collection[str]) -> dict[str, Guarantee]:
        """:meth:`guarantee` of many agents in one read (agents without one left out); on a
        partition, their rows locked in agent order."""
        ...

    def set_guarantee(self, agent: str, amount: Decimal, at: datetime) -> None: ...

    def use_guarantee(self, agent: str, delta: Decimal) -> None:
        """Add ``delta`` to what the agent's unpaid bills use (no guarantee on file: no-op)."""
        ...

    def use_guarantees(self, deltas: Mapping[str, Decimal]) -> None:
        """:meth:`use_guarantee` for many agents, in one statement (in agent order)."""
        ...

    def payments(self, tax_nos: Collection[str]) -> dict[str, Decimal]:
        """What was paid of each bill."""
        ...

    def payment(self, payment_id: str) -> tuple[str, str, Decimal, datetime] | None:
        """(taxNo, agent, amount, paid at) of a recorded payment."""
        ...

    def add_payment(
        self, payment_id: str, tax_no: str, agent: str, amount: Decimal, paid_at: datetime,
        at: datetime,
    ) -> None: ...  # fmt: skip

    def add_hold(self, list_key: str, agent: str, tax: Decimal, at: datetime) -> None: ...

    def holds(self, agent: str) -> list[str]:
        """The lists held for the agent's guarantee, oldest first."""
        ...

    def remove_hold(self, list_key: str) -> None: ...

    def list_of_parcel(self, waybill_key: str) -> str | None:
        """The key of the newest inventory list naming this waybill, if any."""
        ...


CBEC_LIFECYCLE: Part[LifecycleRecords] = Part("cbec.lifecycle")


class ParcelNoted(msgspec.Struct, frozen=True, kw_only=True):
    """A parcel arrived at the supervised site (CEB711) or was signed for by its consignee
    (CEB513): published after the commit that recorded it, for the logistics timeline."""

    logistics_code: str
    logistics_no: str
    kind: str  # "arrived" | "signed"
    at: datetime
    bill_no: str | None  # the master bill the parcel travels under, when known
    parties: tuple[str, ...] = ()  # the codes of the firms that follow it
