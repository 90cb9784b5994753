"""Independent checks of generated traffic: the CBEC rules worked out again, from scratch."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from tradewindow.cbec.documents import (
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

GUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id_ok(number: str) -> bool:
    """GB 11643-1999, written out again here rather than imported."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True)) % 11
    return number[17] == "10X98765432"[remainder]


@dataclass
class Stream:
    """Documents of a message stream by key, and where each message stands."""

    orders: dict[str, Order] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)  # by "ebpCode|orderNo"
    waybills: dict[str, Waybill] = field(default_factory=dict)  # by "code|logisticsNo"
    inventories: dict[str, Inventory] = field(default_factory=dict)
    first_seen: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, key) → index
    senders: list[tuple[str, str]] = field(default_factory=list)  # (copCode, doc sender code)


def index(messages: Iterable[Message]) -> Stream:
    stream = Stream()
    for position, message in enumerate(messages):
        cop = message.base_transfer.cop_code
        if isinstance(message, OrderMessage):
            for order in message.orders:
                key = f"{order.head.ebp_code}|{order.head.order_no}"
                stream.orders.setdefault(key, order)
                stream.first_seen.setdefault(("order", key), position)
                stream.senders.append((cop, order.head.ebp_code))
        elif isinstance(message, PaymentMessage):
            for payment in message.payments:
                key = f"{payment.head.ebp_code}|{payment.head.order_no}"
                stream.payments[key] = payment
                stream.first_seen.setdefault(("payment", key), position)
                stream.senders.append((cop, payment.head.pay_code))
        elif isinstance(message, WaybillMessage):
            for waybill in message.waybills:
                key = f"{waybill.head.logistics_code}|{waybill.head.logistics_no}"
                stream.waybills[key] = waybill
                stream.first_seen.setdefault(("waybill", key), position)
                stream.senders.append((cop, waybill.head.logistics_code))
        elif isinstance(message, InventoryMessage):
            for inventory in message.inventories:
                key = f"{inventory.head.ebp_code}|{inventory.head.order_no}"
                stream.inventories[key] = inventory
                stream.first_seen.setdefault(("inventory", key), position)
                stream.senders.append((cop, inventory.head.agent_code))
    return stream


def _app_time_ok(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y%m%d%H%M%S")  # noqa: DTZ007 - format check only
    except ValueError:
        return False
    return len(text) == 14


def set_problems(
    order: Order, payment: Payment | None, waybill: Waybill | None, inventory: Inventory
) -> list[str]:
    """Everything wrong with one set; empty for a valid, matching set."""
    problems: list[str] = []
    head = order.head
    for item in order.items:
        if item.total_price != (item.price * item.qty).quantize(Decimal("0.01")):
            problems.append(f"line {item.gnum} total")
    lines = sum((item.total_price for item in order.items), Decimal(0))
    if head.goods_value != lines:
        problems.append("goodsValue")
    if head.actural_paid != head.goods_value + head.freight + head.tax_total - head.discount:
        problems.append("acturalPaid")
    if not resident_id_ok(head.buyer_id_number):
        problems.append("buyer id")
    if [i.gnum for i in order.items] != list(range(1, len(order.items) + 1)):
        problems.append("gnum")
    if payment is None:
        problems.append("no payment")
    else:
        p = payment.head
        if p.amount_paid != head.actural_paid:
            problems.append("amountPaid")
        if (p.payer_id_number, p.payer_name) != (head.buyer_id_number, head.buyer_name):
            problems.append("payer")
        if p.pay_transaction_id != head.pay_transaction_id or p.pay_code != head.pay_code:
            problems.append("payment reference")
    if waybill is None:
        problems.append("no waybill")
    else:
        w = waybill.head
        if (w.consignee, w.consignee_address, w.consignee_telephone) != (
            head.consignee, head.consignee_address, head.consignee_telephone
        ):  # fmt: skip
            problems.append("waybill consignee")
        if w.weight != inventory.head.gross_weight or w.order_no != head.order_no:
            problems.append("waybill weight or order")
    i = inventory.head
    if (i.buyer_id_number, i.buyer_name) != (head.buyer_id_number, head.buyer_name):
        problems.append("inventory buyer")
    if i.consignee_address != head.consignee_address:
        problems.append("inventory address")
    if i.freight != head.freight or not Decimal(0) < i.net_weight <= i.gross_weight:
        problems.append("inventory freight or weights")
    if (i.ebc_code, i.ebp_code) != (head.ebc_code, head.ebp_code):
        problems.append("inventory enterprises")
    order_lines = [(x.gnum, x.qty, x.price, x.total_price, x.unit) for x in order.items]
    list_lines = [(x.gnum, x.qty, x.price, x.total_price, x.unit) for x in inventory.items]
    if order_lines != list_lines:
        problems.append("inventory lines")
    if i.trade_mode == "1210" and not (i.ems_no and i.area_code and i.country == "142"):
        problems.append("bonded fields")
    if i.trade_mode == "9610" and not (i.traf_no and i.voyage_no and i.bill_no):
        problems.append("direct fields")
    if any(not x.item_record_no for x in inventory.items) and i.trade_mode == "1210":
        problems.append("itemRecordNo")
    times = [head.app_time, i.app_time] + [d.head.app_time for d in (payment, waybill) if d]
    if not all(_app_time_ok(t) for t in times) or i.decl_time != i.app_time[:8]:
        problems.append("times")
    guids = [head.guid, i.guid] + [d.head.guid for d in (payment, waybill) if d]
    if not all(GUID.match(g) for g in guids):
        problems.append("guid")
    return problems
