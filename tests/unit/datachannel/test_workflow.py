"""A transfer's life: requests refused with every reason, approvals by role, the two-person rule,
and — over random sequences of steps (hypothesis) — no important or core dataset is ever released
without a recorded security-assessment approval."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewindow.datachannel.lawfulness import Mechanism, Requirement, Totals
from tradewindow.datachannel.model import (
    Approval,
    ApprovalKind,
    Classification,
    Dataset,
    Member,
    PersonalInformation,
    Project,
    ProjectApproval,
    Role,
    Transfer,
    TransferState,
)
from tradewindow.datachannel.workflow import (
    approve,
    awaiting,
    destroy,
    mark_uploaded,
    may_download,
    may_request_again,
    missing_approvals,
    refuse,
    refused_request,
    release,
    request_transfer,
)
from tradewindow.violations import Rejected, codes_of

DAY = date(2026, 5, 1)
AT = datetime(2026, 5, 1, 8, tzinfo=UTC)
PROJECT = Project(
    code="P1",
    title="Coastal genomes",
    purpose="joint analysis",
    sender="NANSHA",
    recipient="HKCAMPUS",
    members=(
        Member(person="li", institution="NANSHA", role=Role.PRINCIPAL_INVESTIGATOR),
        Member(person="wang", institution="NANSHA", role=Role.DATA_OFFICER),
        Member(person="zhao", institution="NANSHA", role=Role.DATA_OFFICER),
        Member(person="chan", institution="HKCAMPUS", role=Role.MEMBER),
        Member(person="wong", institution="HKCAMPUS", role=Role.DATA_OFFICER),
    ),
    approvals=(
        ProjectApproval(
            kind="ethics",
            reference="E-1",
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        ),
        ProjectApproval(
            kind="data_office",
            reference="D-1",
            valid_from=date(2026, 1, 1),
            valid_until=date(2026, 12, 31),
        ),
    ),
)


def dataset(
    classification: Classification = Classification.GENERAL,
    kind: PersonalInformation = PersonalInformation.NONE,
) -> Dataset:
    return Dataset(
        code="D1",
        project="P1",
        owner="li",
        description="reads",
        format="fastq",
        classification=classification,
        personal_information=kind,
    )


def requirement(mechanism: Mechanism = Mechanism.EXEMPT) -> Requirement:
    return Requirement(mechanism=mechanism, rules=(), source="test", totals_after=Totals())


def requested(
    mechanism: Mechanism = Mechanism.EXEMPT,
    on_file: frozenset[Mechanism] = frozenset(),
    by: str = "li",
    recipients: tuple[str, ...] = ("chan",),
) -> Transfer:
    return request_transfer(
        id="T1",
        project=PROJECT,
        dataset=dataset(),
        requested_by=by,
        recipients=recipients,
        requirement=requirement(mechanism),
        on_file=on_file,
        day=DAY,
        retain_until=date(2026, 12, 31),
    )


def test_request_refused_with_every_reason() -> None:
    with pytest.raises(Rejected) as refused:
        requested(Mechanism.STANDARD_CONTRACT, by="chan", recipients=("wang", "stranger"))
    assert set(codes_of(refused.value.violations)) == {
        "DATA.transfer.requester",
        "DATA.transfer.recipient",
        "DATA.transfer.mechanism.standard_contract",
    }


def _kept(mechanism: Mechanism, **asked: object) -> Transfer | None:
    with pytest.raises(Rejected) as refused:
        requested(mechanism, **asked)  # type: ignore[arg-type]
    by = asked.get("by", "li")
    return refused_request(
        refused.value,
        id="T1",
        project=PROJECT,
        dataset=dataset(),
        requested_by=str(by),
        recipients=("chan",),
        requirement=requirement(mechanism),
        retain_until=date(2026, 12, 31),
    )


def test_a_request_refused_only_for_its_mechanism_is_kept_and_may_be_made_again() -> None:
    kept = _kept(Mechanism.STANDARD_CONTRACT)
    assert kept is not None
    assert kept.state is TransferState.REFUSED
    assert kept.mechanism == "standard_contract"
    assert kept.refused_for == "DATA.transfer.mechanism.standard_contract"
    assert awaiting(kept, dataset()) == ()
    assert may_request_again(kept, "D1", "li")
    assert not may_request_again(kept, "D2", "li")
    assert not may_request_again(kept, "D1", "zhao")
    # wrong in itself as well (the requester is on the receiving side): nothing kept
    assert _kept(Mechanism.STANDARD_CONTRACT, by="chan") is None
    # refused by a data officer: final, its id is taken
    by_officer = refuse(requested(), PROJECT, "wang")
    assert not may_request_again(by_officer, "D1", "li")
    assert awaiting(requested(), dataset()) == missing_approvals(requested(), dataset())


def test_request_passes_with_the_mechanism_on_file() -> None:
    transfer = requested(Mechanism.STANDARD_CONTRACT, frozenset({Mechanism.STANDARD_CONTRACT}))
    assert transfer.state is TransferState.REQUESTED
    assert transfer.mechanism == "standard_contract"


def test_request_needs_a_valid_project_approval() -> None:
    with pytest.raises(Rejected) as refused:
        request_transfer(
            id="T1",
            project=PROJECT,
            dataset=dataset(),
            requested_by="li",
            recipients=("chan",),
            requirement=requirement(),
            on_file=frozenset(),
            day=date(2027, 1, 2),
            retain_until=date(2027, 12, 31),
        )
    assert codes_of(refused.value.violations) == ("DATA.transfer.projectApproval",)


def officer(kind: ApprovalKind, person: str, reference: str = "") -> Approval:
    return Approval(kind=kind, person=person, at=AT, reference=reference)


def test_approvals_are_given_by_each_sides_data_officer() -> None:
    transfer = requested()
    with pytest.raises(Rejected) as refused:
        approve(transfer, PROJECT, officer(ApprovalKind.RECIPIENT_OFFICER, "wang"))
    assert codes_of(refused.value.violations) == ("DATA.approval.recipient_officer.role",)
    with pytest.raises(Rejected):
        approve(transfer, PROJECT, officer(ApprovalKind.SENDER_OFFICER, "li"))
    approved = approve(transfer, PROJECT, officer(ApprovalKind.SENDER_OFFICER, "wang"))
    with pytest.raises(Rejected) as twice:
        approve(approved, PROJECT, officer(ApprovalKind.SENDER_OFFICER, "wang"))
    assert codes_of(twice.value.violations) == ("DATA.approval.twice",)


def test_nobody_approves_their_own_request() -> None:
    transfer = requested(by="li")
    own = Transfer(**{**_fields(transfer), "requested_by": "wang"})
    with pytest.raises(Rejected) as refused:
        approve(own, PROJECT, officer(ApprovalKind.SENDER_OFFICER, "wang"))
    assert codes_of(refused.value.violations) == ("DATA.approval.ownRequest",)


def _fields(transfer: Transfer) -> dict[str, object]:
    return {name: getattr(transfer, name) for name in transfer.__struct_fields__}


def test_sensitive_data_needs_two_sender_officers() -> None:
    data = dataset(kind=PersonalInformation.SENSITIVE)
    transfer = approve(requested(), PROJECT, officer(ApprovalKind.SENDER_OFFICER, "wang"))
    transfer = approve(transfer, PROJECT, officer(ApprovalKind.RECIPIENT_OFFICER, "wong"))
    assert missing_approvals(transfer, data) == ("second_sender_officer",)
    transfer = approve(transfer, PROJECT, officer(ApprovalKind.SENDER_OFFICER, "zhao"))
    assert missing_approvals(transfer, data) == ()


def test_release_after_upload_and_approvals_then_download_by_recipients_only() -> None:
    transfer = requested()
    transfer = approve(transfer, PROJECT, officer(ApprovalKind.SENDER_OFFICER, "wang"))
    with pytest.raises(Rejected) as early:
        release(transfer, dataset())
    assert codes_of(early.value.violations) == ("DATA.transfer.state.requested",)
    transfer = mark_uploaded(transfer, "ab" * 32)
    with pytest.raises(Rejected) as waiting:
        release(transfer, dataset())
    assert codes_of(waiting.value.violations) == ("DATA.release.missing.recipient_officer",)
    transfer = approve(transfer, PROJECT, officer(ApprovalKind.RECIPIENT_OFFICER, "wong"))
    released = release(transfer, dataset())
    assert may_download(released, "chan")
    assert not may_download(released, "li")
    assert not may_download(transfer, "chan")


def test_destroyed_after_retention_or_once_refused() -> None:
    transfer = requested()
    with pytest.raises(Rejected) as early:
        destroy(transfer, date(2026, 12, 31))
    assert codes_of(early.value.violations) == ("DATA.destruction.early",)
    assert destroy(transfer, date(2027, 1, 1)).state is TransferState.DESTROYED
    refused = refuse(transfer, PROJECT, "wong")
    assert destroy(refused, DAY).state is TransferState.DESTROYED


STEPS = st.lists(
    st.sampled_from(
        [
            ("approve", ApprovalKind.SENDER_OFFICER, "wang", ""),
            ("approve", ApprovalKind.SENDER_OFFICER, "zhao", ""),
            ("approve", ApprovalKind.SENDER_OFFICER, "li", ""),
            ("approve", ApprovalKind.RECIPIENT_OFFICER, "wong", ""),
            ("approve", ApprovalKind.RECIPIENT_OFFICER, "chan", ""),
            ("approve", ApprovalKind.SECURITY_ASSESSMENT, "wang", ""),
            ("approve", ApprovalKind.SECURITY_ASSESSMENT, "zhao", "CAC-2026-17"),
            ("approve", ApprovalKind.SECURITY_ASSESSMENT, "wong", "CAC-2026-17"),
            ("upload", None, "", ""),
            ("release", None, "", ""),
            ("refuse", None, "wong", ""),
            ("destroy", None, "", ""),
        ]
    ),
    max_size=25,
)


@settings(max_examples=400, deadline=None)
@given(
    classification=st.sampled_from(list(Classification)),
    kind=st.sampled_from(list(PersonalInformation)),
    steps=STEPS,
)
def test_no_release_without_the_approvals_the_data_asks_for(
    classification: Classification,
    kind: PersonalInformation,
    steps: list[tuple[str, ApprovalKind | None, str, str]],
) -> None:
    data = dataset(classification, kind)
    transfer = requested()
    for step, approval_kind, person, reference in steps:
        try:
            if step == "approve" and approval_kind is not None:
                transfer = approve(transfer, PROJECT, officer(approval_kind, person, reference))
            elif step == "upload":
                transfer = mark_uploaded(transfer, "00" * 32)
            elif step == "release":
                transfer = release(transfer, data)
            elif step == "refuse":
                transfer = refuse(transfer, PROJECT, person)
            else:
                transfer = destroy(transfer, date(2027, 1, 1))
        except Rejected:
            continue
        if transfer.state is TransferState.RELEASED:
            kinds = [a.kind for a in transfer.approvals]
            if classification is not Classification.GENERAL:
                assert any(
                    a.kind is ApprovalKind.SECURITY_ASSESSMENT and a.reference
                    for a in transfer.approvals
                )
            senders = {
                a.person for a in transfer.approvals if a.kind is ApprovalKind.SENDER_OFFICER
            }
            assert len(senders) >= (2 if kind is PersonalInformation.SENSITIVE else 1)
            assert ApprovalKind.RECIPIENT_OFFICER in kinds
            assert transfer.manifest_root
        assert all(a.person != transfer.requested_by for a in transfer.approvals)
