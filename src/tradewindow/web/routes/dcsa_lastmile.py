"""The paperless last mile over HTTP: may this container gate out, customs' gate alerts, and a
shipment's timeline. Translation only (``logistics.customs``, ``logistics.gate_out``).

* ``GET /v1/lastmile/gate-out?equipment=<ref>``: yes only with a customs release on file;
  asked by terminal operators and carriers (who publish gate events) and by customs.
* ``GET /v1/lastmile/alerts``: gate-outs refused for unreleased containers; customs only.
* ``POST /v1/lastmile/followers``: a publisher (terminal, carrier) lets the parties to a
  shipment it published events about follow it (their visibility in ``/v2/events``).
* ``GET /v1/lastmile/timeline?booking=|transportDocument=|equipment=``: everything the caller
  may see about exactly one of them, in the order it happened (holds and inspections too).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from tradewindow.logistics.customs import timeline
from tradewindow.logistics.model import Event, encode
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action, may
from tradewindow.web.openapi_docs import document
from tradewindow.web.problems import ApiError
from tradewindow.web.routes.dcsa import JSON, logistics_of, viewer

CUSTOMS = "customs"
MAX_FOLLOWERS = 50


class GateOutAnswer(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    equipment_reference: str
    allowed: bool
    customs_decision: str | None  # released, held, inspection; None: nothing on file
    document_id: str | None  # the customs document the decision is on
    reason_en: str
    reason_zh: str


class GateAlertView(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    equipment_reference: str
    event_id: str = msgspec.field(name="eventID")
    publisher: str
    customs_decision: str  # the decision on file when it was refused, or "none"
    raised_at: datetime


class FollowersGrant(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Parties to let follow one call (CALL), container (EQ), booking (BKG) or transport
    document (TRD); they then see its events in /v2/events, the stream and the timeline."""

    kind: str
    value: str = msgspec.field(name="value")
    parties: list[str]


class FollowersGranted(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    kind: str
    value: str
    parties: list[str]


class LastMileController(Controller):
    path = "/v1/lastmile"
    tags = ["lastmile"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/gate-out",
        sync_to_thread=True,
        summary="May this container gate out? Yes only with a customs release on file",
        responses=document({200: (GateOutAnswer, "the answer and why")}),
    )
    def gate_out(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        equipment: str = Parameter(query="equipment", min_length=1, max_length=15),
    ) -> GateOutAnswer:
        if not (may(principal, Action.PUBLISH_EVENTS) or principal.agency == CUSTOMS):
            raise _forbidden("only terminals, carriers and customs ask the gate")
        decision = logistics_of(request).customs.may_gate_out(equipment)
        return GateOutAnswer(
            equipment_reference=decision.equipment_reference,
            allowed=decision.allowed,
            customs_decision=decision.customs,
            document_id=decision.document_id,
            reason_en=decision.reason_en,
            reason_zh=decision.reason_zh,
        )

    @get(
        "/alerts",
        sync_to_thread=True,
        summary="Gate-outs refused for containers without a customs release (customs only)",
        responses=document({200: (list[GateAlertView], "alerts, oldest first")}),
    )
    def alerts(self, request: Request[Any, Any, Any], principal: Principal) -> list[GateAlertView]:
        if principal.agency != CUSTOMS:
            raise _forbidden("gate alerts are for customs")
        return [
            GateAlertView(
                equipment_reference=alert.equipment_reference,
                event_id=alert.event_id,
                publisher=alert.publisher,
                customs_decision=alert.reason,
                raised_at=alert.raised_at,
            )
            for alert in logistics_of(request).customs.alerts()
        ]

    @post(
        "/followers",
        sync_to_thread=True,
        status_code=200,
        summary="Let the parties to a shipment follow its events (publishers of its events)",
        responses=document({200: (FollowersGranted, "the parties who now follow it")}),
    )
    def followers(
        self, request: Request[Any, Any, Any], principal: Principal, data: FollowersGrant
    ) -> FollowersGranted:
        if not may(principal, Action.PUBLISH_EVENTS):
            raise _forbidden("only event publishers (terminals, carriers) grant followers")
        events = logistics_of(request).events
        if not data.parties or len(data.parties) > MAX_FOLLOWERS:
            raise ApiError(
                422,
                "lastmile.followers.count",
                f"name between 1 and {MAX_FOLLOWERS} parties",
                f"须列出1至{MAX_FOLLOWERS}个当事方",
            )
        if not events.may_grant(principal.party_id, data.kind, data.value):
            # not yours to share (or no such reference): answered as if it did not exist
            raise ApiError(
                404,
                "lastmile.followers.unknown_reference",
                "you have published nothing about this reference",
                "您未发布过与该编号相关的事件",
            )
        for party in data.parties:
            events.entitle(party, data.kind, data.value)
        return FollowersGranted(kind=data.kind, value=data.value, parties=sorted(data.parties))

    @get(
        "/timeline",
        sync_to_thread=True,
        summary="Everything the caller may see about one booking, B/L or container, in order",
        responses=document({200: (list[Event], "events in the order they happened")}),
    )
    def timeline(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        booking: str | None = Parameter(query="booking", default=None, min_length=1, max_length=35),
        transport_document: str | None = Parameter(
            query="transportDocument", default=None, min_length=1, max_length=20
        ),
        equipment: str | None = Parameter(
            query="equipment", default=None, min_length=1, max_length=15
        ),
    ) -> Response[bytes]:
        if sum(v is not None for v in (booking, transport_document, equipment)) != 1:
            raise ApiError(
                400,
                "lastmile.timeline.reference",
                "give exactly one of booking, transportDocument or equipment",
                "须且仅须给出 booking、transportDocument 或 equipment 之一",
            )
        found = timeline(
            logistics_of(request).events,
            viewer(principal),
            booking=booking,
            transport_document=transport_document,
            equipment=equipment,
        )
        return Response(content=encode(found), media_type=JSON)


def _forbidden(why: str) -> ApiError:
    return ApiError(403, "auth.forbidden", why, "无权访问")
