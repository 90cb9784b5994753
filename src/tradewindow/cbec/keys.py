"""Business keys: how documents find each other, written once.

An order, its payment and its inventory list share the order key ``ebpCode|orderNo``
(the spec: 同一交易平台的订单编号应唯一); a waybill is keyed ``logisticsCode|logisticsNo``
(同一物流企业的运单编号在6个月内不重复).

What happens to a list after it was declared is keyed from it: a cancellation by the list's
key (one per list), a return by the list's key and the application's own guid (a list may be
returned line by line, in several applications), a waybill status by its waybill's key, a
warehouse delivery by its operator and its own guid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

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
from tradewindow.cbec.ports import DocKind

_KINDS: dict[type, DocKind] = {
    Inventory: DocKind.INVENTORY,
    Order: DocKind.ORDER,
    Payment: DocKind.PAYMENT,
    Waybill: DocKind.WAYBILL,
    InvtCancel: DocKind.CANCEL,
    InvtRefund: DocKind.REFUND,
    LogisticsStatus: DocKind.WAYBILL_STATUS,
    Delivery: DocKind.DELIVERY,
}


def order_key(ebp_code: str, order_no: str) -> str:
    return f"{ebp_code}|{order_no}"


def waybill_key(logistics_code: str, logistics_no: str) -> str:
    return f"{logistics_code}|{logistics_no}"


def kind_of(document: Document | LifecycleDocument) -> DocKind:
    return _KINDS[type(document)]


def identity(document: Document | LifecycleDocument) -> str:
    """The key a document is stored under; re-declaring it means the same key."""
    return _IDENTITY[type(document)](document.head)


def _order_identity(head: Any) -> str:
    return f"{head.ebp_code}|{head.order_no}"


def _waybill_identity(head: Any) -> str:
    return f"{head.logistics_code}|{head.logistics_no}"


def _delivery_identity(head: Any) -> str:
    return f"{head.operator_code}|{head.guid}"


def _refund_identity(head: Any) -> str:
    return f"{head.ebp_code}|{head.order_no}|{head.guid}"


# by exact type, no isinstance chain: ``identity`` runs several times per document per batch
_IDENTITY: dict[type, Callable[[Any], str]] = {
    Inventory: _order_identity,
    Order: _order_identity,
    Payment: _order_identity,
    InvtCancel: _order_identity,
    Waybill: _waybill_identity,
    LogisticsStatus: _waybill_identity,
    Delivery: _delivery_identity,
    InvtRefund: _refund_identity,
}


def order_no_of(document: Document | LifecycleDocument) -> str:
    """The ``orderNo`` a document carries (the partition key), "" when it names none."""
    order_no: str = getattr(document.head, "order_no", "")
    return order_no


def waybill_orders(documents: Sequence[Document | LifecycleDocument]) -> dict[str, str]:
    """The ``orderNo`` of each waybill among ``documents``, by its key (which does not embed
    it, unlike the keys of orders, payments and lists)."""
    return {identity(d): order_no_of(d) for d in documents if isinstance(d, Waybill)}


def list_key(document: InvtCancel | InvtRefund) -> str:
    """The key of the inventory list a cancellation or return is about."""
    return order_key(document.head.ebp_code, document.head.order_no)
