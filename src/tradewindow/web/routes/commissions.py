"""Commissions over HTTP: the principal grants, lists and revokes; the agent lists what it holds.

Translation only (``parties.commission_registry`` holds the rules). A commission the party is
no side of is 404 exactly like one that does not exist; only its principal may revoke it. A
grant needs an ``Idempotency-Key`` like every JSON POST that makes something: a retry gets the
first answer instead of a second commission.
Every grant and revocation is appended to the evidence log by the registry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from tradewindow.parties.commissions import Commission, CommissionState, GrantCommission
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action, require
from tradewindow.web.openapi_docs import document
from tradewindow.web.window import Window


class GrantRequest(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    agent: str  # the agent's party id, or a registration code of it (e.g. its agentCode)
    scope: list[str]  # message types: CEB311, CEB411, CEB511, CEB621, CEB623, CEB625
    valid_from: datetime | None = None  # timezone-aware; now when absent
    valid_until: datetime | None = None  # timezone-aware; open-ended when absent


class CommissionView(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str
    principal: str  # party ids
    agent: str
    scope: list[str]
    valid_from: datetime
    valid_until: datetime | None
    granted_at: datetime
    revoked_at: datetime | None
    state: CommissionState  # as of the answer


class CommissionList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[CommissionView]


class CommissionController(Controller):
    path = "/v1/parties/commissions"
    tags = ["parties"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/",
        sync_to_thread=True,
        summary="Commissions the party has given (side=given) or holds as agent (side=held)",
        responses=document({}),
    )
    def commissions(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        side: Literal["given", "held"] = "given",
    ) -> CommissionList:
        window: Window = request.app.state.window
        require(principal, Action.READ_COMMISSIONS)
        registry = window.commissions
        found = registry.given if side == "given" else registry.held
        now = window.clock()
        return CommissionList(items=[_view(c, now) for c in found(principal.party_id)])

    @post(
        "/",
        sync_to_thread=True,
        status_code=201,
        summary="Commission an agent to file for the party (委托境内代理人)",
        responses=document({201: (CommissionView, "the commission as registered")}),
    )
    def grant(
        self,
        request: Request[Any, Any, Any],
        data: GrantRequest,
        body: bytes,
        principal: Principal,
        idempotency_key: str | None = Parameter(header="Idempotency-Key", required=False),
    ) -> Response[bytes]:
        window: Window = request.app.state.window
        require(principal, Action.GRANT_COMMISSIONS)
        command = GrantCommission(
            agent=data.agent,
            scope=tuple(data.scope),
            valid_from=data.valid_from,
            valid_until=data.valid_until,
        )

        def run() -> Response[bytes]:  # a retried grant must not register a second one
            granted = window.commissions.grant(principal.party_id, command, by=principal.party_id)
            content = msgspec.json.encode(_view(granted, window.clock()))
            return Response(content=content, status_code=201, media_type="application/json")

        return window.idempotency.once(
            principal.party_id, idempotency_key, request.url.path, body, run
        )

    @get(
        "/{commission_id:str}",
        sync_to_thread=True,
        summary="One commission the party has given or holds",
        responses=document({}),
    )
    def commission(
        self, request: Request[Any, Any, Any], commission_id: str, principal: Principal
    ) -> CommissionView:
        window: Window = request.app.state.window
        require(principal, Action.READ_COMMISSIONS)
        found = window.commissions.commission(commission_id, party_id=principal.party_id)
        return _view(found, window.clock())

    @post(
        "/{commission_id:str}/revoke",
        sync_to_thread=True,
        status_code=200,
        summary="Revoke a commission the party has given, at once (idempotent)",
        responses=document({200: (CommissionView, "the revoked commission")}),
    )
    def revoke(
        self, request: Request[Any, Any, Any], commission_id: str, principal: Principal
    ) -> CommissionView:
        window: Window = request.app.state.window
        require(principal, Action.GRANT_COMMISSIONS)
        revoked = window.commissions.revoke(
            commission_id, principal_id=principal.party_id, by=principal.party_id
        )
        return _view(revoked, window.clock())


def _view(commission: Commission, now: datetime) -> CommissionView:
    return CommissionView(
        id=commission.id,
        principal=commission.principal_id,
        agent=commission.agent_id,
        scope=[s.value for s in commission.scope],
        valid_from=commission.valid_from,
        valid_until=commission.valid_until,
        granted_at=commission.granted_at,
        revoked_at=commission.revoked_at,
        state=commission.state(now),
    )
