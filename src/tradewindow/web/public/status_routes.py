"""The status page and its JSON (no sign-in).

=====================  ======================================================================
``GET /status``        health, queue depths and the last hour's throughput, as a page
``GET /api/v1/status`` the same figures as JSON
=====================  ======================================================================
"""

from __future__ import annotations

from typing import Any, TypeAlias

from litestar import Controller, Request, get
from litestar.response import Template

from tradewindow.store.web.status import SqlStatusReads
from tradewindow.web.pages.shell import page
from tradewindow.web.public.status import ServiceStatus, service_status
from tradewindow.web.window import Window

AnyRequest: TypeAlias = Request[Any, Any, Any]


class StatusPages(Controller):
    path = "/status"
    include_in_schema = False

    @get("/")
    async def status_page(self, request: AnyRequest) -> Template:
        status = await _status(request)
        # the bars are documents per minute, so the tallest bar is the busiest minute's
        # documents (a message carries up to 100 of them: scaled by messages, bars overflowed)
        peak = (
            max((m.documents for m in status.throughput.minutes), default=0)
            if status.throughput
            else 0
        )
        response = page(request, "public/status.html", {"status": status, "peak": peak})
        response.headers["Cache-Control"] = "no-store"
        return response


class StatusApi(Controller):
    path = "/api/v1/status"
    tags = ["status"]  # noqa: RUF012 - Litestar's declared attribute type

    @get("/", summary="Service health, queue depths and the last hour's throughput")
    async def status(self, request: AnyRequest) -> ServiceStatus:
        """Read from the database when asked: ``healthy`` is true when the database answers,
        its migrations are at the shipped heads and the bus (if configured) accepts a
        connection. ``throughput.minutes`` are the last 60 whole minutes (UTC), the current
        minute last, with the messages and documents received in each."""
        return await _status(request)


async def _status(request: AnyRequest) -> ServiceStatus:
    window: Window = request.app.state["window"]
    core = window.app
    return await service_status(
        SqlStatusReads(core.store.engine), core.policy, core.settings.bus_url, window.clock
    )
