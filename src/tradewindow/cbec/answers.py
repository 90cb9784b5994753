"""Receipts for documents: one function per CEB receipt type, and their grouping into messages.

The receipt's own ``guid`` echoes the head guid of the document it answers, so an enterprise
can match every answer to what it sent. Receipt *messages* get a guid derived from the
incoming message guid, so replaying a message reproduces byte-identical answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime

import msgspec

from tradewindow.cbec.documents import (
    Delivery,
    Document,
    Inventory,
    InvtCancel,
    InvtRefund,
    LifecycleDocument,
    LogisticsStatus,
    Order,
    Payment,
    Waybill,
)
from tradewindow.cbec.keys import identity, kind_of, order_no_of
from tradewindow.cbec.ports import ReceiptRecord
from tradewindow.cbec.receipts import (
    DeliveryReturn,
    DeliveryReturnMessage,
    InventoryReturn,
    InventoryReturnMessage,
    InvtCancelReturn,
    InvtCancelReturnMessage,
    InvtRefundReturn,
    InvtRefundReturnMessage,
    LifecycleReceipt,
    LogisticsReturn,
    LogisticsReturnMessage,
    LogisticsStatusReturn,
    LogisticsStatusReturnMessage,
    OrderReturn,
    OrderReturnMessage,
    PaymentReturn,
    PaymentReturnMessage,
    Receipt,
    ReceiptMessage,
    ReturnStatus,
    TaxBill,
    TaxBillMessage,
    return_time,
)

RECEIPT_TYPE: dict[type, str] = {
    Order: "CEB312",
    Payment: "CEB412",
    Waybill: "CEB512",
    Inventory: "CEB622",
    LogisticsStatus: "CEB514",
    InvtCancel: "CEB624",
    InvtRefund: "CEB626",
    Delivery: "CEB712",
}
RECEIPTS_PER_MESSAGE = 100  # every CEB receipt message carries at most 100 returns
_RECEIPT_NAMESPACE = uuid.UUID("6f1f4a52-8d0e-4c43-9a55-2f3b0c1d7e11")
_encode = msgspec.json.Encoder().encode


def document_return(document: Document, status: str, info: str, at: datetime) -> Receipt:
    """The receipt a document gets for ``status`` (a ReturnStatus value) with ``info``."""
    when = return_time(at)
    info = info or "-"  # returnInfo has minLength 1
    if isinstance(document, Inventory):
        head = document.head
        return InventoryReturn(
            guid=head.guid,
            customs_code=head.customs_code,
            ebp_code=head.ebp_code,
            ebc_code=head.ebc_code,
            agent_code=head.agent_code,
            cop_no=head.cop_no or head.order_no[:20],
            pre_no=head.pre_no or "",
            invt_no=head.invt_no,
            return_status=status,
            return_time=when,
            return_info=info,
        )
    if isinstance(document, Order):
        oh = document.head
        return OrderReturn(
            guid=oh.guid,
            ebp_code=oh.ebp_code,
            ebc_code=oh.ebc_code,
            order_no=oh.order_no,
            return_status=status,
            return_time=when,
            return_info=info,
        )
    if isinstance(document, Payment):
        ph = document.head
        return PaymentReturn(
            guid=ph.guid,
            pay_code=ph.pay_code,
            pay_transaction_id=ph.pay_transaction_id,
            return_status=status,
            return_time=when,
            return_info=info,
        )
    wh = document.head
    return LogisticsReturn(
        guid=wh.guid,
        logistics_code=wh.logistics_code,
        logistics_no=wh.logistics_no,
        return_status=status,
        return_time=when,
        return_info=info,
    )


def receipt_record(
    document: Document,
    status: str,
    info: str,
    at: datetime,
    message_guid: str,
    seq: int = 0,
    *,
    codes: tuple[str, ...] = (),
) -> ReceiptRecord:
    """The stored receipt of ``document``; ``codes`` are kept beside it, never sent (the
    receipt's bytes are the spec's receipt with ``info`` as returnInfo)."""
    receipt = document_return(document, status, info, at)
    return ReceiptRecord(
        seq=seq,
        codes=codes,
        receipt_type=RECEIPT_TYPE[type(document)],
        kind=kind_of(document).value,
        doc_key=identity(document),
        order_no=order_no_of(document),
        message_guid=message_guid,
        status=status,
        created_at=at,
        body=_encode(receipt),
    )


def lifecycle_return(
    document: LifecycleDocument,
    status: str,
    info: str,
    at: datetime,
    *,
    pre_no: str,
    invt_no: str | None = None,
    rkd_no: str | None = None,
) -> LifecycleReceipt:
    """The receipt a document filed after release gets: ``pre_no`` is its own e-port number
    (18 characters, as the CEB624/626 XSD demands), ``invt_no`` the list it is about (given
    only when it is a real 18-character list number), ``rkd_no`` a delivery's entry number."""
    when = return_time(at)
    info = info or "-"  # returnInfo has minLength 1
    if isinstance(document, LogisticsStatus):
        return LogisticsStatusReturn(
            guid=document.guid,
            logistics_code=document.logistics_code,
            logistics_no=document.logistics_no,
            logistics_status=document.logistics_status or "S",
            return_status=status,
            return_time=when,
            return_info=info,
        )
    if isinstance(document, Delivery):
        dh = document.head
        return DeliveryReturn(
            guid=dh.guid,
            customs_code=dh.customs_code if len(dh.customs_code) == 4 else None,
            operator_code=dh.operator_code or None,
            cop_no=dh.cop_no,
            pre_no=pre_no,
            rkd_no=rkd_no,
            return_status=status,
            return_time=when,
            return_info=info,
        )
    head = document.head
    kind = InvtCancelReturn if isinstance(document, InvtCancel) else InvtRefundReturn
    return kind(
        guid=head.guid,
        customs_code=head.customs_code if len(head.customs_code) == 4 else None,
        agent_code=head.agent_code or None,
        ebp_code=head.ebp_code or None,
        ebc_code=head.ebc_code or None,
        cop_no=head.cop_no or head.order_no[:20] or "-",
        pre_no=pre_no,
        invt_no=invt_no if invt_no is not None and len(invt_no) == 18 else None,
        return_status=status,
        return_time=when,
        return_info=info,
    )


def lifecycle_record(
    document: LifecycleDocument,
    status: str,
    info: str,
    at: datetime,
    message_guid: str,
    *,
    pre_no: str,
    invt_no: str | None = None,
    rkd_no: str | None = None,
    seq: int = 0,
    codes: tuple[str, ...] = (),
) -> ReceiptRecord:
    """The stored receipt of a document filed after release (see :func:`lifecycle_return`)."""
    receipt = lifecycle_return(
        document, status, info, at, pre_no=pre_no, invt_no=invt_no, rkd_no=rkd_no
    )
    return ReceiptRecord(
        seq=seq,
        codes=codes,
        receipt_type=RECEIPT_TYPE[type(document)],
        kind=kind_of(document).value,
        doc_key=identity(document),
        order_no=order_no_of(document),
        message_guid=message_guid,
        status=status,
        created_at=at,
        body=_encode(receipt),
    )


def tax_bill_body(bill: TaxBill) -> bytes:
    return _encode(bill)


def tax_bill_receipt(
    inventory: Inventory, bill: TaxBill, at: datetime, message_guid: str
) -> ReceiptRecord:
    """The CEB816 electronic tax bill of a released list, as a receipt to deliver."""
    return ReceiptRecord(
        receipt_type="CEB816",
        kind="inventory",
        doc_key=identity(inventory),
        order_no=inventory.head.order_no,
        message_guid=message_guid,
        status=bill.head.status,
        created_at=at,
        body=_encode(bill),
    )


_RETURN_TYPES: dict[str, type[Receipt | LifecycleReceipt]] = {
    "CEB312": OrderReturn,
    "CEB412": PaymentReturn,
    "CEB512": LogisticsReturn,
    "CEB622": InventoryReturn,
    "CEB514": LogisticsStatusReturn,
    "CEB624": InvtCancelReturn,
    "CEB626": InvtRefundReturn,
    "CEB712": DeliveryReturn,
}
_LIFECYCLE_MESSAGES: dict[str, type[ReceiptMessage]] = {
    "CEB514": LogisticsStatusReturnMessage,
    "CEB624": InvtCancelReturnMessage,
    "CEB626": InvtRefundReturnMessage,
    "CEB712": DeliveryReturnMessage,
}
_DECODERS = {name: msgspec.json.Decoder(t) for name, t in _RETURN_TYPES.items()}
_TAX_DECODER = msgspec.json.Decoder(TaxBill)


def receipt_messages(
    message_guid: str, records: Iterable[ReceiptRecord]
) -> Iterator[ReceiptMessage]:
    """Group stored receipts into CEB receipt messages of at most 100 returns each.

    Receipt types keep their first-seen order and, within a type, the order they were made.
    """
    by_type: dict[str, list[ReceiptRecord]] = {}
    for record in records:
        by_type.setdefault(record.receipt_type, []).append(record)
    for receipt_type, group in by_type.items():
        for chunk_no, start in enumerate(range(0, len(group), RECEIPTS_PER_MESSAGE)):
            chunk = group[start : start + RECEIPTS_PER_MESSAGE]
            guid = str(
                uuid.uuid5(_RECEIPT_NAMESPACE, f"{message_guid}:{receipt_type}:{chunk_no}")
            ).upper()
            yield _message(receipt_type, guid, chunk)


def _message(receipt_type: str, guid: str, chunk: list[ReceiptRecord]) -> ReceiptMessage:
    if receipt_type == "CEB816":
        return TaxBillMessage(guid=guid, taxes=[_TAX_DECODER.decode(r.body) for r in chunk])
    returns = [_DECODERS[receipt_type].decode(r.body) for r in chunk]
    if receipt_type == "CEB312":
        return OrderReturnMessage(guid=guid, returns=returns)  # type: ignore[arg-type]
    if receipt_type == "CEB412":
        return PaymentReturnMessage(guid=guid, returns=returns)  # type: ignore[arg-type]
    if receipt_type == "CEB512":
        return LogisticsReturnMessage(guid=guid, returns=returns)  # type: ignore[arg-type]
    if receipt_type in _LIFECYCLE_MESSAGES:
        # each lifecycle receipt message has one field, ``returns``, of its receipt type
        return _LIFECYCLE_MESSAGES[receipt_type](guid=guid, returns=returns)  # type: ignore[call-arg,arg-type]
    return InventoryReturnMessage(guid=guid, returns=returns)  # type: ignore[arg-type]


def receipt_messages_by_origin(records: Iterable[ReceiptRecord]) -> Iterator[ReceiptMessage]:
    """:func:`receipt_messages` for receipts made by several messages or decisions, grouped
    by what made each (so fetching them again gives the same messages)."""
    by_origin: dict[str, list[ReceiptRecord]] = {}
    for record in records:
        by_origin.setdefault(record.message_guid, []).append(record)
    for origin, group in by_origin.items():
        yield from receipt_messages(origin, group)


# a list's latest returnStatus while no final decision has been made on it: waiting for its
# companions (120), in manual review (300), with the other agencies (399), inspected (500)
UNDECIDED = frozenset(
    {
        ReturnStatus.ACCEPTED,
        ReturnStatus.MANUAL_REVIEW,
        ReturnStatus.CONCLUDED,
        ReturnStatus.INSPECTION,
    }
)


def undecided_lists(records: Iterable[ReceiptRecord]) -> int:
    """How many lists among ``records`` (in the order made) still wait for a decision."""
    latest = {
        r.doc_key: r.status for r in records if r.kind == "inventory" and r.receipt_type != "CEB816"
    }
    return sum(1 for status in latest.values() if status in UNDECIDED)
