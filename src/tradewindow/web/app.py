"""The Litestar application of the single window: ``create_app``.

All state is in the database (see :mod:`tradewindow.web.window`). Every page is mounted
beside the API (:func:`pages`).
"""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.datastructures import ResponseHeader, State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig

from tradewindow.bootstrap import App, bootstrap
from tradewindow.evidence.log import checkpoint_ticker
from tradewindow.logistics.callbacks import API_VERSION as DCSA_API_VERSION
from tradewindow.settings import Settings
from tradewindow.web import public
from tradewindow.web.auth import principal_dependency
from tradewindow.web.headers import security_headers
from tradewindow.web.inputs import StrictRequest, refuse_unreadable
from tradewindow.web.pages import routers as shell_routers
from tradewindow.web.pages import template_config as page_templates
from tradewindow.web.pages.errors import error_answer
from tradewindow.web.portal.mount import routers as portal_routers
from tradewindow.web.portal.services_pages import ServicesPublicPages
from tradewindow.web.routes.agency import AgencyController, AgencyNoticesController
from tradewindow.web.routes.commissions import CommissionController
from tradewindow.web.routes.data import DataController
from tradewindow.web.routes.dcsa import EventController, dcsa_problem
from tradewindow.web.routes.dcsa_lastmile import LastMileController
from tradewindow.web.routes.dcsa_stream import EventStreamController
from tradewindow.web.routes.dcsa_subscriptions import SubscriptionController
from tradewindow.web.routes.export import ExportController
from tradewindow.web.routes.filings import FilingController
from tradewindow.web.routes.messages import MessageController
from tradewindow.web.routes.oauth import OAuthController
from tradewindow.web.routes.procurement import ProcurementController, ProcurementViewsController
from tradewindow.web.routes.services import (
    EmployerVerificationController,
    MyApplicationsController,
    RecognitionOfficerController,
    RuleEditorController,
)
from tradewindow.web.routes.services_public import ServicesPublicApi
from tradewindow.web.routes.settlement import SettlementController
from tradewindow.web.window import open_window

API_VERSION = "1.0.0"


def create_app(app: App | None = None, *, settings: Settings | None = None) -> Litestar:
    """The HTTP application over ``app`` (bootstrapped from ``settings`` or the environment
    when not given; then it is closed with the application). Its limits are
    ``app.settings.api`` and ``app.settings.portal``."""
    owned = app is None
    core = app or bootstrap(settings)
    window = open_window(core)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        # the evidence head is signed on time even when no request comes (issue 15)
        ticker = asyncio.create_task(
            checkpoint_ticker(core.evidence, core.settings.evidence.checkpoint_every)
        )
        try:
            yield
        finally:
            ticker.cancel()
            if owned:
                try:
                    await asyncio.to_thread(core.evidence.seal_tail)
                finally:
                    window.close()

    page_routers, template_config = pages()
    return Litestar(
        route_handlers=[api_router(), *page_routers],
        exception_handlers={Exception: error_answer},
        request_class=StrictRequest,
        before_request=refuse_unreadable,
        before_send=[security_headers],
        request_max_body_size=window.limits.max_body_bytes,
        state=State({"window": window}),
        lifespan=[lifespan],
        openapi_config=openapi_config(),
        template_config=template_config,
        debug=False,
    )


def served_app() -> Litestar:
    """The application ``tradewindow serve`` runs in each worker process: :func:`create_app`
    from the environment, then what start-up made (the rules, the tariff and code tables, the
    routes: ~200,000 objects) frozen out of the cyclic collector's way (``gc.freeze``). Else
    every full collection walks them all, ~60-75 ms with every request in flight waiting
    behind it: at 100 single submissions a second that pause was the API's slowest answers
    (docs/scaling.md). Frozen objects are still freed by reference counting; only cycles
    among them would outlive the process, and start-up's live as long as it does anyway."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def api_router() -> Router:
    """Every API route (``/v1``), each needing a bearer credential but the token endpoint."""
    return Router(
        path="/",
        route_handlers=[
            MessageController,
            FilingController,
            SettlementController,
            AgencyController,
            AgencyNoticesController,
            OAuthController,
            CommissionController,
            DataController,
            LastMileController,
            ProcurementController,
            ProcurementViewsController,
            ExportController,
            RuleEditorController,
            RecognitionOfficerController,
            MyApplicationsController,
            EmployerVerificationController,
            dcsa_router(),
        ],
        dependencies={"principal": Provide(principal_dependency, sync_to_thread=True)},
        security=[{"bearer": []}],
    )


def dcsa_router() -> Router:
    """Every DCSA route: API-Version on each answer, bad requests as 400 problem+json."""
    return Router(
        path="/",
        route_handlers=[EventController, SubscriptionController, EventStreamController],
        response_headers=[ResponseHeader(name="API-Version", value=DCSA_API_VERSION)],
        exception_handlers={Exception: dcsa_problem},
        tags=["dcsa"],
    )


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="tradewindow single window API",
        version=API_VERSION,
        description=(
            "Declare once over HTTP: CEB messages in (XML or JSON), receipts out; the party's "
            "own filings and tax bills; the agencies' work queues and notices. Errors are "
            "application/problem+json with stable codes and field paths."
        ),
        path="/schema",
        render_plugins=[JsonRenderPlugin()],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description="an API key (tw_…) or an OAuth2 access token (twt_…)",
                )
            }
        ),
    )


def pages() -> tuple[list[Router], TemplateConfig[JinjaTemplateEngine]]:
    """Every page's router — the shell and the statistics (``web.pages``), the public services
    (``web.public``: lookup, sandbox, status), the portals (``web.portal``: sign-in, portal,
    workbench) — and the templates' config."""
    # service trade's public API and pages (no sign-in)
    services_api = Router(path="/", route_handlers=[ServicesPublicApi, ServicesPublicPages])
    routers = [*shell_routers(), *public.routers(), services_api, *portal_routers()]
    return routers, page_templates()


def openapi_text() -> str:
    """The OpenAPI document as checked in: sorted keys, two-space indent, final newline."""
    return json.dumps(openapi_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def openapi_document() -> dict[str, object]:
    """The document of the routes, without opening a database (no services are built)."""
    routers, template_config = pages()
    app = Litestar(
        route_handlers=[api_router(), *routers],
        openapi_config=openapi_config(),
        template_config=template_config,
    )
    schema: dict[str, object] = app.openapi_schema.to_schema()
    return schema
