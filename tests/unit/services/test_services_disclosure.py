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
from tradewindow.services.statistics import professional_statistics, registry_statistics
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


def test_professional_statistics() -> None:
    found = professional_statistics(
        [
            ("hk-architect", "HK", "shenzhen", "recognised", 3),
            ("hk-architect", "HK", "guangzhou", "suspended", 1),
            ("mo-doctor", "MO", "zhuhai", "recognised", 2),
            ("mo-doctor", "MO", "zhuhai", "refused", 5),
        ],
        [("2026-01", "hk-architect", 2), ("2025-12", "mo-doctor", 2), ("2026-01", "mo-doctor", 2)],
    )
    assert found.in_register == 6
    assert [(c.key, c.count) for c in found.by_profession] == [
        ("hk-architect", 4),
        ("mo-doctor", 2),
    ]
    assert [(c.key, c.count) for c in found.by_city] == [
        ("shenzhen", 3),
        ("zhuhai", 2),
        ("guangzhou", 1),
    ]
    assert [(c.key, c.count) for c in found.by_state] == [
        ("recognised", 5),
        ("refused", 5),
        ("suspended", 1),
    ]
    assert [(m.month, m.recognitions, m.total) for m in found.months] == [
        ("2025-12", 2, 2),
        ("2026-01", 4, 6),
    ]


def test_registry_statistics() -> None:
    found = registry_statistics(
        [("legal", "in_force", 2), ("legal", "planned", 1), ("finance", "planned", 1)],
        [
            (datetime(2026, 1, 3, tzinfo=UTC), "legal", "planned"),
            (datetime(2026, 1, 9, tzinfo=UTC), "legal", "in_force"),
            (datetime(2026, 3, 1, tzinfo=UTC), "finance", "planned"),
        ],
    )
    assert [(f.field, f.planned, f.in_force) for f in found.by_field] == [
        ("legal", 1, 2),
        ("finance", 1, 0),
    ]
    assert [(m.month, m.publications, m.in_force) for m in found.months] == [
        ("2026-01", 2, 1),
        ("2026-03", 1, 0),
    ]
