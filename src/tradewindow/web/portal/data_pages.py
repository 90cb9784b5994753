"""The research-data channel's pages: researchers and data officers in the portal
(``/portal/data``: my projects, datasets, transfers, the approvals waiting for me, my
institution's totals against the thresholds) and the regulator in the workbench
(``/workbench/data``: the register of transfers and mechanisms, no dataset contents).
Translation only: every read and change is a call of :class:`~tradewindow.datachannel.channel.
Channel` with the same access as the API (the person is the portal account's credential)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.datachannel.channel import Channel, NotFound
from tradewindow.datachannel.lawfulness import policy_on
from tradewindow.datachannel.model import Role
from tradewindow.datachannel.workflow import awaiting
from tradewindow.violations import Rejected, Violation
from tradewindow.web.portal.pages import portal_page
from tradewindow.web.portal.session import (
    SignedIn,
    check_csrf,
    require_officer,
    require_signed_in,
)
from tradewindow.web.problems import ApiError
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
# which approval a missing one asks for (the sender officer's second is the same kind)
_KIND_OF_MISSING = {
    "sender_officer": "sender_officer",
    "second_sender_officer": "sender_officer",
    "recipient_officer": "recipient_officer",
    "security_assessment": "security_assessment",
}


def _channel(request: AnyRequest) -> Channel:
    window: Window = request.app.state.window
    return window.app.data


def _today(request: AnyRequest) -> date:
    window: Window = request.app.state.window
    return window.clock().date()


def _thresholds(day: date) -> dict[str, int]:
    policy = policy_on(day)
    if policy is None:
        return {}
    return {
        "contract": policy.contract_persons,
        "assessment": policy.assessment_persons,
        "sensitive": policy.assessment_sensitive_persons,
    }


class DataPages(Controller):
    path = "/portal/data"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def mine(self, request: AnyRequest) -> Template:
        who = require_signed_in(request)
        return _mine(request, who)

    @post("/transfers/{transfer_id:str}/approve", sync_to_thread=True, status_code=303)
    def approve(self, request: AnyRequest, transfer_id: str, data: Form) -> Template | Redirect:
        who = require_signed_in(request)
        check_csrf(request, who, data)
        try:
            _channel(request).approve(
                who.principal.credential_id,
                transfer_id,
                data.get("kind", ""),
                data.get("reference", ""),
            )
        except NotFound:
            raise ApiError(404, "DATA.not_found", "no such item here", "未找到该项") from None
        except Rejected as refused:
            return _mine(request, who, refused.violations, status=422)
        return Redirect(path="/portal/data", status_code=303)


def _mine(
    request: AnyRequest,
    who: SignedIn,
    problems: list[Violation] | None = None,
    *,
    status: int = 200,
) -> Template:
    channel = _channel(request)
    person = who.principal.credential_id
    projects = channel.projects_of(person)
    by_code = {p.code: p for p in projects}
    rows = []
    for transfer in channel.transfers_for(person):
        project = by_code[transfer.project]
        dataset = channel.records.dataset(transfer.dataset)
        member = project.member(person)
        missing = awaiting(transfer, dataset) if dataset else ()
        mine_to_give = []
        if (
            member is not None
            and member.role is Role.DATA_OFFICER
            and transfer.state.value
            in (
                "requested",
                "uploaded",
            )
        ):
            for code in missing:
                kind = _KIND_OF_MISSING[code]
                side = project.recipient if kind == "recipient_officer" else project.sender
                given = any(a.person == person and a.kind.value == kind for a in transfer.approvals)
                if member.institution == side and not given and person != transfer.requested_by:
                    mine_to_give.append(kind)
        rows.append(
            {
                "transfer": transfer,
                "dataset": dataset,
                "missing": missing,
                "mine": list(dict.fromkeys(mine_to_give)),
            }
        )
    today = _today(request)
    officer_of = sorted(
        {
            m.institution
            for p in projects
            for m in p.members
            if m.person == person and m.role is Role.DATA_OFFICER
        }
    )
    context = {
        "projects": projects,
        "datasets": {p.code: channel.records.datasets(p.code) for p in projects},
        "rows": rows,
        "waiting": [r for r in rows if r["mine"]],
        "totals": {handler: channel.totals(handler, today) for handler in officer_of},
        "thresholds": _thresholds(today),
        "problems": problems or [],
    }
    return portal_page(request, "data/mine.html", context, who, status_code=status)


class RegisterPages(Controller):
    path = "/workbench/data"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def register(self, request: AnyRequest) -> Template:
        who = require_officer(request)
        channel = _channel(request)
        entries = channel.register()
        today = _today(request)
        handlers = sorted({e.sender for e in entries})
        context = {
            "entries": entries,
            "totals": {h: channel.totals(h, today) for h in handlers},
            "thresholds": _thresholds(today),
        }
        return portal_page(request, "data/register.html", context, who)
