"""DCSA Track & Trace over HTTP: ``GET /v2/events`` with every filter, event producers'
publishing (2.2 bulk and the 3.0 ``POST /v3/events``), and the router that carries the
``API-Version`` header on every answer of these routes, errors included. Translation only.

Publishing 2.2 events: TNT 2.2 defines no publishing endpoint, so producers ``POST /v2/events``
a JSON array of 2.2 events (the body a 2.2 callback carries). Every event gets an outcome in
order (``stored``, ``superseded``, ``duplicate``, ``stale``, ``retracted`` or ``rejected`` with
its coded violations, paths ``$[i].…``); one bad event does not refuse the others. Only a body
that is no JSON array is refused whole (400).

Errors are problem+json; a refused query or request body is 400 (DCSA answers a bad request
with 400, not 422).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import ResponseHeader
from litestar.params import Parameter

from tradewindow.logistics import v3
from tradewindow.logistics.callbacks import API_VERSION
from tradewindow.logistics.events import Outcome, Viewer
from tradewindow.logistics.filters import parse_query
from tradewindow.logistics.model import Event, encode
from tradewindow.logistics.services import Logistics
from tradewindow.logistics.subscriptions import SubscriptionNotFound
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action, require
from tradewindow.violations import Rejected
from tradewindow.web.openapi_docs import document
from tradewindow.web.problems import (
    ApiError,
    ProblemViolation,
    not_found,
    problem,
    problem_response,
)

V3_API_VERSION = "3.0.0"
JSON = "application/json"


def dcsa_problem(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    """problem+json with ``API-Version``; a refused query or body is 400."""
    if isinstance(error, Rejected):
        first = error.violations[0]
        response = problem(
            ApiError(400, first.code, first.en, first.zh, violations=list(error.violations)),
            request.url.path,
        )
    elif isinstance(error, SubscriptionNotFound):
        response = problem(not_found("subscription"), request.url.path)
    else:
        response = problem_response(request, error)
    version = V3_API_VERSION if request.url.path.startswith("/v3/") else API_VERSION
    response.headers["API-Version"] = version
    return response


def logistics_of(request: Request[Any, Any, Any]) -> Logistics:
    logistics: Logistics = request.app.state.window.app.logistics
    return logistics


def viewer(principal: Principal) -> Viewer:
    """Who sees what: the party, its roles and the agency it is (agencies only)."""
    return Viewer(
        party_id=principal.party_id, roles=frozenset(principal.roles), agency=principal.agency
    )


def query_params(request: Request[Any, Any, Any]) -> dict[str, str]:
    """One value per parameter; a parameter given twice is one comma list (OR-ed)."""
    found: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        found.setdefault(name, []).append(value)
    return {name: ",".join(values) for name, values in found.items()}


class PublishedEvent(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    index: int
    event_id: str | None = msgspec.field(name="eventID")
    status: str  # stored, superseded, duplicate, stale, retracted, rejected
    violations: list[ProblemViolation]


class PublishAnswer(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    accepted: int  # stored or superseded
    rejected: int
    outcomes: list[PublishedEvent]


def publish_answer(outcomes: list[Outcome]) -> PublishAnswer:
    return PublishAnswer(
        accepted=sum(o.status in ("stored", "superseded") for o in outcomes),
        rejected=sum(o.status == "rejected" for o in outcomes),
        outcomes=[
            PublishedEvent(
                index=o.index,
                event_id=o.event_id,
                status=o.status,
                violations=[
                    ProblemViolation(path=v.path, code=v.code, en=v.en, zh=v.zh)
                    for v in o.violations
                ],
            )
            for o in outcomes
        ],
    )


def _q(name: str, description: str) -> Any:
    return Parameter(query=name, default=None, required=False, description=description)


_LIST = "comma-separated codes, OR-ed"
_CREATED = "eventCreatedDateTime bound (RFC 3339 with offset)"


class EventController(Controller):
    tags = ["dcsa"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/v2/events",
        sync_to_thread=True,
        summary="Find events (TNT 2.2): every filter, cursor pages, only what the caller may see",
        responses=document({200: (list[Event], "events, oldest change first")}),
    )
    def events(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        event_type: str | None = _q("eventType", "SHIPMENT, TRANSPORT, EQUIPMENT; " + _LIST),
        shipment_codes: str | None = _q("shipmentEventTypeCode", _LIST),
        document_types: str | None = _q("documentTypeCode", _LIST),
        booking: str | None = _q("carrierBookingReference", "booking reference"),
        transport_document: str | None = _q("transportDocumentReference", "B/L number"),
        transport_codes: str | None = _q("transportEventTypeCode", _LIST),
        call: str | None = _q("transportCallID", "transport call"),
        vessel: str | None = _q("vesselIMONumber", "IMO number (check digit verified)"),
        voyage: str | None = _q("exportVoyageNumber", "export voyage number"),
        service: str | None = _q("carrierServiceCode", "carrier service code"),
        location: str | None = _q("UNLocationCode", "UN/LOCODE"),
        equipment_codes: str | None = _q("equipmentEventTypeCode", _LIST),
        equipment: str | None = _q("equipmentReference", "ISO 6346 container number"),
        created: str | None = _q("eventCreatedDateTime", _CREATED + ", equal"),
        created_gte: str | None = _q("eventCreatedDateTime:gte", _CREATED),
        created_gt: str | None = _q("eventCreatedDateTime:gt", _CREATED),
        created_lte: str | None = _q("eventCreatedDateTime:lte", _CREATED),
        created_lt: str | None = _q("eventCreatedDateTime:lt", _CREATED),
        limit: str | None = _q("limit", "events per page, 1 to 1000 (default 100)"),
        cursor: str | None = _q("cursor", "the Next-Page cursor of the page before"),
    ) -> Response[bytes]:
        query = parse_query(query_params(request))
        page = logistics_of(request).events.query(query, viewer(principal))
        return Response(
            content=encode(page.events),
            media_type=JSON,
            headers=page_links(request, page.next_cursor),
        )

    @get(
        "/v2/events/{event_id:str}",
        sync_to_thread=True,
        summary="One event by eventID (deprecated in TNT 2.2)",
        responses=document({200: (Event, "the event")}),
    )
    def event(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        event_id: str = Parameter(title="eventID"),
    ) -> Response[bytes]:
        found = logistics_of(request).events.get(event_id, viewer(principal))
        if found is None:
            raise not_found("event")
        return Response(content=encode(found), media_type=JSON)

    @post(
        "/v2/events",
        sync_to_thread=True,
        status_code=200,
        summary="Publish 2.2 events (a JSON array); an outcome per event, partial acceptance",
        responses=document({200: (PublishAnswer, "what became of each event")}),
    )
    def publish(
        self, request: Request[Any, Any, Any], principal: Principal, body: bytes
    ) -> PublishAnswer:
        require(principal, Action.PUBLISH_EVENTS)
        outcomes = logistics_of(request).events.publish_v2(body, publisher=principal.party_id)
        return publish_answer(outcomes)

    @post(
        "/v3/events",
        sync_to_thread=True,
        status_code=200,
        summary="Publish events (TNT 3.0 PostEventsRequest); feedbackElements for refusals",
        response_headers=[ResponseHeader(name="API-Version", value=V3_API_VERSION)],
        responses=document({200: (v3.PostEventsResponse, "feedback on refused events")}),
    )
    def publish_v3(
        self, request: Request[Any, Any, Any], principal: Principal, body: bytes
    ) -> v3.PostEventsResponse:
        require(principal, Action.PUBLISH_EVENTS)
        return logistics_of(request).events.publish_v3(body, publisher=principal.party_id)


def page_links(request: Request[Any, Any, Any], next_cursor: str | None) -> dict[str, str]:
    """The spec's paging headers: ``Current-Page`` always, ``Next-Page`` unless this is the
    last page, ``First-Page`` unless this is the first (``Prev-Page`` and ``Last-Page`` are
    omitted: a keyset cursor only runs forward, which the spec allows)."""
    url = request.url
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    links = {"Current-Page": str(url)}
    if next_cursor is not None:
        links["Next-Page"] = str(
            url.with_replacements(query=urlencode([*kept, ("cursor", next_cursor)]))
        )
    if "cursor" in request.query_params:
        links["First-Page"] = str(url.with_replacements(query=urlencode(kept)))
    return links
