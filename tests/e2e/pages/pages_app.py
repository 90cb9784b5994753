"""The pages in a minimal Litestar app over one lake (the page tests' app, until the app factory
mounts them). A module of its own: ``conftest`` names collide across test folders."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.datastructures import State

from tradewindow.web.app import pages
from tradewindow.web.headers import security_headers
from tradewindow.web.pages.stats import LAKE_STATE


def make_app(lake_root: Path) -> Litestar:
    routers, template_config = pages()
    return Litestar(
        route_handlers=routers,
        template_config=template_config,
        state=State({LAKE_STATE: lake_root}),
        before_send=[security_headers],  # the charts are drawn under the platform's CSP
    )
