"""The filters of ``GET /v2/events`` (TNT 2.2) and of a subscription, and what an event offers
to be filtered on (pure).

Comma-separated values of one filter are OR-ed; different filters are AND-ed. A type code
filter selects events of its type only (the spec: ``shipmentEventTypeCode=DRFT`` together
with ``equipmentEventTypeCode=GTIN`` can match nothing), so filters that no event could meet
together are refused as contradictory rather than answered with an empty list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import msgspec

from tradewindow.logistics import codes
from tradewindow.logistics.codes import EventType
from tradewindow.logistics.identifiers import is_imo_number
from tradewindow.logistics.model import (
    EquipmentEvent,
    Event,
    ShipmentEvent,
    event_type,
    type_code,
)
from tradewindow.violations import Rejected, Violation

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
OPERATORS = ("gte", "gt", "lte", "lt", "eq")
# filters that only events carrying a transport call can meet
_CALL_TYPES = frozenset({EventType.TRANSPORT, EventType.EQUIPMENT})
_ALL_TYPES = frozenset(EventType)


class EventFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Filters of a query or a subscription; an empty tuple / None means "any"."""

    event_types: tuple[str, ...] = ()
    shipment_event_type_codes: tuple[str, ...] = ()
    document_type_codes: tuple[str, ...] = ()
    transport_event_type_codes: tuple[str, ...] = ()
    equipment_event_type_codes: tuple[str, ...] = ()
    carrier_booking_reference: str | None = None
    transport_document_reference: str | None = None
    transport_call_id: str | None = None
    vessel_imo_number: str | None = None
    export_voyage_number: str | None = None
    carrier_service_code: str | None = None
    un_location_code: str | None = None
    equipment_reference: str | None = None

    def types(self) -> frozenset[EventType]:
        """The event types the filters can match together (empty: contradictory)."""
        allowed = frozenset(EventType(t) for t in self.event_types) or _ALL_TYPES
        if self.shipment_event_type_codes or self.document_type_codes:
            allowed &= {EventType.SHIPMENT}
        if self.transport_event_type_codes:
            allowed &= {EventType.TRANSPORT}
        if self.equipment_event_type_codes:
            allowed &= {EventType.EQUIPMENT}
        if any(
            (
                self.transport_call_id,
                self.vessel_imo_number,
                self.export_voyage_number,
                self.carrier_service_code,
            )
        ):
            allowed &= _CALL_TYPES
        return allowed


class TimeBound(msgspec.Struct, frozen=True):
    operator: str  # gte gt lte lt eq
    value: datetime


class EventQuery(msgspec.Struct, frozen=True, kw_only=True):
    filter: EventFilter = EventFilter()
    created: tuple[TimeBound, ...] = ()
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


class EventFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What one event offers to the filters: its single values and its references
    (``BKG``, ``TRD``, ``EQ`` and ``LOC`` values, each possibly several)."""

    event_type: str
    type_code: str
    document_type_code: str | None = None
    transport_call_id: str | None = None
    vessel_imo_number: str | None = None
    export_voyage_number: str | None = None
    carrier_service_code: str | None = None
    equipment_reference: str | None = None
    references: frozenset[tuple[str, str]] = frozenset()


def facts(event: Event) -> EventFacts:
    references: set[tuple[str, str]] = set()
    document_type = None
    call = None
    equipment = None
    if isinstance(event, ShipmentEvent):
        document_type = event.document_type_code
        if event.document_type_code in ("BKG", "TRD"):
            references.add((event.document_type_code, event.document_id))
    else:
        call = event.transport_call
        for document in event.document_references:
            references.add((document.document_reference_type, document.document_reference_value))
    for reference in event.references:
        if reference.reference_type == "EQ":
            references.add(("EQ", reference.reference_value))
    if isinstance(event, EquipmentEvent):
        equipment = event.equipment_reference
        if equipment:
            references.add(("EQ", equipment))
        if event.event_location and event.event_location.un_location_code:
            references.add(("LOC", event.event_location.un_location_code))
    if call is not None:
        if call.un_location_code:
            references.add(("LOC", call.un_location_code))
        if call.location and call.location.un_location_code:
            references.add(("LOC", call.location.un_location_code))
    return EventFacts(
        event_type=event_type(event),
        type_code=type_code(event),
        document_type_code=document_type,
        transport_call_id=call.transport_call_id if call else None,
        vessel_imo_number=call.vessel.vessel_imo_number if call and call.vessel else None,
        export_voyage_number=call.export_voyage_number if call else None,
        carrier_service_code=call.carrier_service_code if call else None,
        equipment_reference=equipment,
        references=frozenset(references),
    )


def matches(wanted: EventFilter, event: EventFacts) -> bool:
    """Whether an event meets every filter (the same rules the event store applies in SQL)."""
    if event.event_type not in wanted.types():
        return False
    code_filters = {
        "SHIPMENT": wanted.shipment_event_type_codes,
        "TRANSPORT": wanted.transport_event_type_codes,
        "EQUIPMENT": wanted.equipment_event_type_codes,
    }
    if code_filters[event.event_type] and event.type_code not in code_filters[event.event_type]:
        return False
    if wanted.document_type_codes and event.document_type_code not in wanted.document_type_codes:
        return False
    for field, value in (
        ("transport_call_id", wanted.transport_call_id),
        ("vessel_imo_number", wanted.vessel_imo_number),
        ("export_voyage_number", wanted.export_voyage_number),
        ("carrier_service_code", wanted.carrier_service_code),
    ):
        if value is not None and getattr(event, field) != value:
            return False
    return all(
        value is None or (kind, value) in event.references
        for kind, value in (
            ("BKG", wanted.carrier_booking_reference),
            ("TRD", wanted.transport_document_reference),
            ("EQ", wanted.equipment_reference),
            ("LOC", wanted.un_location_code),
        )
    )


# --- parsing query parameters ------------------------------------------------------------


def _event_type_names() -> frozenset[str]:
    return frozenset(EventType)


_LISTS: dict[str, tuple[str, Callable[[], frozenset[str]]]] = {
    "eventType": ("event_types", _event_type_names),
    "shipmentEventTypeCode": ("shipment_event_type_codes", codes.shipment_event_codes),
    "documentTypeCode": ("document_type_codes", codes.document_type_codes),
    "transportEventTypeCode": ("transport_event_type_codes", codes.transport_event_codes),
    "equipmentEventTypeCode": ("equipment_event_type_codes", codes.equipment_event_codes),
}
_SINGLES = {
    "carrierBookingReference": ("carrier_booking_reference", 35),
    "bookingReference": ("carrier_booking_reference", 35),  # deprecated alias
    "transportDocumentReference": ("transport_document_reference", 20),
    "transportCallID": ("transport_call_id", 100),
    "vesselIMONumber": ("vessel_imo_number", 7),
    "exportVoyageNumber": ("export_voyage_number", 50),
    "carrierVoyageNumber": ("export_voyage_number", 50),  # deprecated alias
    "carrierServiceCode": ("carrier_service_code", 5),
    "UNLocationCode": ("un_location_code", 5),
    "equipmentReference": ("equipment_reference", 15),
}
_CREATED = re.compile(r"eventCreatedDateTime(?::(\w+))?")


def _bad(path: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=f"TNT.query.{rule}", en=en, zh=zh)


def parse_filter(params: Mapping[str, str], *, allowed: Iterable[str] = ()) -> EventFilter:
    """The filters named in ``params``; ``Rejected`` with every bad one at once."""
    values: dict[str, object] = {}
    found: list[Violation] = []
    for name, raw in params.items():
        if name in _LISTS:
            field, known = _LISTS[name]
            items = tuple(item.strip() for item in raw.split(",") if item.strip())
            unknown = [item for item in items if item not in known()]
            if unknown or not items:
                found.append(
                    _bad(
                        name,
                        "invalidCode",
                        f"{name}: {', '.join(unknown) or '(empty)'} not allowed",
                        f"{name}：代码 {', '.join(unknown) or '（空）'} 无效",
                    )
                )
            values[field] = items
        elif name in _SINGLES:
            field, longest = _SINGLES[name]
            if not raw or len(raw) > longest:
                found.append(
                    _bad(
                        name,
                        "invalidValue",
                        f"{name} must have 1 to {longest} characters",
                        f"{name} 长度须为 1 至 {longest} 个字符",
                    )
                )
            elif name == "vesselIMONumber" and not is_imo_number(raw):
                found.append(
                    _bad(
                        name,
                        "invalidValue",
                        f"{raw!r} is not an IMO number",
                        f"{raw!r} 不是有效的 IMO 船舶编号",
                    )
                )
            values[field] = raw
        elif name not in allowed:
            found.append(
                _bad(
                    name,
                    "unknownParameter",
                    f"{name} is not a filter of GET /v2/events",
                    f"{name} 不是 GET /v2/events 的查询参数",
                )
            )
    if found:
        raise Rejected(found)
    wanted = EventFilter(**values)  # type: ignore[arg-type]
    if not wanted.types():
        raise Rejected(
            [
                _bad(
                    ",".join(sorted(params)),
                    "contradictory",
                    "these filters select different event types; no event can meet them all",
                    "这些查询条件分属不同事件类型，没有事件能同时满足",
                )
            ]
        )
    return wanted


def parse_query(params: Mapping[str, str]) -> EventQuery:
    """A ``GET /v2/events`` query from its query parameters (one value each; lists are
    comma-separated). ``Rejected`` with every bad parameter at once."""
    filters = {k: v for k, v in params.items() if not _CREATED.fullmatch(k)}
    found: list[Violation] = []
    try:
        wanted = parse_filter(filters, allowed=("limit", "cursor"))
    except Rejected as rejected:
        found.extend(rejected.violations)
        wanted = EventFilter()
    bounds = []
    for name, raw in params.items():
        match = _CREATED.fullmatch(name)
        if not match:
            continue
        operator = match[1] or "eq"
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            value = None
        if operator not in OPERATORS:
            found.append(
                _bad(
                    name,
                    "invalidOperator",
                    f"{operator!r} is not one of {OPERATORS}",
                    f"{operator!r} 不是支持的比较运算符",
                )
            )
        elif value is None or value.tzinfo is None:
            found.append(
                _bad(
                    name,
                    "invalidDateTime",
                    f"{raw!r} is not a date-time with a UTC offset",
                    f"{raw!r} 不是带时区的日期时间",
                )
            )
        else:
            bounds.append(TimeBound(operator, value))
    limit = DEFAULT_LIMIT
    if "limit" in params:
        try:
            limit = int(params["limit"])
        except ValueError:
            limit = 0
        if not 1 <= limit <= MAX_LIMIT:
            found.append(
                _bad(
                    "limit",
                    "invalidLimit",
                    f"limit must be 1 to {MAX_LIMIT}",
                    f"limit 须在 1 至 {MAX_LIMIT} 之间",
                )
            )
    if not found and not _satisfiable(bounds):
        found.append(
            _bad(
                "eventCreatedDateTime",
                "contradictory",
                "the eventCreatedDateTime bounds leave no time between them",
                "eventCreatedDateTime 的上下限之间没有任何时间",
            )
        )
    if found:
        raise Rejected(found)
    return EventQuery(
        filter=wanted, created=tuple(bounds), limit=limit, cursor=params.get("cursor")
    )


def _satisfiable(bounds: list[TimeBound]) -> bool:
    lowest: tuple[datetime, bool] | None = None  # (instant, inclusive)
    highest: tuple[datetime, bool] | None = None
    for bound in bounds:
        if bound.operator in ("gte", "gt", "eq"):
            candidate = (bound.value, bound.operator != "gt")
            if (
                lowest is None
                or candidate[0] > lowest[0]
                or (candidate[0] == lowest[0] and not candidate[1])
            ):
                lowest = candidate
        if bound.operator in ("lte", "lt", "eq"):
            candidate = (bound.value, bound.operator != "lt")
            if (
                highest is None
                or candidate[0] < highest[0]
                or (candidate[0] == highest[0] and not candidate[1])
            ):
                highest = candidate
    if lowest is None or highest is None:
        return True
    if lowest[0] == highest[0]:
        return lowest[1] and highest[1]
    return lowest[0] < highest[0]
