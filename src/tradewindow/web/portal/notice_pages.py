"""The workbench of an agency that is informed but does not decide (taxation): its notices,
filtered, sorted and paged, and one notice's filing as the agency's policy lets it be seen.

Read only: no claim, no decision. Every call is the notice board's, behind the same grant as
``/v1/agency/notices`` (``queue.view``); a notice of another agency is not found. A view
holding personal data is recorded in the evidence log before it is shown, as for tasks.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from tradewindow.agencies.notices import NoticeSort
from tradewindow.parties.roles import Action
from tradewindow.web.desk import agency_of, view_notice
from tradewindow.web.portal.pages import portal_page
from tradewindow.web.portal.session import require_officer
from tradewindow.web.window import Window

PAGE_SIZE = 25


class NoticePages(Controller):
    path = "/workbench/notices"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def notices(
        self, request: Request[Any, Any, Any], sort: str = "oldest", filing: str = "", page: int = 1
    ) -> Template:
        who = require_officer(request)
        window: Window = request.app.state.window
        agency = agency_of(who.principal, Action.VIEW_QUEUE)
        chosen = NoticeSort(sort) if sort in {s.value for s in NoticeSort} else NoticeSort.OLDEST
        board = window.desk.notices
        total = board.count(agency, filing=filing)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        found = board.list(agency, filing=filing, sort=chosen, page=page, size=PAGE_SIZE)
        context = {
            "notices": found.notices,
            "total": total,
            "sort": chosen.value,
            "sorts": [s.value for s in NoticeSort],
            "filing": filing,
            "page": page,
            "pages": pages,
            "agency": window.policy.agency(agency),
        }
        return portal_page(request, "portal/notices.html", context, who)

    @get("/{notice_id:int}", sync_to_thread=True)
    def notice(self, request: Request[Any, Any, Any], notice_id: int) -> Template:
        who = require_officer(request)
        view = view_notice(request.app.state.window, who.principal, notice_id)
        context = {"view": view, "notice": view.notice, "documents": view.documents}
        return portal_page(request, "portal/notice.html", context, who)
