"""An agency's work over HTTP: its queue (list, claim, view policy-filtered, decide) and, for an
agency that is informed but does not decide, its notices (list, view policy-filtered).

A task or notice of another agency is 404. Every view holding personal data, and every
decision, is appended to the evidence log. The officer is the credential that acts (one per
officer).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from tradewindow.agencies.notices import NoticePage, NoticeSort, NoticeView
from tradewindow.agencies.ports import TaskStatus
from tradewindow.agencies.queue import AgencyView, Task, TaskPage
from tradewindow.agencies.status import Decision
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action
from tradewindow.web.desk import agency_of, decided, view_notice, view_task
from tradewindow.web.inputs import PageNumber, PageSize
from tradewindow.web.openapi_docs import document
from tradewindow.web.window import Window


class DecisionRequest(msgspec.Struct, frozen=True, kw_only=True):
    decision: Decision
    reason: str | None = None


class AgencyController(Controller):
    path = "/v1/agency/tasks"
    tags = ["agency"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get("/", sync_to_thread=True, summary="The agency's queue", responses=document({}))
    def tasks(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        status: TaskStatus | None = None,
        page: PageNumber = 1,
        size: PageSize = 50,
    ) -> TaskPage:
        window: Window = request.app.state.window
        agency = agency_of(principal, Action.VIEW_QUEUE)
        size = min(size, window.limits.page_size)
        return window.desk.list_tasks(agency, status, page, size)

    @post("/{task_id:int}/claim", sync_to_thread=True, status_code=200, responses=document({}))
    def claim(self, request: Request[Any, Any, Any], task_id: int, principal: Principal) -> Task:
        window: Window = request.app.state.window
        agency = agency_of(principal, Action.DECIDE)
        return window.desk.claim(agency, principal.credential_id, task_id)

    @get(
        "/{task_id:int}",
        sync_to_thread=True,
        summary="The task's filing as the policy lets this agency see it",
        responses=document({}),
    )
    def view(
        self, request: Request[Any, Any, Any], task_id: int, principal: Principal
    ) -> AgencyView:
        return view_task(request.app.state.window, principal, task_id)

    @post(
        "/{task_id:int}/decision",
        sync_to_thread=True,
        status_code=200,
        summary="Decide a claimed task (release / hold / inspect / refuse, with a reason)",
        responses=document({200: (Task, "the decided task")}),
    )
    def decide(
        self,
        request: Request[Any, Any, Any],
        task_id: int,
        data: DecisionRequest,
        body: bytes,
        principal: Principal,
        idempotency_key: str | None = Parameter(header="Idempotency-Key", required=False),
    ) -> Response[bytes]:
        window: Window = request.app.state.window
        agency = agency_of(principal, Action.DECIDE)

        def run() -> Response[bytes]:
            task = window.desk.decide(
                agency, principal.credential_id, task_id, data.decision, data.reason
            )
            decided(window, principal, task, body)
            content = msgspec.json.encode(task)
            return Response(content=content, status_code=200, media_type="application/json")

        return window.idempotency.once(
            principal.party_id, idempotency_key, request.url.path, body, run
        )


class AgencyNoticesController(Controller):
    path = "/v1/agency/notices"
    tags = ["agency"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/",
        sync_to_thread=True,
        summary="The filings this agency is informed of (it does not decide on them)",
        responses=document({}),
    )
    def notices(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        filing: str = Parameter(
            default="", max_length=200, description="only filings whose key contains this"
        ),
        sort: NoticeSort = NoticeSort.OLDEST,
        page: PageNumber = 1,
        size: PageSize = 50,
    ) -> NoticePage:
        window: Window = request.app.state.window
        agency = agency_of(principal, Action.VIEW_QUEUE)
        size = min(size, window.limits.page_size)
        return window.desk.notices.list(agency, filing=filing, sort=sort, page=page, size=size)

    @get(
        "/{notice_id:int}",
        sync_to_thread=True,
        summary="The notice's filing as the policy lets this agency see it",
        responses=document({}),
    )
    def view(
        self, request: Request[Any, Any, Any], notice_id: int, principal: Principal
    ) -> NoticeView:
        return view_notice(request.app.state.window, principal, notice_id)
