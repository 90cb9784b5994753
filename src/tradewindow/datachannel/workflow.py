"""A transfer's life: requested (lawful on the day), uploaded (manifest sealed), released to its
named recipients once every approval the policy asks for is recorded, destroyed after its
retention date. Every step is a pure function from the old transfer to the new one, or a
:class:`~tradewindow.violations.Rejected` carrying every reason with a code.

Release needs (:func:`missing_approvals`): the data officer of each side; for sensitive personal
information two different data officers of the sender (the two-person rule); for important or
core data, or where the lawfulness check asked for one, a recorded security-assessment approval
with its reference. Nobody approves a transfer they requested.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from msgspec import structs

from tradewindow.datachannel.lawfulness import Mechanism, Requirement, covered
from tradewindow.datachannel.model import (
    Approval,
    ApprovalKind,
    Classification,
    Dataset,
    PersonalInformation,
    Project,
    Role,
    Transfer,
    TransferState,
)
from tradewindow.violations import Rejected, Violation


def _no(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=f"DATA.{code}", en=en, zh=zh)


def request_transfer(
    *,
    id: str,
    project: Project,
    dataset: Dataset,
    requested_by: str,
    recipients: Iterable[str],
    requirement: Requirement,
    on_file: frozenset[Mechanism],
    day: date,
    retain_until: date,
) -> Transfer:
    """A new transfer, or every reason it may not be made."""
    problems: list[Violation] = []
    requester = project.member(requested_by)
    if requester is None or requester.institution != project.sender:
        problems.append(
            _no(
                "requestedBy",
                "transfer.requester",
                "only a member of the sending institution may request a transfer",
                "只有数据提供方机构的项目成员可以申请传输",
            )
        )
    names = tuple(dict.fromkeys(recipients))
    for index, person in enumerate(names, 1):
        member = project.member(person)
        if member is None or member.institution != project.recipient:
            problems.append(
                _no(
                    f"recipients[{index}]",
                    "transfer.recipient",
                    f"{person} is not a member of the receiving institution",
                    f"{person}不是接收方机构的项目成员",
                )
            )
    if not names:
        problems.append(
            _no("recipients", "transfer.recipients", "name a recipient", "请指定接收人")
        )
    if dataset.project != project.code:
        problems.append(
            _no(
                "dataset",
                "transfer.dataset",
                "the dataset is not this project's",
                "数据集不属于本项目",
            )
        )
    if not project.approved_on(day):
        problems.append(
            _no(
                "project",
                "transfer.projectApproval",
                "the project has no valid ethics and data-office approval today",
                "项目当日没有有效的伦理审查和数据管理部门批准",
            )
        )
    if retain_until < day:
        problems.append(
            _no("retainUntil", "transfer.retention", "the retention date is past", "保存期限已过")
        )
    if not covered(requirement.mechanism, on_file):
        problems.append(
            _no(
                "mechanism",
                f"transfer.mechanism.{requirement.mechanism.value}",
                f"this transfer needs a {requirement.mechanism.value.replace('_', ' ')} on file"
                f" ({requirement.source}: {', '.join(requirement.rules)}); none is",
                f"本次传输需要已备案的{_MECHANISM_ZH[requirement.mechanism]}"
                f"（{requirement.source}），尚无",
            )
        )
    if problems:
        raise Rejected(problems)
    return Transfer(
        id=id,
        project=project.code,
        dataset=dataset.code,
        requested_by=requested_by,
        recipients=names,
        mechanism=requirement.mechanism.value,
        state=TransferState.REQUESTED,
        retain_until=retain_until,
    )


_MECHANISM_ZH = {
    Mechanism.EXEMPT: "（免予申报）",
    Mechanism.GBA_STANDARD_CONTRACT: "粤港澳大湾区个人信息跨境流动标准合同",
    Mechanism.STANDARD_CONTRACT: "个人信息出境标准合同或认证",
    Mechanism.SECURITY_ASSESSMENT: "数据出境安全评估",
}


def needs_assessment(transfer: Transfer, dataset: Dataset) -> bool:
    return (
        dataset.classification in (Classification.IMPORTANT, Classification.CORE)
        or transfer.mechanism == Mechanism.SECURITY_ASSESSMENT.value
    )


def refused_request(
    refusal: Rejected,
    *,
    id: str,
    project: Project,
    dataset: Dataset,
    requested_by: str,
    recipients: Iterable[str],
    requirement: Requirement,
    retain_until: date,
) -> Transfer | None:
    """The refused transfer kept for a request refused only for want of its mechanism (the
    researcher, the data officers and the regulator's register see it and the mechanism it
    needed; refused, it counts in no total). A request wrong in itself (not a member, no
    recipient, the project unapproved…) is answered and recorded as evidence only."""
    mechanism = f"DATA.transfer.mechanism.{requirement.mechanism.value}"
    if not refusal.violations or any(v.code != mechanism for v in refusal.violations):
        return None
    return Transfer(
        id=id,
        project=project.code,
        dataset=dataset.code,
        requested_by=requested_by,
        recipients=tuple(dict.fromkeys(recipients)),
        mechanism=requirement.mechanism.value,
        state=TransferState.REFUSED,
        retain_until=retain_until,
        refused_for=mechanism,
    )


def may_request_again(existing: Transfer, dataset: str, person: str) -> bool:
    """A request refused for want of its mechanism may be made again under its id, for the same
    dataset by the same person (once the mechanism is on file it passes); any other transfer's id
    is taken."""
    return (
        existing.state is TransferState.REFUSED
        and existing.refused_for.startswith("DATA.transfer.mechanism.")
        and existing.dataset == dataset
        and existing.requested_by == person
    )


def awaiting(transfer: Transfer, dataset: Dataset) -> tuple[str, ...]:
    """The approvals an open transfer (requested or uploaded) waits for; a released, refused or
    destroyed one waits for none."""
    if transfer.state not in (TransferState.REQUESTED, TransferState.UPLOADED):
        return ()
    return missing_approvals(transfer, dataset)


def missing_approvals(transfer: Transfer, dataset: Dataset) -> tuple[str, ...]:
    """What stands between the transfer and its release, as codes (empty: it may be released)."""
    missing: list[str] = []
    senders = {a.person for a in transfer.approvals if a.kind is ApprovalKind.SENDER_OFFICER}
    wanted = 2 if dataset.personal_information is PersonalInformation.SENSITIVE else 1
    if len(senders) < wanted:
        missing.append("sender_officer" if not senders else "second_sender_officer")
    if not any(a.kind is ApprovalKind.RECIPIENT_OFFICER for a in transfer.approvals):
        missing.append("recipient_officer")
    if needs_assessment(transfer, dataset) and not any(
        a.kind is ApprovalKind.SECURITY_ASSESSMENT and a.reference for a in transfer.approvals
    ):
        missing.append("security_assessment")
    return tuple(missing)


def approve(transfer: Transfer, project: Project, approval: Approval) -> Transfer:
    """The transfer with ``approval`` recorded, or why it may not be."""
    problems: list[Violation] = []
    if transfer.state not in (TransferState.REQUESTED, TransferState.UPLOADED):
        problems.append(_state(transfer, "approved"))
    member = project.member(approval.person)
    side = project.recipient if approval.kind is ApprovalKind.RECIPIENT_OFFICER else project.sender
    if member is None or member.role is not Role.DATA_OFFICER or member.institution != side:
        problems.append(
            _no(
                "person",
                f"approval.{approval.kind.value}.role",
                "only the data officer of that side's institution may give this approval",
                "只有该方机构的数据保护负责人可以作出此项批准",
            )
        )
    if approval.person == transfer.requested_by:
        problems.append(
            _no(
                "person",
                "approval.ownRequest",
                "nobody approves a transfer they requested",
                "申请人不得批准本人的申请",
            )
        )
    if approval.kind is ApprovalKind.SECURITY_ASSESSMENT and not approval.reference.strip():
        problems.append(
            _no(
                "reference",
                "approval.security_assessment.reference",
                "a security-assessment approval is recorded with its reference",
                "数据出境安全评估批准须记录其编号",
            )
        )
    if any(a.kind is approval.kind and a.person == approval.person for a in transfer.approvals):
        problems.append(
            _no("person", "approval.twice", "this approval is already recorded", "该批准已记录")
        )
    if problems:
        raise Rejected(problems)
    return msgspec_replace(transfer, approvals=(*transfer.approvals, approval))


def mark_uploaded(transfer: Transfer, manifest_root: str) -> Transfer:
    if transfer.state is not TransferState.REQUESTED:
        raise Rejected([_state(transfer, "uploaded")])
    return msgspec_replace(transfer, state=TransferState.UPLOADED, manifest_root=manifest_root)


def release(transfer: Transfer, dataset: Dataset) -> Transfer:
    """The transfer released to its recipients: only once uploaded and fully approved."""
    if transfer.state is not TransferState.UPLOADED:
        raise Rejected([_state(transfer, "released")])
    missing = missing_approvals(transfer, dataset)
    if missing:
        raise Rejected(
            [
                _no(
                    "approvals",
                    f"release.missing.{code}",
                    f"the release waits for the {code.replace('_', ' ')} approval",
                    f"放行尚缺{_APPROVAL_ZH[code]}",
                )
                for code in missing
            ]
        )
    return msgspec_replace(transfer, state=TransferState.RELEASED)


_APPROVAL_ZH = {
    "sender_officer": "提供方数据保护负责人的批准",
    "second_sender_officer": "提供方第二名数据保护负责人的批准（双人规则）",
    "recipient_officer": "接收方数据保护负责人的批准",
    "security_assessment": "数据出境安全评估批准",
}


def refuse(transfer: Transfer, project: Project, person: str) -> Transfer:
    member = project.member(person)
    if transfer.state in (TransferState.REFUSED, TransferState.DESTROYED):
        raise Rejected([_state(transfer, "refused")])
    if member is None or member.role is not Role.DATA_OFFICER:
        raise Rejected(
            [
                _no(
                    "person",
                    "refusal.role",
                    "only a data officer refuses",
                    "只有数据保护负责人可以拒绝",
                )
            ]
        )
    return msgspec_replace(transfer, state=TransferState.REFUSED)


def destroy(transfer: Transfer, day: date) -> Transfer:
    """The copy is destroyed: after its retention date, or at once once refused."""
    if transfer.state is TransferState.DESTROYED:
        raise Rejected([_state(transfer, "destroyed")])
    if transfer.state is not TransferState.REFUSED and day <= transfer.retain_until:
        raise Rejected(
            [
                _no(
                    "retainUntil",
                    "destruction.early",
                    f"the copy is kept until {transfer.retain_until}",
                    f"该副本保存至{transfer.retain_until}",
                )
            ]
        )
    return msgspec_replace(transfer, state=TransferState.DESTROYED)


def may_download(transfer: Transfer, person: str) -> bool:
    return transfer.state is TransferState.RELEASED and person in transfer.recipients


def _state(transfer: Transfer, verb: str) -> Violation:
    return _no(
        "state",
        f"transfer.state.{transfer.state.value}",
        f"a {transfer.state.value} transfer cannot be {verb}",
        f"处于“{transfer.state.value}”状态的传输不能执行此操作",
    )


def msgspec_replace(transfer: Transfer, **changes: object) -> Transfer:
    """``msgspec.structs.replace`` typed for a Transfer."""
    return structs.replace(transfer, **changes)


def approval_at(kind: ApprovalKind, person: str, at: datetime, reference: str = "") -> Approval:
    return Approval(kind=kind, person=person, at=at, reference=reference)
