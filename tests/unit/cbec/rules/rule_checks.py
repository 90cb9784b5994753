"""Shared helpers of the cbec.rules tests: run check_message and flatten its answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

import builders as b
from tradewindow.cbec.documents import (
    Inventory,
    InventoryItem,
    Message,
    Order,
    OrderItem,
    SpecVersion,
)
from tradewindow.cbec.rules import MessageCheck, check_message

CODES = b.Codes()


def check(
    message: Message,
    *,
    codes: Any = CODES,
    spec: SpecVersion = SpecVersion.V202205,
    now: datetime = b.NOW,
) -> MessageCheck:
    return check_message(message, codes=codes, spec=spec, now=now)


def found(message: Message, **kwargs: Any) -> list[tuple[str, str]]:
    """(code, path) of every violation, envelope first, then documents in order."""
    result = check(message, **kwargs)
    pairs = [(v.code, v.path) for v in result.message]
    for index in sorted(result.documents):
        pairs += [(v.code, v.path) for v in result.documents[index]]
    return pairs


def order_line(number: int, **changes: Any) -> Order:
    """``b.order()`` with line ``number`` (1-based) changed; head totals follow the lines."""
    items = b.order_items()
    items[number - 1] = msgspec.structs.replace(items[number - 1], **changes)
    return b.order(items=items)


def inventory_line(number: int, base: Inventory | None = None, **changes: Any) -> Inventory:
    """``b.inventory()`` (or ``base``) with line ``number`` (1-based) changed."""
    base = b.inventory() if base is None else base
    items: list[InventoryItem] = list(base.items)
    items[number - 1] = msgspec.structs.replace(items[number - 1], **changes)
    return msgspec.structs.replace(base, items=items)


def order_message(**head: Any) -> Message:
    return b.order_message(b.order(**head))


def payment_message(**head: Any) -> Message:
    return b.payment_message(b.payment(**head))


def waybill_message(**head: Any) -> Message:
    return b.waybill_message(b.waybill(**head))


def inventory_message(**head: Any) -> Message:
    return b.inventory_message(b.inventory(**head))


def one_line_order(item: OrderItem) -> Order:
    return b.order(items=[item])
