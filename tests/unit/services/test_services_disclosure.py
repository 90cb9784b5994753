"""The disclosure policy: each viewer's cut, the personal-data reads, retention."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest

import services_builders as sb
from tradewindow.services.disclosure import (
    Viewer,
    cut,
    parse_disclosure,
    personal_read,
    retention_due,
    shipped_disclosure,
)
from tradewindow.services.identity import Home
from tradewindow.services.recognition import Application, State
from tradewindow.violations import Rejected

NOW = datetime(2026, 12, 5, tzinfo=UTC)


def application(state: State = State.RECOGNISED) -> Application:
    return Application(
        id="SA0123456789ABCDEF",
        owner="chan",
        form=sb.form(),
        home=Home.HK,
        department="sz_housing",
        state=state,
        documents=(),
        submitted_at=NOW,
        updated_at=NOW,
        filing_number="GBA-HK-2026-89ABCDEF",
    )


def shown(viewer: Viewer) -> set[str]:
    view = cut(shipped_disclosure(), viewer, application())
    return set(msgspec.to_builtins(view))


def test_the_public_never_sees_identity_numbers_or_the_id() -> None:
    public = shown(Viewer.PUBLIC)
    assert {"filingNumber", "nameEn", "licenceNumber", "employerName"} <= public
    assert not {"identityNumber", "identityKind", "employerUscc", "id", "documents"} & public


def test_the_officer_and_the_applicant_see_identity() -> None:
    assert {"identityNumber", "id", "documents"} <= shown(Viewer.OFFICER)
    assert {"identityNumber", "id"} <= shown(Viewer.APPLICANT)
    assert "identityNumber" not in shown(Viewer.EMPLOYER)


def test_reads_of_personal_data_are_named_except_the_applicants_own() -> None:
    policy = shipped_disclosure()
    assert personal_read(policy, Viewer.OFFICER) == [
        "documents",
        "identityKind",
        "identityNumber",
        "nameEn",
        "nameZh",
    ]
    assert personal_read(policy, Viewer.PUBLIC) == ["nameEn", "nameZh"]
    assert personal_read(policy, Viewer.APPLICANT) == []


def test_retention_of_closed_applications() -> None:
    policy = shipped_disclosure()
    assert retention_due(policy, application(State.WITHDRAWN), date(2027, 12, 6))
    assert not retention_due(policy, application(State.WITHDRAWN), date(2027, 12, 5))
    assert not retention_due(policy, application(State.RECOGNISED), date(2040, 1, 1))


def test_a_typo_in_the_policy_refuses_to_load() -> None:
    with pytest.raises(Rejected) as refused:
        parse_disclosure(
            """
            [viewers]
            public = ["filingNumber", "identityNo"]
            employer = []
            officer = []
            [retention]
            recognised = 5
            """
        )
    assert [v.path for v in refused.value.violations] == [
        "viewers/public",
        "viewers",
        "retention/recognised",
    ]
