"""The four roles a clearance unit of work's :class:`~tradewindow.cbec.declarations.Batch`
plays, one class each (issue 9):

- :class:`OnFile` — the document cache: what is on file, read once per unit of work (a few
  prefetch queries, then single reads for what was not foreseen), decoded once;
- :class:`PendingWrites` — the overlay of changes not yet written: new documents and changed
  ones, written back in two statements by :meth:`PendingWrites.flush`;
- :class:`Numbers` — the number allocator: e-port (preNo) and customs list numbers (invtNo),
  reserved in bulk for the lists a batch brings;
- :class:`ReceiptBook` — the receipt builder: every answer of the unit of work, in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from tradewindow.cbec import answers
from tradewindow.cbec.documents import (
    IMPORT_MESSAGES,
    Document,
    Inventory,
    InvtCancel,
    InvtRefund,
    LifecycleDocument,
    Message,
    Order,
    Payment,
    Waybill,
)
from tradewindow.cbec.keys import (
    identity,
    kind_of,
    list_key,
    order_key,
    order_no_of,
    waybill_key,
)
from tradewindow.cbec.ports import DocKind, DocStatus, ReceiptRecord, StoredDocument, UnitOfWork
from tradewindow.cbec.receipts import ReturnStatus, TaxBill
from tradewindow.violations import Violation, codes_of, summarise

_DECODERS: dict[DocKind, msgspec.json.Decoder[Any]] = {
    DocKind.ORDER: msgspec.json.Decoder(Order),
    DocKind.PAYMENT: msgspec.json.Decoder(Payment),
    DocKind.WAYBILL: msgspec.json.Decoder(Waybill),
    DocKind.INVENTORY: msgspec.json.Decoder(Inventory),
}
_encode = msgspec.json.Encoder().encode
DECIDED = (DocStatus.RELEASED, DocStatus.REVIEW, DocStatus.INSPECTION)
LIVE = (DocStatus.ACCEPTED, DocStatus.WAITING, *DECIDED)


def invt_series(inventory: Inventory) -> str:
    """清单编号 = 4-digit customs code + 4-digit year + I/E + 9-digit serial (spec table 2-42)."""
    head = inventory.head
    return f"{head.customs_code}{head.decl_time[:4]}{head.ie_flag}"


class OnFile:
    """The stored documents this unit of work has read (None: not on file), as it sees them."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self._stored: dict[tuple[DocKind, str], StoredDocument | None] = {}
        self._objects: dict[tuple[DocKind, str], Document] = {}
        self.waiting_by_waybill: dict[str, set[str]] = {}

    def prefetch(self, messages: Sequence[Message]) -> dict[str, int]:
        """Load, in a few queries, every stored document these messages may touch; the
        number of inventory lists they bring per list-number series."""
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
                    series = invt_series(document)
                    inventories_per_series[series] = inventories_per_series.get(series, 0) + 1
                elif isinstance(document, Waybill):
                    waybill_refs.add(key)
                else:
                    order_refs.add(key)
                    wanted[DocKind.INVENTORY].add(key)
        for kind, keys in wanted.items():
            found = self.uow.documents(kind, keys) if keys else {}
            for key in keys:
                self.note(kind, key, found.get(key))
        if order_refs or waybill_refs:
            waiting = self.uow.waiting_inventories(order_refs, waybill_refs)
            for stored in waiting:
                self.note(DocKind.INVENTORY, stored.key, stored)
            self._prefetch_companions(waiting)
        return inventories_per_series

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
                    self.note(kind, key, found.get(key))

    def note(self, kind: DocKind, key: str, stored: StoredDocument | None) -> None:
        """``stored`` is now the state of ``key`` (a list waiting for a waybill is indexed)."""
        self._stored[(kind, key)] = stored
        if stored is not None and stored.status is DocStatus.WAITING and stored.waybill_ref:
            self.waiting_by_waybill.setdefault(stored.waybill_ref, set()).add(key)

    def holds(self, kind: DocKind, key: str) -> bool:
        return (kind, key) in self._stored

    def put(self, stored: StoredDocument) -> None:
        """Hold ``stored`` as read elsewhere (a list that waited too long), unindexed."""
        self._stored[(stored.kind, stored.key)] = stored

    def held(self, kind: DocKind, key: str) -> StoredDocument | None:
        """What is held for ``key``, reading nothing."""
        return self._stored.get((kind, key))

    def stored(self, kind: DocKind, key: str) -> StoredDocument | None:
        if (kind, key) not in self._stored:
            found = self.uow.documents(kind, [key])
            self.note(kind, key, found.get(key))
        return self._stored[(kind, key)]

    def live(self, kind: DocKind, key: str) -> Document | None:
        """The document on file under ``key`` if it is live (not returned nor deleted)."""
        stored = self.stored(kind, key)
        if stored is None or stored.status not in LIVE:
            return None
        return self.document(stored)

    def live_or_any(self, kind: DocKind, key: str) -> Document | None:
        """The document on file under ``key`` whatever its status, except deleted."""
        stored = self.stored(kind, key)
        if stored is None or stored.status is DocStatus.DELETED:
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
        """The import document stored (an order, payment, waybill or list), decoded once."""
        ident = (stored.kind, stored.key)
        if ident not in self._objects:
            self._objects[ident] = _DECODERS[stored.kind].decode(stored.body)
        return self._objects[ident]

    def decoded(self, kind: DocKind, key: str, document: Document | None) -> None:
        """``document`` is what ``key`` now holds (None: decode it again when asked)."""
        if document is None:
            self._objects.pop((kind, key), None)
        else:
            self._objects[(kind, key)] = document


def stored_document(
    document: Document | LifecycleDocument, status: DocStatus, message_guid: str, now: datetime
) -> StoredDocument:
    """The record of ``document`` as it will be stored (its keys and references filled)."""
    kind, key = kind_of(document), identity(document)
    stored = StoredDocument(
        kind=kind,
        key=key,
        status=status,
        message_guid=message_guid,
        body=_encode(document),
        received_at=now,
        updated_at=now,
        order_no=order_no_of(document),
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


class PendingWrites:
    """Documents inserted or changed in this unit of work, written back once."""

    def __init__(self) -> None:
        self._new: dict[tuple[DocKind, str], StoredDocument] = {}
        self._dirty: dict[tuple[DocKind, str], StoredDocument] = {}

    def is_new(self, kind: DocKind, key: str) -> bool:
        return (kind, key) in self._new

    def insert(self, stored: StoredDocument) -> None:
        self._new[(stored.kind, stored.key)] = stored

    def change(self, stored: StoredDocument) -> None:
        self._dirty[(stored.kind, stored.key)] = stored

    def save(self, stored: StoredDocument) -> None:
        """Write ``stored``: as the insert of a document new in this unit of work, else as
        a change."""
        if self.is_new(stored.kind, stored.key):
            self.insert(stored)
        else:
            self.change(stored)

    def flush(self, uow: UnitOfWork) -> None:
        if self._new:
            uow.insert_documents(list(self._new.values()))
        dirty = [d for ident, d in self._dirty.items() if ident not in self._new]
        if dirty:
            uow.update_documents(dirty)


class Numbers:
    """Number series reserved in this unit of work: a pool per series, taken from the end."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self._pools: dict[str, list[int]] = {}

    def reserve(self, inventories_per_series: dict[str, int]) -> None:
        """A preNo for every list and an invtNo of its series, in one call per series."""
        total = sum(inventories_per_series.values())
        if total:
            first = self.uow.next_numbers("preNo", total)
            self._pools["preNo"] = list(range(first + total - 1, first - 1, -1))
        for series, count in inventories_per_series.items():
            first = self.uow.next_numbers(series, count)
            self._pools[series] = list(range(first + count - 1, first - 1, -1))

    def take(self, series: str) -> int:
        """The next number of ``series`` (reserved in this unit of work)."""
        pool = self._pools.get(series)
        if pool:
            return pool.pop()
        return self.uow.next_numbers(series, 1)

    def numbered(self, inventory: Inventory, before: Inventory | None) -> Inventory:
        """The list with its e-port number (preNo) and customs list number (invtNo): the ones
        ``before`` (its version on file) has, or new ones."""
        head = inventory.head
        if before is not None:
            pre_no, invt_no = before.head.pre_no, before.head.invt_no
        else:
            series = invt_series(inventory)
            pre_no = f"{head.decl_time[:4]}{head.customs_code}9{self.take('preNo'):09d}"
            invt_no = f"{series}{self.take(series):09d}"
        return msgspec.structs.replace(
            inventory, head=msgspec.structs.replace(head, pre_no=pre_no, invt_no=invt_no)
        )


class ReceiptBook:
    """Every answer this unit of work gives, numbered in the order given."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.receipts: list[ReceiptRecord] = []

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
