"""An agency's work list: what an officer asks of the queue (status, an order, list or waybill
number, an order, a page) and what each line of the answer says — the goods and their value
as the agency may see them, why the filing was routed to the agency, and what may be done
next. Pure: the queue's storage adapter (``store/agencies/worklist.py``) finds the page of
tasks over the whole queue and asks :func:`summarise` about each.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from tradewindow.agencies.ports import Task, TaskStatus
from tradewindow.agencies.routing import Documents, holds, values_at
from tradewindow.agencies.sharing_policy import AgencyPolicy, Condition, Operator, Policy
from tradewindow.agencies.status import Decision, next_actions
from tradewindow.agencies.views import agency_view

PAGE_SIZE = 25
MAX_SEARCH = 100  # characters of a search: longer is no order, list or waybill number
GOODS_NAMED = 3  # goods named on a line of the list; the rest are counted


class WorkSort(enum.StrEnum):
    NEWEST = "newest"  # the default: what came in last first
    OLDEST = "oldest"
    FILING = "filing"
    DECIDED = "decided"  # the last decided first


class WorkQuery(msgspec.Struct, frozen=True, kw_only=True):
    """One page of ``agency``'s tasks: in ``status`` (None: any), matching ``search`` (part of
    an order number or filing key, a list number or a waybill number), in ``sort`` order."""

    agency: str
    status: TaskStatus | None = TaskStatus.OPEN
    search: str = ""
    sort: WorkSort = WorkSort.NEWEST
    page: int = 1
    size: int = PAGE_SIZE

    @property
    def wanted(self) -> str:
        return self.search.strip()[:MAX_SEARCH]


class RouteReason(msgspec.Struct, frozen=True, kw_only=True):
    """A condition of the agency's routing rule that held on the filing: ``path`` tested by
    ``operator`` against ``expected``; ``found`` is the value that met it when the agency may
    see that field (None otherwise, or for ``always``)."""

    path: str
    operator: str  # an Operator, or "always"
    expected: tuple[str, ...] = ()
    found: str | None = None


class Goods(msgspec.Struct, frozen=True, kw_only=True):
    """The list's goods as the agency sees them: the first names, how many lines, their
    total value and currency (None when not granted), and the filing's numbers."""

    names: tuple[str, ...]
    lines: int
    value: Decimal | None
    currency: str | None
    order_no: str | None
    invt_no: str | None
    logistics_no: str | None


class WorkItem(msgspec.Struct, frozen=True, kw_only=True):
    task: Task
    goods: Goods | None
    reasons: tuple[RouteReason, ...]
    next_actions: tuple[Decision, ...]


class WorkPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[WorkItem]
    total: int  # tasks matching the query over the whole queue
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def summarise(policy: Policy, task: Task, stored: Documents) -> WorkItem:
    """The line of the work list for ``task``: its filing's ``stored`` documents cut to the
    agency's share (deny by default), why it was routed, what may follow."""
    granted = policy.agency(task.agency)
    kind = "inventory" if "inventory" in stored else "export_inventory"
    inventory = stored.get(kind)
    view = agency_view(policy, task.agency, kind, inventory) if inventory else None
    if view is not None and kind == "export_inventory":  # shared under its element
        view = view.get("Inventory") or {}
    visible = {
        kind: seen
        for kind, document in stored.items()
        if (seen := agency_view(policy, task.agency, kind, document)) is not None
    }
    reasons = route_reasons(granted, stored, visible) if granted else ()
    actions = next_actions(task.decision) if task.status is TaskStatus.FOLLOW_UP else ()
    return WorkItem(task=task, goods=goods_of(view, visible), reasons=reasons, next_actions=actions)


def goods_of(view: Mapping[str, Any] | None, visible: Documents) -> Goods | None:
    """What the agency's view of the list says of its goods (None when it sees no list)."""
    if view is None:
        return None
    head = view.get("InventoryHead") or {}
    lines = [line for line in view.get("InventoryList") or [] if isinstance(line, Mapping)]
    names = tuple(str(line["gname"]) for line in lines if line.get("gname"))
    prices = [_amount(line.get("totalPrice")) for line in lines]
    known = [p for p in prices if p is not None]
    value = sum(known, Decimal(0)) if known else None
    currencies = {str(line["currency"]) for line in lines if line.get("currency")}
    waybill = (visible.get("waybill") or {}).get("LogisticsHead") or {}
    return Goods(
        names=names[:GOODS_NAMED],
        lines=len(lines),
        value=value,
        currency=currencies.pop() if len(currencies) == 1 else None,
        order_no=head.get("orderNo"),
        invt_no=head.get("invtNo"),
        logistics_no=head.get("logisticsNo") or waybill.get("logisticsNo"),
    )


def route_reasons(
    agency: AgencyPolicy, documents: Documents, visible: Documents
) -> tuple[RouteReason, ...]:
    """The conditions of the agency's routing rules that hold on ``documents`` (the first
    rule that holds; ``always`` for an agency that decides on everything)."""
    if agency.always:
        return (RouteReason(path="", operator="always"),)
    for rule in agency.rules:
        if all(holds(condition, documents) for condition in rule.conditions):
            return tuple(_reason(c, documents, visible) for c in rule.conditions)
    return ()


def _reason(condition: Condition, documents: Documents, visible: Documents) -> RouteReason:
    document = documents.get(condition.kind) or {}
    met = next((v for v in values_at(document, condition.path) if condition.test(v)), None)
    seen = visible.get(condition.kind)
    shown = (
        met is not None
        and seen is not None
        and any(str(v) == str(met) for v in values_at(seen, condition.path))
    )
    expected: tuple[str, ...]
    if condition.operator is Operator.OVER:
        expected = (f"{condition.amount}",)
    elif condition.operator is Operator.PREFIX_IN:
        expected = tuple(p for p in condition.values if shown and str(met).startswith(p))[:1]
    else:
        expected = condition.values
    return RouteReason(
        path=condition.path,
        operator=condition.operator.value,
        expected=expected,
        found=str(met) if shown else None,
    )


def _amount(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None
