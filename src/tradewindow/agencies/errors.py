"""The work queue's refusals: typed, with stable codes and English / Chinese messages.

The HTTP edge maps the classes: :class:`NotFound` → 404, :class:`Conflict` → 409,
:class:`DecisionInvalid` → 422. A task or notice of another agency is *not found*, never
"forbidden": an agency does not learn which filings other agencies work on.
"""

from __future__ import annotations

from tradewindow.violations import Violation


class AgencyError(Exception):
    def __init__(self, code: str, en: str, zh: str, path: str = "") -> None:
        super().__init__(f"{code}: {en}")
        self.code, self.en, self.zh, self.path = code, en, zh, path

    @property
    def violation(self) -> Violation:
        return Violation(path=self.path, code=self.code, en=self.en, zh=self.zh)


class NotFound(AgencyError):
    pass


class Conflict(AgencyError):
    pass


class DecisionInvalid(AgencyError):
    pass


def task_not_found(task: int) -> NotFound:
    return NotFound(
        "agency.task.not_found",
        f"no task {task} in this agency's queue",
        f"本机构队列中无任务 {task}",
    )


def notice_not_found(notice: int) -> NotFound:
    return NotFound(
        "agency.notice.not_found",
        f"no notice {notice} for this agency",
        f"本机构无通知 {notice}",
    )


def filing_not_found(filing: str) -> NotFound:
    return NotFound(
        "agency.filing.not_found",
        f"filing {filing} has not been routed to any agency",
        f"申报单 {filing} 尚未分派给任何机构",
    )


def already_claimed(task: int) -> Conflict:
    return Conflict(
        "agency.task.already_claimed",
        f"task {task} is claimed by another officer",
        f"任务 {task} 已由其他关员认领",
    )


def not_claimed(task: int) -> Conflict:
    return Conflict(
        "agency.task.not_claimed",
        f"task {task} must be claimed by you before you decide it",
        f"任务 {task} 须先由您认领才能作出决定",
    )


def already_decided(task: int) -> Conflict:
    return Conflict(
        "agency.task.already_decided",
        f"task {task} is already decided; a decision cannot be changed",
        f"任务 {task} 已作出决定，不能更改",
    )


def reason_required(decision: str) -> DecisionInvalid:
    return DecisionInvalid(
        "agency.decision.reason_required",
        f"a reason is required to {decision}",
        "除放行外，作出决定须说明理由",
        path="reason",
    )


def reason_too_long(limit: int) -> DecisionInvalid:
    return DecisionInvalid(
        "agency.decision.reason_too_long",
        f"the reason is longer than {limit} characters",
        f"理由超过 {limit} 个字符",
        path="reason",
    )


def unknown_decision(decision: str) -> DecisionInvalid:
    return DecisionInvalid(
        "agency.decision.unknown",
        f"{decision!r} is not a decision (release, hold, inspect, refuse, request_documents)",
        f"{decision!r} 不是有效的决定（放行、扣留、查验、退单、要求补充单证）",
        path="decision",
    )


def not_a_next_action(task: int, decision: str, allowed: tuple[str, ...]) -> DecisionInvalid:
    return DecisionInvalid(
        "agency.decision.not_next",
        f"task {task} is being followed up: {decision!r} cannot follow; "
        f"choose one of {', '.join(allowed)}",
        f"任务 {task} 正在后续处理中，不能作出“{decision}”；可选：{'、'.join(allowed)}",
        path="decision",
    )
