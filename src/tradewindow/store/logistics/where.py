"""The WHERE clauses of the event store: a viewer's :class:`~tradewindow.logistics.ports.Visibility`
and a query's filters turned into SQL over ``logistics_events`` and its references
(``logistics.filters.matches`` is the same rule over one event in memory)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.sql.selectable import Join

from tradewindow.logistics import codes
from tradewindow.logistics.filters import EventQuery
from tradewindow.logistics.ports import Visibility
from tradewindow.store.logistics.tables import entitlements, event_refs, events


def refs_entitled() -> Join:
    return event_refs.join(
        entitlements,
        and_(
            event_refs.c.kind == entitlements.c.kind,
            event_refs.c.value == entitlements.c.value,
        ),
    )


def visible(visible: Visibility) -> list[ColumnElement[bool]]:
    if visible.everything:
        return [events.c.retracted == false()]
    entitled = exists(
        select(entitlements.c.party_id)
        .select_from(refs_entitled())
        .where(
            event_refs.c.event_id == events.c.event_id,
            entitlements.c.party_id == visible.party_id,
        )
    )
    allowed = [events.c.publisher == visible.party_id, entitled]
    if visible.types:
        allowed.append(events.c.event_type.in_(sorted(visible.types)))
    return [events.c.retracted == false(), or_(*allowed)]


def has_reference(kind: str, value: str) -> ColumnElement[bool]:
    return exists(
        select(event_refs.c.event_id).where(
            event_refs.c.event_id == events.c.event_id,
            event_refs.c.kind == kind,
            event_refs.c.value == value,
        )
    )


_OPERATORS: dict[str, Callable[[ColumnElement[datetime], datetime], ColumnElement[bool]]] = {
    "gte": lambda column, value: column >= value,
    "gt": lambda column, value: column > value,
    "lte": lambda column, value: column <= value,
    "lt": lambda column, value: column < value,
    "eq": lambda column, value: column == value,
}


def conditions(query: EventQuery) -> list[ColumnElement[bool]]:
    """The WHERE clauses of every filter of a query."""
    wanted = query.filter
    found: list[ColumnElement[bool]] = []
    types = wanted.types()
    if types != frozenset(codes.EventType):
        found.append(events.c.event_type.in_(sorted(types)))
    for values in (
        wanted.shipment_event_type_codes,
        wanted.transport_event_type_codes,
        wanted.equipment_event_type_codes,
    ):
        if values:
            found.append(events.c.type_code.in_(values))
    if wanted.document_type_codes:
        found.append(events.c.document_type_code.in_(wanted.document_type_codes))
    for column, value in (
        (events.c.transport_call_id, wanted.transport_call_id),
        (events.c.vessel_imo_number, wanted.vessel_imo_number),
        (events.c.export_voyage_number, wanted.export_voyage_number),
        (events.c.carrier_service_code, wanted.carrier_service_code),
    ):
        if value is not None:
            found.append(column == value)
    for kind, value in (
        ("BKG", wanted.carrier_booking_reference),
        ("TRD", wanted.transport_document_reference),
        ("EQ", wanted.equipment_reference),
        ("LOC", wanted.un_location_code),
    ):
        if value is not None:
            found.append(has_reference(kind, value))
    for bound in query.created:
        found.append(_OPERATORS[bound.operator](events.c.event_created, bound.value))
    return found
