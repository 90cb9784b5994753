"""Combined status: every combination of decisions of two and three agencies."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.status import (
    AgencyOutcome,
    Decision,
    FilingStatus,
    combine,
    return_info,
)

AGENCIES = ("customs", "inspection_quarantine", "foreign_exchange")
CHOICES = (None, *Decision)
AT = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def outcomes(decisions: tuple[Decision | None, ...]) -> list[AgencyOutcome]:
    return [
        AgencyOutcome(
            agency=agency,
            decision=decision,
            reason=None if decision in (None, Decision.RELEASE) else f"{agency} says {decision}",
            decided_at=None if decision is None else AT,
        )
        for agency, decision in zip(AGENCIES, decisions, strict=False)
    ]


def expected(decisions: tuple[Decision | None, ...]) -> tuple[FilingStatus, str]:
    if Decision.REFUSE in decisions:
        return FilingStatus.REFUSED, "100"
    if Decision.HOLD in decisions or Decision.REQUEST_DOCUMENTS in decisions:
        return FilingStatus.HELD, "300"
    if Decision.INSPECT in decisions:
        return FilingStatus.INSPECTION, "500"
    if all(d is Decision.RELEASE for d in decisions):
        return FilingStatus.RELEASED, "800"
    return FilingStatus.PENDING, "120"


COMBINATIONS = [
    combination for size in (2, 3) for combination in itertools.product(CHOICES, repeat=size)
]


@pytest.mark.parametrize(
    "decisions", COMBINATIONS, ids=["-".join(str(d) for d in c) for c in COMBINATIONS]
)
def test_every_combination(decisions: tuple[Decision | None, ...]) -> None:
    status = combine(outcomes(decisions))

    assert (status.status, status.return_status) == expected(decisions)
    assert status.waiting_for == [a for a, d in zip(AGENCIES, decisions, strict=False) if d is None]
    stopped = {(o.agency, o.decision, o.reason) for o in status.stopped_by}
    assert stopped == {
        (a, d, f"{a} says {d}")
        for a, d in zip(AGENCIES, decisions, strict=False)
        if d not in (None, Decision.RELEASE)
    }
    assert len(status.agencies) == len(decisions)


def test_table_of_figures() -> None:
    table = [
        ((Decision.RELEASE, Decision.RELEASE), "released", "800"),
        ((Decision.RELEASE, None), "pending", "120"),
        ((Decision.RELEASE, Decision.INSPECT), "inspection", "500"),
        ((None, Decision.HOLD), "held", "300"),
        ((Decision.INSPECT, Decision.HOLD), "held", "300"),
        ((Decision.HOLD, Decision.REFUSE, Decision.RELEASE), "refused", "100"),
        ((None, None, Decision.REFUSE), "refused", "100"),
    ]
    for decisions, status, code in table:
        combined = combine(outcomes(decisions))
        assert (combined.status.value, combined.return_status) == (status, code), decisions


def test_the_worst_decision_is_listed_first() -> None:
    combined = combine(outcomes((Decision.INSPECT, Decision.HOLD, Decision.REFUSE)))
    assert [o.decision for o in combined.stopped_by] == [
        Decision.REFUSE, Decision.HOLD, Decision.INSPECT,
    ]  # fmt: skip


def test_no_agency_is_never_released() -> None:
    assert combine([]).status is FilingStatus.PENDING


def test_return_info_names_the_agency_and_reason() -> None:
    policy = shipped_policy()
    held = combine(outcomes((Decision.RELEASE, Decision.HOLD)))
    assert return_info(policy, held) == (
        "[agency.hold] Inspection and Quarantine / 检验检疫: inspection_quarantine says hold"
    )
    waiting = combine(outcomes((Decision.RELEASE, None, None)))
    assert return_info(policy, waiting) == (
        "waiting for / 等待: Inspection and Quarantine / 检验检疫, Foreign Exchange / 外汇"
    )
    released = combine(outcomes((Decision.RELEASE, Decision.RELEASE)))
    assert return_info(policy, released) == "released by every agency / 各机构均已放行"
    long = combine([AgencyOutcome(agency="customs", decision=Decision.REFUSE, reason="x" * 2000)])
    assert len(return_info(policy, long)) == 1000
