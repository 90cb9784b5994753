"""Server-rendered pages: the shared shell (templates, languages, static assets) and the public
statistics dashboard.

The app factory (``tradewindow.web.app.pages``) mounts them beside the public services
(``web.public``) and the portals (``web.portal``), with ``template_config()``,
and may point the dashboard at a lake with ``app.state["analytics_lake"] = Path(...)``
(default ``<TRADEWINDOW_DATA_DIR>/lake``).
"""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

from tradewindow.violations import Rejected
from tradewindow.web.pages import errors, home, stats
from tradewindow.web.pages.shell import STATIC, template_config

STATIC_CACHE_SECONDS = 24 * 3600

__all__ = ["routers", "template_config"]


def routers() -> list[Router]:
    """The pages' routers: ``/`` (the landing page), ``/progress``, ``/stats`` (HTML),
    ``/stats/api`` (JSON), ``/static``."""
    pages = Router(
        path="/",
        route_handlers=[home.landing, home.ProgressPages, stats.StatsPages],
        exception_handlers={Rejected: errors.rejected_page},
    )
    api = Router(
        path="/",
        route_handlers=[stats.StatsApi],
        exception_handlers={Rejected: errors.rejected_problem},
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC],
        cache_control=CacheControlHeader(max_age=STATIC_CACHE_SECONDS, public=True),
    )
    return [pages, api, static]
