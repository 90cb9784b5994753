"""Public services, no sign-in: the HS and code lookup, the CEB conformance sandbox and the
status page, each as pages (in English, Simplified and Traditional Chinese) and a JSON API
under ``/api/v1`` (in the OpenAPI document).

``routers()`` is mounted by the app factory (``tradewindow.web.app.pages``); the status page
reads the app's ``state["window"]`` (``tradewindow.web.window``), the lookup and the sandbox
need none.
"""

from __future__ import annotations

from litestar import Router

from tradewindow.web.public.lookup_routes import LookupApi, LookupPages
from tradewindow.web.public.sandbox_routes import SandboxApi, SandboxPages
from tradewindow.web.public.status_routes import StatusApi, StatusPages

__all__ = ["routers"]


def routers() -> list[Router]:
    """The public pages (HTML) and their JSON API."""
    pages = Router(path="/", route_handlers=[LookupPages, SandboxPages, StatusPages])
    api = Router(path="/", route_handlers=[LookupApi, SandboxApi, StatusApi])
    return [pages, api]
