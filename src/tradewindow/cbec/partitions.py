"""Partitioned clearance, the pure part: which partition a document belongs to, and a message
split into the parts each partition clears.

A document's partition is ``crc32(orderNo) mod N``. The order (CEB311), its payment (CEB411),
its waybill (CEB511) and its inventory list (CEB621) all carry the same ``orderNo`` (the
spec: a waybill names the order it carries), so everything that matching, quota and tax read
for one list is in one partition, and N writers can clear N partitions side by side. A
cancellation (CEB623) or return (CEB625) names its list's ``orderNo`` and goes with it.

A waybill status (CEB513) or a warehouse delivery (CEB711) names parcels, not orders: they
are cleared on the **whole-store** path (the one writer that excludes every partition's,
see ``docs/adr/0009``), as is everything else that is not a document of one order (agency
decisions, time-outs, guarantees, stock entries).

``crc32`` because the value must be the same in every process on every machine (Python's
``hash`` is salted per process) and cheap; the distribution is even enough for routing
(checked by a unit test). The partition key stored with each row is the ``orderNo`` itself,
so a distributed PostgreSQL can hash it its own way (``docs/scaling.md``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import msgspec

from tradewindow.cbec.documents import (
    CancelMessage,
    InventoryMessage,
    Message,
    OrderMessage,
    PaymentMessage,
    RefundMessage,
    WaybillMessage,
)
from tradewindow.cbec.rules import MessageCheck

# the messages whose every document names one order, and the field the list of them is in
_PARTITIONED: dict[type, str] = {
    OrderMessage: "orders",
    PaymentMessage: "payments",
    WaybillMessage: "waybills",
    InventoryMessage: "inventories",
    CancelMessage: "cancels",
    RefundMessage: "refunds",
}
MAX_PARTITIONS = 1024
_M = TypeVar("_M", bound=msgspec.Struct)


def partition_of(order_no: str, partitions: int) -> int:
    """The partition (0 … ``partitions`` - 1) of the documents of order ``order_no``."""
    if not 1 <= partitions <= MAX_PARTITIONS:
        raise ValueError(f"partitions must be 1 … {MAX_PARTITIONS}, not {partitions}")
    return zlib.crc32(order_no.encode()) % partitions


def is_partitioned(message: Message) -> bool:
    """Whether every document of ``message`` names its order (else: the whole-store path)."""
    return type(message) in _PARTITIONED


class Part(msgspec.Struct, frozen=True, kw_only=True):
    """The documents of one message that one partition clears: the message with only those
    documents (same guid, same envelope), and where each stood in the message (0-based), so
    that its violations and receipts name the document as the sender numbered it."""

    partition: int
    message: Message
    positions: tuple[int, ...]


def split(message: Message, partitions: int) -> list[Part]:
    """``message`` as one part per partition its documents belong to, by partition; every
    document in exactly one part, in the message's order within each. A message that is not
    partitioned (:func:`is_partitioned`) is one part of partition 0."""
    field = _PARTITIONED.get(type(message))
    if field is None:
        return [Part(partition=0, message=message, positions=tuple(range(len(message.documents))))]
    return [
        Part(partition=partition, message=part, positions=positions)
        for partition, part, positions in split_documents(
            message, field, lambda document: document.head.order_no, partitions
        )
    ]


def split_documents(
    message: _M, field: str, key_of: Callable[[Any], str], partitions: int
) -> list[tuple[int, _M, tuple[int, ...]]]:
    """(partition, the message with only that partition's documents, where each stood) for
    each partition the documents in ``message.<field>`` belong to by ``key_of``, by
    partition; the message itself when they all belong to one (import's and export's split)."""
    documents: Sequence[Any] = getattr(message, field)
    by_partition: dict[int, list[int]] = {}
    for index, document in enumerate(documents):
        by_partition.setdefault(partition_of(key_of(document), partitions), []).append(index)
    if len(by_partition) == 1:
        (only,) = by_partition
        return [(only, message, tuple(range(len(documents))))]
    return [
        (
            partition,
            msgspec.structs.replace(message, **{field: [documents[i] for i in indexes]}),
            tuple(indexes),
        )
        for partition, indexes in sorted(by_partition.items())
    ]


def part_check(check: MessageCheck, positions: Sequence[int]) -> MessageCheck:
    """The check of a whole message as its part sees it: the envelope's violations, and each
    of the part's documents' under its place in the part (their paths keep the message's
    numbering)."""
    documents = {
        index: check.documents[position]
        for index, position in enumerate(positions)
        if position in check.documents
    }
    return MessageCheck(message=check.message, documents=documents)
