"""The landing page ``/``: what the platform is and a way in for each of its four audiences
(enterprises, agency officers, the public, developers), light enough to answer at once; and
``/progress``, the fragment it polls while a background load (the demo) fills the database.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from tradewindow.web.pages.shell import page


@get("/", include_in_schema=False, sync_to_thread=False)
def landing(request: Request[Any, Any, Any]) -> Template:
    return page(request, "home/landing.html", {})


class ProgressPages(Controller):
    path = "/progress"
    include_in_schema = False

    @get("/", sync_to_thread=False)
    def fragment(self, request: Request[Any, Any, Any]) -> Template:
        """The load's stages (the landing page swaps this in every two seconds)."""
        response = page(request, "home/_progress.html", {})
        response.headers["Cache-Control"] = "no-store"
        return response
