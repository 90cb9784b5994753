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

``Batch`` declares; the four roles it plays for the unit of work — the document cache, the
overlay of pending changes, the number allocator and the receipt builder — are one class each
in :mod:`tradewindow.cbec.batch_roles`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import msgspec

from tradewindow.cbec.batch_roles import (
    DECIDED,
    LIVE,
    Numbers,
    OnFile,
    PendingWrites,
    ReceiptBook,
    stored_document,
)
from tradewindow.cbec.bonded import StockBook
from tradewindow.cbec.documents import (
    AppType,
    Document,
    ImportMessage,
    Inventory,
    LifecycleDocument,
    Message,
    Order,
    Payment,
    Waybill,
)
from tradewindow.cbec.keys import identity, kind_of, order_key, waybill_key
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
from tradewindow.violations import Violation

_encode = msgspec.json.Encoder().encode
_PREFIX = {DocKind.ORDER: "CEB311", DocKind.PAYMENT: "CEB411", DocKind.WAYBILL: "CEB511"}
_PREFIX[DocKind.INVENTORY] = "CEB621"


class Batch:
    """The state one unit of work reads and changes, written back once by :meth:`flush`.

    Declaring is its own; what is on file (:attr:`on_file`), the pending writes
    (:attr:`pending`), the number series (:attr:`numbers`) and the answers (:attr:`book`)
    are its parts, reached through the few methods below that the decision, the lifecycle
    and the clearance service use."""

    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self.uow = uow
        self.now = now
        self.on_file = OnFile(uow)
        self.pending = PendingWrites()
        self.numbers = Numbers(uow)
        self.book = ReceiptBook(now)
        self.tax_bills: list[TaxBillRecord] = []
        self.buyer_increments: dict[tuple[str, int], Decimal] = {}
        self.to_decide: dict[str, str] = {}  # inventory key → guid of the message that woke it
        self.declared_now: set[str] = set()  # inventory keys (re)declared in this batch
        self.decided: list[ListDecided] = []  # lists that reached a decision, for after commit
        self.effects: list[EvidenceItem] = []  # what lifecycle documents did, for the log
        self.noted: list[ParcelNoted] = []  # parcels arrived or signed for, for after commit
        self._stock: StockBook | None = None
        self._guarantees: GuaranteeBook | None = None

    @property
    def receipts(self) -> list[ReceiptRecord]:
        return self.book.receipts

    # --- reading ---------------------------------------------------------------------------

    def prefetch(self, messages: Sequence[Message]) -> None:
        """Load, in a few queries, every stored document this batch may touch, and reserve
        the numbers of the lists it brings."""
        self.numbers.reserve(self.on_file.prefetch(messages))

    def remember(self, kind: DocKind, key: str, stored: StoredDocument | None) -> None:
        """Take ``stored`` (read by the caller, None: not on file) as the state of ``key``,
        unless this batch already holds it."""
        if not self.on_file.holds(kind, key):
            self.on_file.note(kind, key, stored)

    def stored(self, kind: DocKind, key: str) -> StoredDocument | None:
        return self.on_file.stored(kind, key)

    def live(self, kind: DocKind, key: str) -> Document | None:
        """The document on file under ``key`` if it is live (not returned nor deleted)."""
        return self.on_file.live(kind, key)

    def live_or_any(self, kind: DocKind, key: str) -> Document | None:
        """The document on file under ``key`` whatever its status, except deleted."""
        return self.on_file.live_or_any(kind, key)

    def companions(
        self, inventory: Inventory
    ) -> tuple[Order | None, Payment | None, Waybill | None]:
        """The live order, payment and waybill a list refers to (None where not on file)."""
        return self.on_file.companions(inventory)

    def document(self, stored: StoredDocument) -> Document:
        """The import document stored (an order, payment, waybill or list)."""
        return self.on_file.document(stored)

    def keep(self, document: LifecycleDocument, status: DocStatus, message_guid: str) -> None:
        """Store a document filed after release (a cancellation, return, status, delivery)
        under its key, replacing one there."""
        kind, key = kind_of(document), identity(document)
        existing = self.stored(kind, key)
        stored = stored_document(document, status, message_guid, self.now)
        if existing is None:
            self.pending.insert(stored)
        else:
            stored.version = existing.version + 1
            stored.received_at = existing.received_at
            self.pending.save(stored)
        self.on_file.note(kind, key, stored)

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
        return self.numbers.take(series)

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
            kind, key = kind_of(document), identity(document)  # once: both steps need them
            refusal = self._refusal(document, kind, key)
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
            self._apply(document, message.guid, kind, key)

    def _refusal(self, document: Document, kind: DocKind, key: str) -> Violation | None:
        existing = self.stored(kind, key)
        live = existing is not None and existing.status in LIVE
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
            if existing is not None and existing.status in DECIDED:
                return _violation(
                    f"{code}.appType.locked",
                    "the list is already decided and cannot change",
                    "清单状态不符合改单申报的条件",
                )
            return None
        if kind in (DocKind.ORDER, DocKind.PAYMENT):
            inventory = self.stored(DocKind.INVENTORY, key)
            if inventory is not None and inventory.status in DECIDED:
                return _violation(
                    f"{code}.appType.locked",
                    "its inventory list is already decided",
                    "该单证已向海关申报清单，状态不符",
                )
        return None

    def _apply(self, document: Document, message_guid: str, kind: DocKind, key: str) -> None:
        """Declare ``document`` (of ``kind``, stored under ``key``)."""
        existing = self.stored(kind, key)
        if document.head.app_type == AppType.DELETE and existing is not None:
            existing.status = DocStatus.DELETED
            existing.message_guid = message_guid
            existing.updated_at = self.now
            self.pending.save(existing)
            self.on_file.decoded(kind, key, None)
            self.answer(document, ReturnStatus.ACCEPTED, "deleted / 已删除", message_guid)
            return
        if isinstance(document, Inventory):
            document = self._numbered(document)
            self.to_decide[key] = message_guid
            self.declared_now.add(key)
        status = DocStatus.WAITING if kind is DocKind.INVENTORY else DocStatus.ACCEPTED
        stored = stored_document(document, status, message_guid, self.now)
        if existing is None:
            self.pending.insert(stored)
        else:
            stored.version = existing.version + 1
            stored.received_at = existing.received_at if status is DocStatus.ACCEPTED else self.now
            # save, not change: the version on file may be new in this very unit of work
            self.pending.save(stored)
        self.on_file.note(kind, key, stored)
        self.on_file.decoded(kind, key, document)
        if kind is not DocKind.INVENTORY:
            self.answer(document, ReturnStatus.ACCEPTED, "accepted / 海关入库", message_guid)
            self._wake(document, message_guid)

    def _wake(self, document: Document, message_guid: str) -> None:
        """A companion arrived: every list waiting for it is decided again."""
        if isinstance(document, Waybill):
            for key in self.on_file.waiting_by_waybill.get(identity(document), ()):
                stored = self.on_file.held(DocKind.INVENTORY, key)
                if stored is not None and stored.status is DocStatus.WAITING:
                    self.to_decide.setdefault(key, message_guid)
            return
        inventory = self.stored(DocKind.INVENTORY, identity(document))
        if inventory is not None and inventory.status is DocStatus.WAITING:
            self.to_decide.setdefault(inventory.key, message_guid)

    def _numbered(self, inventory: Inventory) -> Inventory:
        """The list with its e-port number (preNo) and customs list number (invtNo) given."""
        existing = self.on_file.held(DocKind.INVENTORY, identity(inventory))
        before = None if existing is None else self.document(existing)
        assert before is None or isinstance(before, Inventory)  # noqa: S101 - kind-keyed
        return self.numbers.numbered(inventory, before)

    # --- writing ---------------------------------------------------------------------------

    def answer(
        self,
        document: Document,
        status: str,
        info: str,
        message_guid: str,
        codes: tuple[str, ...] = (),
    ) -> None:
        self.book.answer(document, status, info, message_guid, codes)

    def refuse(self, document: Document, violations: list[Violation], message_guid: str) -> str:
        """Answer ``document`` returned (100) for ``violations``; the summary, for its status."""
        return self.book.refuse(document, violations, message_guid)

    def answer_tax_bill(self, inventory: Inventory, bill: TaxBill, message_guid: str) -> None:
        self.book.answer_tax_bill(inventory, bill, message_guid)

    def set_status(self, key: str, status: DocStatus, info: str = "") -> None:
        stored = self.on_file.held(DocKind.INVENTORY, key)
        assert stored is not None  # noqa: S101 - only lists on file are decided
        stored.status = status
        stored.updated_at = self.now
        if not self.pending.is_new(DocKind.INVENTORY, key):
            self.pending.change(stored)
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
        self.on_file.put(stored)
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
        self.pending.flush(self.uow)
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


def _violation(code: str, en: str, zh: str) -> Violation:
    return Violation(path="", code=code, en=en, zh=zh)
