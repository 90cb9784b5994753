"""Business keys: how documents find each other, written once.

An order, its payment and its inventory list share the order key ``ebpCode|orderNo``
(the spec: 同一交易平台的订单编号应唯一); a waybill is keyed ``logisticsCode|logisticsNo``
(同一物流企业的运单编号在6个月内不重复).
"""

from __future__ import annotations

from tradewindow.cbec.documents import Document, Inventory, Order, Payment, Waybill
from tradewindow.cbec.ports import DocKind


def order_key(ebp_code: str, order_no: str) -> str:
    return f"{ebp_code}|{order_no}"


def waybill_key(logistics_code: str, logistics_no: str) -> str:
    return f"{logistics_code}|{logistics_no}"


def kind_of(document: Document) -> DocKind:
    if isinstance(document, Inventory):
        return DocKind.INVENTORY
    if isinstance(document, Order):
        return DocKind.ORDER
    if isinstance(document, Payment):
        return DocKind.PAYMENT
    return DocKind.WAYBILL


def identity(document: Document) -> str:
    """The key a document is stored under; re-declaring it means the same key."""
    if isinstance(document, Waybill):
        return waybill_key(document.head.logistics_code, document.head.logistics_no)
    head = document.head
    return order_key(head.ebp_code, head.order_no)
