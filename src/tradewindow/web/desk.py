"""An agency's work over the web, shared by the API (``routes/agency.py``) and the officers'
workbench (``portal/workbench.py``): the same checks, the same evidence, the same follow-up.

- ``agency_of``: the principal's agency, when its roles grant ``action`` (else 403).
- ``view_task`` / ``view_notice``: the task's (or an informed agency's notice's) filing as
  the policy grants it; a read of personal data is appended to the evidence log before it is
  returned, the same way for both.
- ``decided``: after a decision, its evidence record and the list following the agencies'
  combined verdict (new CEB622, and CEB816 on release, under the message guid
  ``decision:<task id>``; an export list's CEB604, by ``ClearExport.settle``).
"""

from __future__ import annotations

import hashlib

import msgspec

from tradewindow.agencies.notices import NoticeView
from tradewindow.agencies.queue import AgencyView, Task
from tradewindow.evidence.chain import RecordKind
from tradewindow.export.sharing import is_export_filing
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action, require
from tradewindow.web.problems import ApiError
from tradewindow.web.window import Window


def agency_of(principal: Principal, action: Action) -> str:
    require(principal, action)
    if principal.agency is None:  # only agencies hold queue and decide grants
        raise ApiError(403, "auth.forbidden", "not an agency", "非监管机构")
    return principal.agency


def view_task(window: Window, principal: Principal, task_id: int) -> AgencyView:
    view = window.desk.view(agency_of(principal, Action.VIEW_QUEUE), task_id)
    _record_read(window, principal, view.task.filing, f"task:{task_id}", view)
    return view


def view_notice(window: Window, principal: Principal, notice_id: int) -> NoticeView:
    view = window.desk.notices.view(agency_of(principal, Action.VIEW_QUEUE), notice_id)
    _record_read(window, principal, view.notice.filing, f"notice:{notice_id}", view)
    return view


def _record_read(
    window: Window, principal: Principal, filing: str, item: str, view: AgencyView | NoticeView
) -> None:
    """The evidence record of a view holding personal data: the filing, the task or notice
    read, each personal-data field, and the digest of exactly what was shown."""
    if not view.personal_data:
        return
    window.evidence.append(
        RecordKind.PERSONAL_DATA_READ,
        [filing, item, *(f"field:{p}" for p in view.personal_data)],
        hashlib.sha256(msgspec.json.encode(view.documents)).hexdigest(),
        principal.party_id,
        at=window.clock(),
    )


def decided(window: Window, principal: Principal, task: Task, record: bytes) -> None:
    """``record``: the exact bytes of the decision as made (the request body, or the form's
    decision and reason), whose digest the evidence log keeps."""
    window.evidence.append(
        RecordKind.DECISION,
        [task.filing, f"task:{task.id}"],
        hashlib.sha256(record).hexdigest(),
        principal.party_id,
        at=window.clock(),
    )
    if is_export_filing(task.filing):  # an export list follows its tasks in export clearance
        window.app.export.settle(task.filing, window.clock())
        return
    window.app.clearance.settle([task.filing], reason=f"decision:{task.id}")
