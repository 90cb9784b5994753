"""Server-rendered pages: the shared shell (templates, languages, static assets) and the public
statistics dashboard.

The app factory mounts them with::

    from tradewindow.web.pages import routers, template_config
    Litestar(route_handlers=[*api_routers, *routers()], template_config=template_config())

and may point the dashboard at a lake with ``app.state["analytics_lake"] = Path(...)``
(default ``<TRADEWINDOW_DATA_DIR>/lake``).
"""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

from tradewindow.violations import Rejected
from tradewindow.web.pages import errors, stats
from tradewindow.web.pages.shell import STATIC, template_config

STATIC_CACHE_SECONDS = 24 * 3600

__all__ = ["routers", "template_config"]


def routers() -> list[Router]:
    """The pages' routers: ``/`` and ``/stats`` (HTML), ``/stats/api`` (JSON), ``/static``."""
    pages = Router(
        path="/",
        route_handlers=[stats.home, stats.StatsPages],
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
    from tradewindow.web.portal import routers as portal  # sign-in, portal, workbench
    from tradewindow.web.public import routers as public  # lookup, sandbox, status (no cycle)

    return [pages, api, static, *public(), *portal()]
