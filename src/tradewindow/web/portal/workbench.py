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
from tradewindow.agencies.ports import Task, TaskStatus
from tradewindow.agencies.status import Decision, next_actions
from tradewindow.agencies.worklist import WorkQuery, WorkSort
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action
from tradewindow.web.desk import agency_of, decided, view_task
from tradewindow.web.pages.shell import language_of
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import SignedIn, check_csrf, require_officer
from tradewindow.web.window import Window

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
STATUSES = {status.value: status for status in TaskStatus}


def decide_task(
    window: Window, principal: Principal, task_id: int, decision: str, reason: str | None
) -> Task:
    """Decide the task (claimed and decided in one step when open; a refused decision
    changes nothing), record the decision, settle the list."""
    agency = agency_of(principal, Action.DECIDE)
    task = window.desk.claim_and_decide(agency, principal.credential_id, task_id, decision, reason)
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
        sort: str = "newest",
        filing: str = "",
        page: int = 1,
    ) -> Template | Redirect:
        who = require_officer(request)
        window: Window = request.app.state.window
        granted = window.policy.agency(agency_of(who.principal, Action.VIEW_QUEUE))
        if granted is not None and not granted.decides:
            return Redirect(path="/workbench/notices", status_code=303)  # it is only informed
        chosen = STATUSES.get(status or "")
        return _listing(request, who, chosen, sort, filing, page, "queue")

    @get("/follow-up", sync_to_thread=True)
    def follow_up(
        self,
        request: Request[Any, Any, Any],
        sort: str = "newest",
        filing: str = "",
        page: int = 1,
    ) -> Template:
        who = require_officer(request)
        return _listing(request, who, TaskStatus.FOLLOW_UP, sort, filing, page, "follow_up")

    @get("/history", sync_to_thread=True)
    def history(self, request: Request[Any, Any, Any], filing: str = "", page: int = 1) -> Template:
        who = require_officer(request)
        return _listing(request, who, TaskStatus.DECIDED, "decided", filing, page, "history")

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
    view: str,
) -> Template:
    """A page of the agency's work list, found over the whole queue in the database."""
    window: Window = request.app.state.window
    agency = agency_of(who.principal, Action.VIEW_QUEUE)
    chosen = WorkSort(sort) if sort in {s.value for s in WorkSort} else WorkSort.NEWEST
    query = WorkQuery(agency=agency, status=status, search=filing, sort=chosen, page=page)
    found = window.desk.worklist(query)
    context = {
        "work": found,
        "items": found.items,
        "total": found.total,
        "status": status.value if status else "",
        "statuses": [s.value for s in TaskStatus],
        "sort": chosen.value,
        "sorts": [s.value for s in WorkSort],
        "filing": query.wanted,
        "page": found.page,
        "pages": found.pages,
        "view": view,
        "now": window.clock(),
        "agency": window.policy.agency(agency),
    }
    return portal_page(request, "portal/workbench.html", context, who)


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
    task = view.task
    following = task.status is TaskStatus.FOLLOW_UP
    choices = next_actions(task.decision) if following else tuple(Decision)
    context = {
        "view": view,
        "task": task,
        "item": window.desk.item(task.agency, task.id),
        "documents": view.documents,
        "decisions": [d.value for d in choices],
        "following": following,
        # a task being followed up is the agency's: any of its officers takes the next step
        "mine": following or task.officer in (None, who.principal.credential_id),
        "error": error,
        "form": form or {},
        "decided": request.query_params.get("decided") == "1",
    }
    return portal_page(request, "portal/task.html", context, who, status_code=status)
