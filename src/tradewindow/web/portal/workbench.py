"""The agency workbench: the officer's agency's queue (filtered, sorted), one filing as the
agency's policy lets it be seen, decide with a reason, and the history of decisions. An agency
that never decides is sent to its notices (``portal/notice_pages.py``).

Every call is the agency desk's, behind the same grants as ``/v1/agency/tasks``
(``queue.view``, ``decide``); a task of another agency is not found. A view holding personal
data is recorded in the evidence log before it is shown, and a decision is recorded and the
list settled (its new CEB622, and CEB816 on release) as the API does.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.agencies.errors import AgencyError
from tradewindow.agencies.queue import Task
from tradewindow.agencies.status import Decision
from tradewindow.agencies.tables import TaskStatus
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action
from tradewindow.web.desk import agency_of, decided, view_task
from tradewindow.web.pages.shell import language_of
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import SignedIn, check_csrf, require_officer
from tradewindow.web.window import Window

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
QUEUE_LIMIT = 2000  # tasks one listing reads (pages of the desk's maximum size)
PAGE_SIZE = 25
SORTS = {
    "oldest": (lambda t: t.id, False),
    "newest": (lambda t: t.id, True),
    "filing": (lambda t: t.filing, False),
    "decided": (lambda t: t.decided_at.isoformat() if t.decided_at else "", True),
}


def decide_task(
    window: Window, principal: Principal, task_id: int, decision: str, reason: str | None
) -> Task:
    """Claim (when open) and decide the task, record the decision, settle the list."""
    agency = agency_of(principal, Action.DECIDE)
    officer = principal.credential_id
    window.desk.claim(agency, officer, task_id)
    task = window.desk.decide(agency, officer, task_id, decision, reason)
    decided(
        window,
        principal,
        task,
        msgspec.json.encode({"decision": task.decision, "reason": task.reason}),
    )
    return task


class Workbench(Controller):
    path = "/workbench"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def queue(
        self,
        request: Request[Any, Any, Any],
        status: str | None = "open",
        sort: str = "oldest",
        filing: str = "",
        page: int = 1,
    ) -> Template | Redirect:
        who = require_officer(request)
        window: Window = request.app.state.window
        granted = window.policy.agency(agency_of(who.principal, Action.VIEW_QUEUE))
        if granted is not None and not granted.decides:
            return Redirect(path="/workbench/notices", status_code=303)  # it is only informed
        chosen = TaskStatus(status) if status in {s.value for s in TaskStatus} else None
        return _listing(request, who, chosen, sort, filing, page, "portal/workbench.html")

    @get("/history", sync_to_thread=True)
    def history(self, request: Request[Any, Any, Any], filing: str = "", page: int = 1) -> Template:
        who = require_officer(request)
        return _listing(
            request, who, TaskStatus.DECIDED, "decided", filing, page, "portal/history.html"
        )

    @get("/tasks/{task_id:int}", sync_to_thread=True)
    def task(self, request: Request[Any, Any, Any], task_id: int) -> Template:
        who = require_officer(request)
        return _task_page(request, who, task_id)

    @post("/tasks/{task_id:int}/decision", sync_to_thread=True, status_code=303)
    def decide(
        self, request: Request[Any, Any, Any], task_id: int, data: Form
    ) -> Template | Redirect:
        who = require_officer(request)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        try:
            decide_task(window, who.principal, task_id, data.get("decision", ""),
                        data.get("reason"))  # fmt: skip
        except AgencyError as error:
            if error.code.endswith("not_found"):
                raise
            text = coded_text(language_of(request), error.en, error.zh)
            status = 409 if error.code.startswith("agency.task.") else 422
            return _task_page(request, who, task_id, error=(error.code, text), status=status,
                              form=data)  # fmt: skip
        return Redirect(path=f"/workbench/tasks/{task_id}?decided=1", status_code=303)


def _listing(
    request: Request[Any, Any, Any],
    who: SignedIn,
    status: TaskStatus | None,
    sort: str,
    filing: str,
    page: int,
    template: str,
) -> Template:
    window: Window = request.app.state.window
    agency = agency_of(who.principal, Action.VIEW_QUEUE)
    tasks: list[Task] = []
    number = 1
    while len(tasks) < QUEUE_LIMIT:
        found = window.desk.list_tasks(agency, status, number, 100)
        tasks += found.tasks
        if not found.has_more:
            break
        number += 1
    wanted = filing.strip().upper()
    if wanted:
        tasks = [t for t in tasks if wanted in t.filing.upper()]
    sort = sort if sort in SORTS else "oldest"
    key, reverse = SORTS[sort]
    tasks.sort(key=key, reverse=reverse)
    page = max(page, 1)
    shown = tasks[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    context = {
        "tasks": shown,
        "total": len(tasks),
        "status": status.value if status else "",
        "statuses": [s.value for s in TaskStatus],
        "sort": sort,
        "sorts": list(SORTS),
        "filing": filing,
        "page": page,
        "pages": max(1, -(-len(tasks) // PAGE_SIZE)),
        "agency": window.policy.agency(agency),
    }
    return portal_page(request, template, context, who)


def _task_page(
    request: Request[Any, Any, Any],
    who: SignedIn,
    task_id: int,
    *,
    error: tuple[str, str] | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> Template:
    window: Window = request.app.state.window
    view = view_task(window, who.principal, task_id)
    context = {
        "view": view,
        "task": view.task,
        "documents": view.documents,
        "decisions": [d.value for d in Decision],
        "mine": view.task.officer in (None, who.principal.credential_id),
        "error": error,
        "form": form or {},
        "decided": request.query_params.get("decided") == "1",
    }
    return portal_page(request, "portal/task.html", context, who, status_code=status)
