"""A live stream of events for web pages: ``GET /v2/events/stream`` (Server-Sent Events).

The same filters as ``GET /v2/events`` and the same visibility (``EventService.audience``:
the publisher, the parties entitled to a reference of the event, the agencies whose policy
grants its type). It follows the event store's change feed, so it sees what any API process
stored. Each message is ``event: <eventType>``, ``id: <change number>`` and the event as
``data``; a client that reconnects with ``Last-Event-ID`` resumes after it, otherwise the
stream starts with what is stored from now on. ``eventCreatedDateTime``, ``limit`` and
``cursor`` belong to paged queries and are refused here (400). A stream ends after
:data:`STREAM_SECONDS` (the browser's EventSource reconnects and resumes).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from tradewindow.logistics.events import EventService, Viewer
from tradewindow.logistics.filters import EventFilter, facts, matches, parse_query
from tradewindow.logistics.model import decode_event, event_type
from tradewindow.parties.principal import Principal
from tradewindow.violations import Rejected, Violation
from tradewindow.web.openapi_docs import document
from tradewindow.web.routes.dcsa import logistics_of, query_params, viewer

POLL_SECONDS = 0.25
HEARTBEAT_SECONDS = 15.0
STREAM_SECONDS = 600.0
_PAGED_ONLY = ("limit", "cursor")


class EventStreamController(Controller):
    tags = ["dcsa"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/v2/events/stream",
        summary="Live events (Server-Sent Events), same filters and visibility as /v2/events",
        responses=document({}),
    )
    async def stream(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        last_event_id: str | None = Parameter(header="Last-Event-ID", default=None),
    ) -> ServerSentEvent:
        params = query_params(request)
        query = parse_query(params)
        refused = [
            name
            for name in params
            if name in _PAGED_ONLY or name.startswith("eventCreatedDateTime")
        ]
        if refused:
            raise Rejected(
                [
                    Violation(
                        path=name,
                        code="TNT.query.notForStream",
                        en=f"{name} belongs to paged queries, not to the live stream",
                        zh=f"{name} 仅用于分页查询，不适用于实时事件流",
                    )
                    for name in refused
                ]
            )
        service = logistics_of(request).events
        start = _resume_point(last_event_id)
        if start is None:
            start = await anyio.to_thread.run_sync(_newest, service)
        return ServerSentEvent(
            _follow(service, query.filter, viewer(principal), start), retry_duration=2000
        )


def _resume_point(last_event_id: str | None) -> int | None:
    if last_event_id is None:
        return None
    if not last_event_id.strip().isdigit():
        raise Rejected(
            [
                Violation(
                    path="Last-Event-ID",
                    code="TNT.stream.invalidLastEventID",
                    en="Last-Event-ID must be the id of a message this stream sent",
                    zh="Last-Event-ID 须为本事件流发出的消息编号",
                )
            ]
        )
    return int(last_event_id)


def _newest(service: EventService) -> int:
    return service.newest_seq()


async def _follow(
    service: EventService, wanted: EventFilter, watcher: Viewer, after: int
) -> AsyncIterator[ServerSentEventMessage]:
    began = quiet_since = time.monotonic()
    while time.monotonic() - began < STREAM_SECONDS:
        changes = await anyio.to_thread.run_sync(service.changes_after, after, 200)
        for change in changes:
            after = change.seq
            if change.retracted:
                continue
            event = decode_event(change.body)
            if not matches(wanted, facts(event)):
                continue
            audience = await anyio.to_thread.run_sync(service.audience, change.event_id)
            # a newer version is further on in the feed: send that one only
            if audience is None or audience.seq != change.seq:
                continue
            if audience.admits(watcher.party_id, watcher.agency):
                quiet_since = time.monotonic()
                yield ServerSentEventMessage(
                    data=change.body.decode(), id=str(change.seq), event=event_type(event)
                )
        if not changes:
            if time.monotonic() - quiet_since >= HEARTBEAT_SECONDS:
                quiet_since = time.monotonic()
                yield ServerSentEventMessage(comment="keep-alive")
            await anyio.sleep(POLL_SECONDS)
