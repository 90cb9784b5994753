"""Partitioned export clearance, the pure part: which partition an export document belongs
to, a message split into the parts each partition clears, and the parts' answers merged
back into the message's (``docs/scaling.md``, "Export clearance by partitions").

The partition function is import's (``cbec.partitions.partition_of``: ``crc32 mod N``):

* the order (CEB303), the receipt of payment (CEB403) and the list (CEB603) go by their
  ``orderNo``, so a list and what it is matched against are in one partition;
* the waybill (CEB505) names no order: it goes by its waybill key ``logisticsCode|
  logisticsNo``. A list and its waybill may so be in two partitions: both units of work lock
  the waybill key (``ExportRecords.lock_waybills``) before reading, so whichever commits
  second sees the other; a waybill that finds its list waiting in another partition does not
  judge it, it leaves a *wake-up* in the inbox for that partition (:class:`Wake`);
* everything else names parcels or lists by number, not orders — arrival (CEB507),
  departure (CEB509), cancellation (CEB605, by ``invtNo``), master-bill link (CEB607),
  summary (CEB701), return (CEB213, by ``invtNo``) and tally (CEB215) — and is cleared on the
  whole-store path, which excludes every partition (as CEB513/CEB711 are for import).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from tradewindow.cbec.partitions import partition_of, split_documents
from tradewindow.export import documents as d
from tradewindow.export.model import Addressed, ExportAnswer, waybill_key

# the messages whose every document has a partition, and the field the documents are in
_PARTITIONED: dict[type, str] = {
    d.OrderMessage: "orders",
    d.ReceiptMessage: "receipts",
    d.WaybillMessage: "waybills",
    d.InventoryMessage: "inventories",
}


def is_partitioned(message: d.ExportMessage) -> bool:
    """Whether each document of ``message`` has a partition (else: the whole-store path)."""
    return type(message) in _PARTITIONED


def routing_key(document: msgspec.Struct) -> str:
    """What a partitioned document is routed by: its ``orderNo``, a waybill's key."""
    if isinstance(document, d.Waybill):
        return waybill_key(document.logistics_code, document.logistics_no)
    if isinstance(document, d.Order | d.Inventory):
        return document.head.order_no
    if isinstance(document, d.Receipt):
        return document.order_no
    raise TypeError(f"{type(document).__name__} has no partition")


def waybill_keys(message: d.ExportMessage) -> list[str]:
    """The waybill keys a waybill message or a list message names, sorted (the order their
    locks are taken in); none for other messages."""
    if isinstance(message, d.WaybillMessage):
        keys = {waybill_key(w.logistics_code, w.logistics_no) for w in message.waybills}
    elif isinstance(message, d.InventoryMessage):
        heads = [x.head for x in message.inventories]
        keys = {waybill_key(h.logistics_code, h.logistics_no) for h in heads}
    else:
        return []
    return sorted(keys)


def list_partition(order_key_: str, partitions: int) -> int:
    """The partition of the list (and order, receipt) under ``ebpCode|orderNo``."""
    return partition_of(order_key_.split("|", 1)[1], partitions)


class ExportPart(msgspec.Struct, frozen=True, kw_only=True):
    """The documents of one message one partition clears: the message with only those
    documents (same guid), and where each stood in the message (0-based)."""

    partition: int
    message: d.ExportMessage
    positions: tuple[int, ...]


def split(message: d.ExportMessage, partitions: int) -> list[ExportPart]:
    """``message`` as one part per partition its documents belong to, by partition; every
    document in exactly one part, in the message's order within each. ``ValueError`` for a
    message that is not partitioned (:func:`is_partitioned`)."""
    field = _PARTITIONED.get(type(message))
    if field is None:
        raise ValueError(f"{d.message_type(message)} is cleared on the whole-store path")
    return [
        ExportPart(partition=partition, message=part, positions=positions)
        for partition, part, positions in split_documents(message, field, routing_key, partitions)
    ]


class Wake(msgspec.Struct, frozen=True, kw_only=True):
    """Lists of one partition to judge again: a waybill cleared in another partition found
    them waiting for it (kept in the inbox until the lists' partition has judged them)."""

    partition: int
    order_keys: tuple[str, ...]
    at: datetime  # when the waybill that woke them was filed


def wakes(order_keys: Sequence[str], partitions: int, at: datetime) -> list[Wake]:
    """The wake-ups for lists under ``order_keys``, one per partition, by partition."""
    by_partition: dict[int, list[str]] = {}
    for key in dict.fromkeys(order_keys):
        by_partition.setdefault(list_partition(key, partitions), []).append(key)
    return [
        Wake(partition=p, order_keys=tuple(keys), at=at) for p, keys in sorted(by_partition.items())
    ]


def merge(guid: str, parts: Sequence[tuple[ExportPart, ExportAnswer]]) -> ExportAnswer:
    """The answer of the whole message from its parts' answers: one own receipt with every
    document's return in the message's order (a part's own receipt has one return per
    document, in the part's order), then the parts' other receipts (lists they moved, to
    their filers) by partition; every document's refusal codes."""
    returns: list[tuple[int, msgspec.Struct]] = []
    others: list[Addressed] = []
    codes: dict[str, tuple[str, ...]] = {}
    own: Addressed | None = None
    for part, answer in sorted(parts, key=lambda x: x[0].partition):
        first, *rest = answer.receipts
        own = own or first
        mine: list[msgspec.Struct] = list(first.receipt.returns)
        returns += zip(part.positions, mine, strict=True)
        others += rest
        codes.update(answer.codes)
    if own is None:
        raise ValueError("a message has at least one part")
    receipt = msgspec.structs.replace(
        own.receipt, returns=[x for _, x in sorted(returns, key=lambda x: x[0])]
    )
    merged = [msgspec.structs.replace(own, receipt=receipt), *others]
    return ExportAnswer(message_guid=guid, receipts=tuple(merged), codes=codes)
