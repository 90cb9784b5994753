"""Packing documents into CEB messages, and the endless stream of sets for benchmarks.

Enterprises batch their documents: a platform sends its orders, a payment firm its
payments, a carrier its waybills and a declaring agent its lists, each in messages of up to
100 documents of one type (``BaseTransfer/copCode`` = the sender). ``Outbox`` keeps one
small buffer per (type, sender) and cuts a message when a buffer is full or when asked to.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime

import msgspec

from tradewindow.cbec.documents import (
    BaseTransfer,
    Document,
    Inventory,
    InventoryMessage,
    Message,
    Order,
    OrderMessage,
    Payment,
    PaymentMessage,
    Waybill,
    WaybillMessage,
)
from tradewindow.demo.faults import (
    DEFAULT_RATES,
    LIMIT_GROUP,
    Expectation,
    FaultKind,
    Repeat,
    inject,
)
from tradewindow.demo.market import Market, flatten
from tradewindow.demo.parties import Party
from tradewindow.demo.tradeset import GuidSource, TradeSet, local_seconds

MAX_PER_MESSAGE = 100  # CEB: at most 100 documents per message
SETS_PER_SECOND = 20  # pace of generate_sets' clock


def _transfer(party: Party) -> BaseTransfer:
    return BaseTransfer(
        cop_code=party.code, cop_name=party.name, dxp_mode="DXP", dxp_id=party.dxp_id
    )


def order_message(guid: str, sender: Party, orders: list[Order]) -> OrderMessage:
    return OrderMessage(guid=guid, base_transfer=_transfer(sender), orders=orders)


def changed_order(order: Order) -> Order:
    """The same order with another consignee telephone: content that differs."""
    head = msgspec.structs.replace(
        order.head,
        consignee_telephone=order.head.consignee_telephone[::-1],
        note="更正收货人电话",
    )
    return msgspec.structs.replace(order, head=head)


class Outbox:
    """One buffer per (document type, sender); full buffers become messages."""

    def __init__(self, guid: GuidSource, per_message: int) -> None:
        if not 1 <= per_message <= MAX_PER_MESSAGE:
            raise ValueError(f"per_message must be 1–{MAX_PER_MESSAGE}, not {per_message}")
        self.guid = guid
        self.per_message = per_message
        self.orders: dict[Party, list[Order]] = {}
        self.payments: dict[Party, list[Payment]] = {}
        self.waybills: dict[Party, list[Waybill]] = {}
        self.inventories: dict[Party, list[Inventory]] = {}
        self.opened: dict[tuple[int, Party], int] = {}  # (type rank, sender) → first doc time
        self._transfers: dict[Party, BaseTransfer] = {}

    def transfer(self, party: Party) -> BaseTransfer:
        transfer = self._transfers.get(party)
        if transfer is None:
            transfer = self._transfers[party] = _transfer(party)
        return transfer

    def add_order(self, sender: Party, order: Order, at: int = 0) -> Message | None:
        docs = self.orders.setdefault(sender, [])
        docs.append(order)
        if len(docs) == 1:
            self.opened[0, sender] = at
        if len(docs) < self.per_message:
            return None
        return self._cut(0, sender)

    def add_payment(self, sender: Party, payment: Payment, at: int = 0) -> Message | None:
        docs = self.payments.setdefault(sender, [])
        docs.append(payment)
        if len(docs) == 1:
            self.opened[1, sender] = at
        if len(docs) < self.per_message:
            return None
        return self._cut(1, sender)

    def add_waybill(self, sender: Party, waybill: Waybill, at: int = 0) -> Message | None:
        docs = self.waybills.setdefault(sender, [])
        docs.append(waybill)
        if len(docs) == 1:
            self.opened[2, sender] = at
        if len(docs) < self.per_message:
            return None
        return self._cut(2, sender)

    def add_inventory(self, sender: Party, inventory: Inventory, at: int = 0) -> Message | None:
        docs = self.inventories.setdefault(sender, [])
        docs.append(inventory)
        if len(docs) == 1:
            self.opened[3, sender] = at
        if len(docs) < self.per_message:
            return None
        return self._cut(3, sender)

    def add(self, sender: Party, document: Document, at: int) -> Message | None:
        """Any document; ``at`` (local seconds) is when it was sent."""
        if isinstance(document, Order):
            return self.add_order(sender, document, at)
        if isinstance(document, Payment):
            return self.add_payment(sender, document, at)
        if isinstance(document, Waybill):
            return self.add_waybill(sender, document, at)
        return self.add_inventory(sender, document, at)

    def _cut(self, rank: int, sender: Party) -> Message:
        del self.opened[rank, sender]
        guid = self.guid()
        transfer = self.transfer(sender)
        if rank == 0:
            return OrderMessage(guid=guid, base_transfer=transfer, orders=self.orders.pop(sender))
        if rank == 1:
            payments = self.payments.pop(sender)
            return PaymentMessage(guid=guid, base_transfer=transfer, payments=payments)
        if rank == 2:
            waybills = self.waybills.pop(sender)
            return WaybillMessage(guid=guid, base_transfer=transfer, waybills=waybills)
        inventories = self.inventories.pop(sender)
        return InventoryMessage(guid=guid, base_transfer=transfer, inventories=inventories)

    def flush(self, opened_before: int | None = None) -> list[Message]:
        """Cut every buffer (or those opened before a time), orders first, lists last."""
        due = sorted(
            (key for key, at in self.opened.items() if opened_before is None or at < opened_before),
            key=lambda key: key[0],
        )
        return [self._cut(rank, sender) for rank, sender in due]


def fault_picker(rates: Mapping[FaultKind, float]) -> tuple[float, tuple[FaultKind, ...]]:
    """Per-set chance of a fault, and the kinds to pick from (weighted by sets per fault)."""
    per_set = {k: r / LIMIT_GROUP if k is FaultKind.ANNUAL_LIMIT else r for k, r in rates.items()}
    total = sum(per_set.values())
    kinds = flatten(list(per_set), [round(10_000 * r) for r in per_set.values()])
    return total, kinds


def generate_sets(
    count: int,
    *,
    seed: int,
    start: datetime,
    faults: bool = False,
    per_message: int = MAX_PER_MESSAGE,
    rates: Mapping[FaultKind, float] = DEFAULT_RATES,
    on_fault: Callable[[Expectation], None] | None = None,
) -> Iterator[Message]:
    """Messages carrying ``count`` sets, lazily, with flat memory whatever ``count`` is.

    Sets start at ``start`` and follow at 20 a second; each set's documents are declared
    0, 5, 60 and 120 seconds after its order. Full buffers are sent at once and every
    ``20 × per_message`` sets all buffers are flushed, so a set's companions are never far
    apart and every one of them is in the stream by its end. With ``faults`` the default
    fault mix is injected and each fault reported to ``on_fault``.
    """
    rng = random.Random(seed)
    market = Market(rng, buyers=min(20_000, max(500, count // 4)))
    outbox = Outbox(market.factory.guid, per_message)
    fault_chance, kinds = fault_picker(rates) if faults else (0.0, ())
    base = local_seconds(start)
    sweep = 20 * per_message
    produced = 0
    next_sweep = sweep
    repeats: list[Message] = []
    uniform = rng.random
    while produced < count:
        t = base + produced // SETS_PER_SECOND
        times = (t, t + 5, t + 60, t + 120)
        sets: list[TradeSet]
        with_order = with_waybill = True
        if fault_chance and uniform() < fault_chance:
            kind = market.factory.pick(kinds)
            if kind is FaultKind.ANNUAL_LIMIT and count - produced < LIMIT_GROUP:
                kind = FaultKind.MISSING_WAYBILL
            injection = inject(kind, market, lambda times=times: times)  # type: ignore[misc]
            sets = injection.sets
            with_waybill = not injection.drop_waybill
            expectation = injection.expectation
            if injection.repeat is not None:
                # The order travels alone, and again later: same bytes, or same guid only.
                alone = sets[0]
                guid = market.factory.guid()
                yield order_message(guid, alone.platform, [alone.order])
                again = (
                    alone.order if injection.repeat is Repeat.SAME else changed_order(alone.order)
                )
                repeats.append(order_message(guid, alone.platform, [again]))
                expectation = msgspec.structs.replace(expectation, message_guid=guid)
                with_order = False
            if on_fault is not None:
                on_fault(expectation)
        else:
            sets = [market.purchase(times)]
        for s in sets:
            if with_order and (message := outbox.add_order(s.platform, s.order)) is not None:
                yield message
            if (message := outbox.add_payment(s.pay_firm, s.payment)) is not None:
                yield message
            if with_waybill and (message := outbox.add_waybill(s.carrier, s.waybill)) is not None:
                yield message
            if (message := outbox.add_inventory(s.agent, s.inventory)) is not None:
                yield message
        produced += len(sets)
        if produced >= next_sweep:
            next_sweep += sweep
            yield from outbox.flush()
            yield from repeats
            repeats.clear()
    yield from outbox.flush()
    yield from repeats
