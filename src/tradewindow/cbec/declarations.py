"""Declaring documents against the stored state, and the batch that carries it.

appType rules (spec 202205 tables 3-x; error codes -301009/-301010/-301011, -401006/-401007,
-504014/-504015, -621004/-621011/-621012):

- ``1`` new: refused as a duplicate while a live document has the same key; a document that was
  returned or deleted may be declared anew.
- ``2`` change: the document must exist; an order or payment whose inventory list is already
  decided (released, in review, under inspection) cannot change; a list may change only while
  it waits for companions or after it was returned.
- ``3`` delete: orders, payments and waybills may be withdrawn under the same lock; lists are
  cancelled with CEB623, never deleted by a CEB621.

A document with appStatus ``1`` (暂存, staged) is checked and answered with status 1 but not
declared: nothing is stored until the enterprise declares it (appStatus 2).

(Over 400 lines, and not for a good reason: ``Batch`` still holds four roles (the document
cache, the overlay of pending changes, the number allocator and the receipt builder). Issue 9
asks for it to be split into them; that is not done yet.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec

from tradewindow.cbec import answers
from tradewindow.cbec.bonded import StockBook
from tradewindow.cbec.documents import (
    IMPORT_MESSAGES,
    AppType,
    Document,
    ImportMessage,
    Inventory,
    InvtCancel,
    InvtRefund,
    LifecycleDocument,
    Message,
    Order,
    Payment,
    Waybill,
)
from tradewindow.cbec.keys import identity, kind_of, list_key, order_key, waybill_key
from tradewindow.cbec.ports import (
    DocKind,
    DocStatus,
    EvidenceItem,
    ListDecided,
    ParcelNoted,
    ReceiptRecord,
    StoredDocument,
    TaxBillRecord,
    UnitOfWork,
)
from tradewindow.cbec.receipts import ReturnStatus, TaxBill
from tradewindow.cbec.rules import MessageCheck
from tradewindow.cbec.settlement import GuaranteeBook
from tradewindow.violations import Violation, codes_of, summarise

_DECODERS: dict[DocKind, msgspec.json.Decoder[Any]] = {
    DocKind.ORDER: msgspec.json.Decoder(Order),
    DocKind.PAYMENT: msgspec.json.Decoder(Payment),
    DocKind.WAYBILL: msgspec.json.Decoder(Waybill),
    DocKind.INVENTORY: msgspec.json.Decoder(Inventory),
}
_encode = msgspec.json.Encoder().encode
_DECIDED = (DocStatus.RELEASED, DocStatus.REVIEW, DocStatus.INSPECTION)
_LIVE = (DocStatus.ACCEPTED, DocStatus.WAITING, *_DECIDED)
_PREFIX = {DocKind.ORDER: "CEB311", DocKind.PAYMENT: "CEB411", DocKind.WAYBILL: "CEB511"}
_PREFIX[DocKind.INVENTORY] = "CEB621"


class Batch:
    """The state one unit of work reads and changes, written back once by :meth:`flush`."""

    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self.uow = uow
        self.now = now
        self.receipts: list[ReceiptRecord] = []
        self.tax_bills: list[TaxBillRecord] = []
        self.buyer_increments: dict[tuple[str, int], Decimal] = {}
        self.to_decide: dict[str, str] = {}  # inventory key → guid of the message that woke it
        self.declared_now: set[str] = set()  # inventory keys (re)declared in this batch
        self.decided: list[ListDecided] = []  # lists that reached a decision, for after commit
        self._stored: dict[tuple[DocKind, str], StoredDocument | None] = {}
        self._objects: dict[tuple[DocKind, str], Document] = {}
        self._new: dict[tuple[DocKind, str], StoredDocument] = {}
        self._dirty: dict[tuple[DocKind, str], StoredDocument] = {}
        self._numbers: dict[str, list[int]] = {}
        self._waiting_by_waybill: dict[str, set[str]] = {}
        self.effects: list[EvidenceItem] = []  # what lifecycle documents did, for the log
        self.noted: list[ParcelNoted] = []  # parcels arrived or signed for, for after commit
        self._stock: StockBook | None = None
        self._guarantees: GuaranteeBook | None = None

    # --- reading ---------------------------------------------------------------------------

    def prefetch(self, messages: Sequence[Message]) -> None:
        """Load, in a few queries, every stored document this batch may touch."""
        wanted: dict[DocKind, set[str]] = {kind: set() for kind in DocKind}
        order_refs: set[str] = set()
        waybill_refs: set[str] = set()
        inventories_per_series: dict[str, int] = {}
        for message in messages:
            if not isinstance(message, IMPORT_MESSAGES):
                continue  # documents after release: cbec.lifecycle prefetches its own
            for document in message.documents:
                kind, key = kind_of(document), identity(document)
                wanted[kind].add(key)
                if isinstance(document, Inventory):
                    head = document.head
                    wanted[DocKind.ORDER].add(key)
                    wanted[DocKind.PAYMENT].add(key)
                    wanted[DocKind.WAYBILL].add(waybill_key(head.logistics_code, head.logistics_no))
                    series = _invt_series(document)
                    inventories_per_series[series] = inventories_per_series.get(series, 0) + 1
                elif isinstance(document, Waybill):
                    waybill_refs.add(key)
                else:
                    order_refs.add(key)
                    wanted[DocKind.INVENTORY].add(key)
        for kind, keys in wanted.items():
            found = self.uow.documents(kind, keys) if keys else {}
            for key in keys:
                self._remember(kind, key, found.get(key))
        if order_refs or waybill_refs:
            waiting = self.uow.waiting_inventories(order_refs, waybill_refs)
            for stored in waiting:
                self._remember(DocKind.INVENTORY, stored.key, stored)
            self._prefetch_companions(waiting)
        total = sum(inventories_per_series.values())
        if total:
            first = self.uow.next_numbers("preNo", total)
            self._numbers["preNo"] = list(range(first + total - 1, first - 1, -1))
        for series, count in inventories_per_series.items():
            first = self.uow.next_numbers(series, count)
            self._numbers[series] = list(range(first + count - 1, first - 1, -1))

    def _prefetch_companions(self, inventories: list[StoredDocument]) -> None:
        """Load the companions of lists woken by this batch that it did not bring."""
        wanted: dict[DocKind, set[str]] = {kind: set() for kind in DocKind}
        for stored in inventories:
            for kind, ref in (
                (DocKind.ORDER, stored.order_ref),
                (DocKind.PAYMENT, stored.order_ref),
                (DocKind.WAYBILL, stored.waybill_ref),
            ):
                if ref is not None and (kind, ref) not in self._stored:
                    wanted[kind].add(ref)
        for kind, keys in wanted.items():
            if keys:
                found = self.uow.documents(kind, keys)
                for key in keys:
                    self._remember(kind, key, found.get(key))

    def _remember(self, kind: DocKind, key: str, stored: StoredDocument | None) -> None:
        self._stored[(kind, key)] = stored
        if stored is not None and stored.status is DocStatus.WAITING and stored.waybill_ref:
            self._waiting_by_waybill.setdefault(stored.waybill_ref, set()).add(key)

    def remember(self, kind: DocKind, key: str, stored: StoredDocument | None) -> None:
        """Take ``stored`` (read by the caller, None: not on file) as the state of ``key``,
        unless this batch already holds it."""
        if (kind, key) not in self._stored:
            self._remember(kind, key, stored)

    def live_or_any(self, kind: DocKind, key: str) -> Document | None:
        """The document on file under ``key`` whatever its status, except deleted."""
        stored = self.stored(kind, key)
        if stored is None or stored.status is DocStatus.DELETED:
            return None
        return self.document(stored)

    def keep(self, document: LifecycleDocument, status: DocStatus, message_guid: str) -> None:
        """Store a document filed after release (a cancellation, return, status, delivery)
        under its key, replacing one there."""
        kind, key = kind_of(document), identity(document)
        existing = self.stored(kind, key)
        stored = _stored_document(document, status, message_guid, self.now)
        if existing is None:
            self._new[(kind, key)] = stored
        else:
            stored.version = existing.version + 1
            stored.received_at = existing.received_at
            if (kind, key) in self._new:
                self._new[(kind, key)] = stored
            else:
                self._dirty[(kind, key)] = stored
        self._remember(kind, key, stored)

    def stock(self) -> StockBook:
        """The bonded account books this unit of work reads and moves (made when needed)."""
        if self._stock is None:
            self._stock = StockBook(self.uow)
        return self._stock

    def guarantees(self) -> GuaranteeBook:
        """The tax guarantees this unit of work reads and uses (made when needed)."""
        if self._guarantees is None:
            self._guarantees = GuaranteeBook(self.uow)
        return self._guarantees

    def take(self, series: str) -> int:
        """The next number of ``series`` (reserved in this unit of work)."""
        return self._take(series)

    def stored(self, kind: DocKind, key: str) -> StoredDocument | None:
        if (kind, key) not in self._stored:
            found = self.uow.documents(kind, [key])
            self._remember(kind, key, found.get(key))
        return self._stored[(kind, key)]

    def live(self, kind: DocKind, key: str) -> Document | None:
        """The document on file under ``key`` if it is live (not returned nor deleted)."""
        stored = self.stored(kind, key)
        if stored is None or stored.status not in _LIVE:
            return None
        return self.document(stored)

    def companions(
        self, inventory: Inventory
    ) -> tuple[Order | None, Payment | None, Waybill | None]:
        """The live order, payment and waybill a list refers to (None where not on file)."""
        head = inventory.head
        key = order_key(head.ebp_code, head.order_no)
        order = self.live(DocKind.ORDER, key)
        payment = self.live(DocKind.PAYMENT, key)
        waybill = self.live(DocKind.WAYBILL, waybill_key(head.logistics_code, head.logistics_no))
        return (
            order if isinstance(order, Order) else None,
            payment if isinstance(payment, Payment) else None,
            waybill if isinstance(waybill, Waybill) else None,
        )

    def document(self, stored: StoredDocument) -> Document:
        """The import document stored (an order, payment, waybill or list)."""
        ident = (stored.kind, stored.key)
        if ident not in self._objects:
            self._objects[ident] = _DECODERS[stored.kind].decode(stored.body)
        return self._objects[ident]

    # --- declaring -------------------------------------------------------------------------

    def declare(
        self, message: ImportMessage, check: MessageCheck, positions: Sequence[int] | None = None
    ) -> None:
        """Declare each document of ``message`` (``positions``: where each stood in the
        message the sender filed, when this is a partition's part of it)."""
        documents: Sequence[Document] = message.documents
        for index, document in enumerate(documents):
            violations = [*check.message, *check.documents.get(index, [])]
            place = positions[index] if positions is not None else index
            prefix = f"{type(document).element}[{place + 1}]"  # refusals' own paths
            if violations:
                if isinstance(document, Inventory):
                    document = self._numbered(document)
                self.refuse(document, violations, message.guid)
                continue
            refusal = self._refusal(document)
            if refusal is not None:
                if isinstance(document, Inventory):
                    document = self._numbered(document)
                self.refuse(document, [refusal.at(prefix)], message.guid)
                continue
            if document.head.app_status == "1":
                if isinstance(document, Inventory):
                    document = self._numbered(document)
                self.answer(
                    document, ReturnStatus.STAGED, "staged, not declared / 已暂存", message.guid
                )
                continue
            self._apply(document, message.guid)

    def _refusal(self, document: Document) -> Violation | None:
        kind, key = kind_of(document), identity(document)
        existing = self.stored(kind, key)
        live = existing is not None and existing.status in _LIVE
        app_type = document.head.app_type
        code = _PREFIX[kind]
        if app_type == AppType.NEW:
            if live:
                return _violation(
                    f"{code}.appType.duplicate",
                    "a document with this key is already declared; use appType 2 to change it",
                    "已存在相同编号的单证，变更请使用报送类型2",
                )
            return None
        if existing is None or existing.status is DocStatus.DELETED:
            return _violation(
                f"{code}.appType.not_found",
                "there is no declared document with this key to change or delete",
                "未找到要变更或删除的单证",
            )
        if kind is DocKind.INVENTORY:
            if app_type == AppType.DELETE:
                return _violation(
                    f"{code}.appType.delete_not_allowed",
                    "an inventory list is withdrawn with a CEB623 cancellation, not deleted",
                    "清单不能删除，请使用撤销申请单(CEB623)",
                )
            if existing is not None and existing.status in _DECIDED:
                return _violation(
                    f"{code}.appType.locked",
                    "the list is already decided and cannot change",
                    "清单状态不符合改单申报的条件",
                )
            return None
        if kind in (DocKind.ORDER, DocKind.PAYMENT):
            inventory = self.stored(DocKind.INVENTORY, key)
            if inventory is not None and inventory.status in _DECIDED:
                return _violation(
                    f"{code}.appType.locked",
                    "its inventory list is already decided",
                    "该单证已向海关申报清单，状态不符",
                )
        return None

    def _apply(self, document: Document, message_guid: str) -> None:
        kind, key = kind_of(document), identity(document)
        existing = self.stored(kind, key)
        if document.head.app_type == AppType.DELETE and existing is not None:
            existing.status = DocStatus.DELETED
            existing.message_guid = message_guid
            existing.updated_at = self.now
            self._dirty[(kind, key)] = existing
            self._objects.pop((kind, key), None)
            self.answer(document, ReturnStatus.ACCEPTED, "deleted / 已删除", message_guid)
            return
        if isinstance(document, Inventory):
            document = self._numbered(document)
            self.to_decide[key] = message_guid
            self.declared_now.add(key)
        status = DocStatus.WAITING if kind is DocKind.INVENTORY else DocStatus.ACCEPTED
        stored = _stored_document(document, status, message_guid, self.now)
        if existing is None:
            self._new[(kind, key)] = stored
        else:
            stored.version = existing.version + 1
            stored.received_at = existing.received_at if status is DocStatus.ACCEPTED else self.now
            self._dirty[(kind, key)] = stored
        self._remember(kind, key, stored)
        self._objects[(kind, key)] = document
        if kind is not DocKind.INVENTORY:
            self.answer(document, ReturnStatus.ACCEPTED, "accepted / 海关入库", message_guid)
            self._wake(document, message_guid)

    def _wake(self, document: Document, message_guid: str) -> None:
        """A companion arrived: every list waiting for it is decided again."""
        if isinstance(document, Waybill):
            for key in self._waiting_by_waybill.get(identity(document), ()):
                stored = self._stored.get((DocKind.INVENTORY, key))
                if stored is not None and stored.status is DocStatus.WAITING:
                    self.to_decide.setdefault(key, message_guid)
            return
        inventory = self.stored(DocKind.INVENTORY, identity(document))
        if inventory is not None and inventory.status is DocStatus.WAITING:
            self.to_decide.setdefault(inventory.key, message_guid)

    def _numbered(self, inventory: Inventory) -> Inventory:
        """The list with its e-port number (preNo) and customs list number (invtNo) given."""
        head = inventory.head
        existing = self._stored.get((DocKind.INVENTORY, identity(inventory)))
        if existing is not None:
            before = self.document(existing)
            assert isinstance(before, Inventory)  # noqa: S101 - kind-keyed, cannot differ
            pre_no, invt_no = before.head.pre_no, before.head.invt_no
        else:
            series = _invt_series(inventory)
            pre_no = f"{head.decl_time[:4]}{head.customs_code}9{self._take('preNo'):09d}"
            invt_no = f"{series}{self._take(series):09d}"
        return msgspec.structs.replace(
            inventory, head=msgspec.structs.replace(head, pre_no=pre_no, invt_no=invt_no)
        )

    def _take(self, series: str) -> int:
        pool = self._numbers.get(series)
        if pool:
            return pool.pop()
        return self.uow.next_numbers(series, 1)

    # --- writing ---------------------------------------------------------------------------

    def answer(
        self,
        document: Document,
        status: str,
        info: str,
        message_guid: str,
        codes: tuple[str, ...] = (),
    ) -> None:
        self.receipts.append(
            answers.receipt_record(
                document, status, info, self.now, message_guid, seq=len(self.receipts), codes=codes
            )
        )

    def refuse(self, document: Document, violations: list[Violation], message_guid: str) -> str:
        """Answer ``document`` returned (100) for ``violations``: their summary as returnInfo,
        their codes on the record; the summary, for the document's status."""
        info = summarise(violations)
        self.answer(document, ReturnStatus.RETURNED, info, message_guid, codes_of(violations))
        return info

    def answer_tax_bill(self, inventory: Inventory, bill: TaxBill, message_guid: str) -> None:
        record = answers.tax_bill_receipt(inventory, bill, self.now, message_guid)
        self.receipts.append(msgspec.structs.replace(record, seq=len(self.receipts)))

    def set_status(self, key: str, status: DocStatus, info: str = "") -> None:
        ident = (DocKind.INVENTORY, key)
        stored = self._stored[ident]
        assert stored is not None  # noqa: S101 - only lists on file are decided
        stored.status = status
        stored.updated_at = self.now
        if ident not in self._new:
            self._dirty[ident] = stored
        inventory = self.document(stored)
        assert isinstance(inventory, Inventory)  # noqa: S101 - kind-keyed
        head = inventory.head
        self.decided.append(
            ListDecided(
                key=key,
                invt_no=head.invt_no,
                status=status,
                info=info,
                at=self.now,
                bill_no=head.bill_no,
                logistics_code=head.logistics_code,
                logistics_no=head.logistics_no,
                port_code=head.port_code,
                parties=tuple(
                    dict.fromkeys(
                        (head.ebp_code, head.ebc_code, head.agent_code, head.logistics_code)
                    )
                ),
            )
        )

    def time_out(self, stored: StoredDocument) -> None:
        """Return a list that waited too long, naming the companions still missing."""
        self._stored[(stored.kind, stored.key)] = stored
        inventory = self.document(stored)
        assert isinstance(inventory, Inventory)  # noqa: S101 - expired_waiting returns lists
        head = inventory.head
        key = order_key(head.ebp_code, head.order_no)
        missing = [
            name
            for kind, ref, name in (
                (DocKind.ORDER, key, "order (CEB311)"),
                (DocKind.PAYMENT, key, "payment (CEB411)"),
                (
                    DocKind.WAYBILL,
                    waybill_key(head.logistics_code, head.logistics_no),
                    "waybill (CEB511)",
                ),
            )
            if self.live(kind, ref) is None
        ]
        violation = _violation(
            "CEB621.match.timeout",
            f"companions did not arrive in time: {', '.join(missing) or 'none'}",
            f"关联单证未在规定时间内到达：{', '.join(missing) or '无'}",
        )
        info = self.refuse(
            inventory, [violation.at("Inventory[1]")], f"timeout:{stored.message_guid}"
        )
        self.set_status(stored.key, DocStatus.RETURNED, info)

    def flush(self) -> None:
        if self._new:
            self.uow.insert_documents(list(self._new.values()))
        dirty = [d for ident, d in self._dirty.items() if ident not in self._new]
        if dirty:
            self.uow.update_documents(dirty)
        if self.receipts:
            self.uow.add_receipts(self.receipts)
        if self.tax_bills:
            self.uow.add_tax_bills(self.tax_bills)
        if self.buyer_increments:
            self.uow.add_buyer_totals(self.buyer_increments)
        if self._guarantees is not None:
            self._guarantees.flush()
        if self._stock is not None:
            self._stock.flush()
            self.effects.extend(self._stock.effects)
            self._stock.effects = []


def _invt_series(inventory: Inventory) -> str:
    """清单编号 = 4-digit customs code + 4-digit year + I/E + 9-digit serial (spec table 2-42)."""
    head = inventory.head
    return f"{head.customs_code}{head.decl_time[:4]}{head.ie_flag}"


def _stored_document(
    document: Document | LifecycleDocument, status: DocStatus, message_guid: str, now: datetime
) -> StoredDocument:
    kind, key = kind_of(document), identity(document)
    stored = StoredDocument(
        kind=kind,
        key=key,
        status=status,
        message_guid=message_guid,
        body=_encode(document),
        received_at=now,
        updated_at=now,
    )
    if isinstance(document, Inventory):
        head = document.head
        stored.order_ref = key
        stored.waybill_ref = waybill_key(head.logistics_code, head.logistics_no)
        stored.buyer = head.buyer_id_number
        stored.invt_no = head.invt_no
    elif isinstance(document, Order | Payment):
        stored.order_ref = key
    elif isinstance(document, InvtCancel | InvtRefund):
        stored.order_ref = list_key(document)  # the list it is about
    return stored


def _violation(code: str, en: str, zh: str) -> Violation:
    return Violation(path="", code=code, en=en, zh=zh)
