"""Every lawfulness rule at its thresholds, per edition ("以上" includes, "不满" excludes)."""

from __future__ import annotations

from datetime import date

import pytest

from tradewindow.datachannel.lawfulness import (
    POLICY_2022,
    POLICY_2024,
    Mechanism,
    Totals,
    core_data_needs_assessment,
    covered,
    gba_route_applies,
    important_data_needs_assessment,
    persons_need_assessment,
    persons_need_contract,
    policy_on,
    required_mechanism,
    sensitive_persons_need_assessment,
    sensitive_persons_need_contract,
    window_start,
)
from tradewindow.datachannel.model import Classification, PersonalInformation, Region

C = Classification
P = PersonalInformation
DAY = date(2026, 5, 1)
NOTHING_SENT = Totals()


def test_policy_on_picks_the_edition_in_force() -> None:
    assert policy_on(date(2022, 8, 31)) is None
    assert policy_on(date(2022, 9, 1)) is POLICY_2022
    assert policy_on(date(2024, 3, 21)) is POLICY_2022
    assert policy_on(date(2024, 3, 22)) is POLICY_2024


def test_window_start_is_this_year_since_2024_and_last_year_before() -> None:
    assert window_start(POLICY_2024, date(2026, 5, 1)) == date(2026, 1, 1)
    assert window_start(POLICY_2022, date(2023, 5, 1)) == date(2022, 1, 1)


def test_important_data_needs_assessment() -> None:
    assert important_data_needs_assessment(C.IMPORTANT)
    assert not important_data_needs_assessment(C.GENERAL)
    assert not important_data_needs_assessment(C.CORE)  # core has its own rule


def test_core_data_needs_assessment() -> None:
    assert core_data_needs_assessment(C.CORE)
    assert not core_data_needs_assessment(C.IMPORTANT)


@pytest.mark.parametrize(
    ("persons", "expected"), [(999_999, False), (1_000_000, True), (1_000_001, True)]
)
def test_persons_need_assessment_at_one_million_2024(persons: int, expected: bool) -> None:
    assert persons_need_assessment(POLICY_2024, Totals(persons=persons)) is expected


@pytest.mark.parametrize(("persons", "expected"), [(99_999, False), (100_000, True)])
def test_persons_need_assessment_at_one_hundred_thousand_2022(persons: int, expected: bool) -> None:
    assert persons_need_assessment(POLICY_2022, Totals(persons=persons)) is expected


@pytest.mark.parametrize(("sensitive", "expected"), [(9_999, False), (10_000, True)])
def test_sensitive_persons_need_assessment_at_ten_thousand(sensitive: int, expected: bool) -> None:
    for policy in (POLICY_2022, POLICY_2024):
        assert sensitive_persons_need_assessment(policy, Totals(sensitive_persons=sensitive)) is (
            expected
        )


@pytest.mark.parametrize(("persons", "expected"), [(99_999, False), (100_000, True)])
def test_persons_need_contract_at_one_hundred_thousand_2024(persons: int, expected: bool) -> None:
    assert persons_need_contract(POLICY_2024, Totals(persons=persons)) is expected


def test_persons_need_contract_for_any_person_2022() -> None:
    assert persons_need_contract(POLICY_2022, Totals(persons=1))
    assert not persons_need_contract(POLICY_2022, Totals(persons=0))


def test_sensitive_persons_need_contract_from_one() -> None:
    assert sensitive_persons_need_contract(Totals(sensitive_persons=1))
    assert not sensitive_persons_need_contract(Totals(sensitive_persons=0))


def test_gba_route_applies_between_the_nine_cities_and_hong_kong_for_general_data() -> None:
    assert gba_route_applies(Region.MAINLAND_GBA, Region.HONG_KONG, C.GENERAL)
    assert not gba_route_applies(Region.MAINLAND_GBA, Region.MACAO, C.GENERAL)
    assert not gba_route_applies(Region.MAINLAND_OTHER, Region.HONG_KONG, C.GENERAL)
    assert not gba_route_applies(Region.MAINLAND_GBA, Region.HONG_KONG, C.IMPORTANT)


def _required(
    kind: P,
    persons: int,
    before: Totals = NOTHING_SENT,
    classification: C = C.GENERAL,
    recipient: Region = Region.MACAO,
    day: date = DAY,
) -> Mechanism:
    return required_mechanism(
        day, classification, kind, persons, before, Region.MAINLAND_GBA, recipient
    ).mechanism


@pytest.mark.parametrize(
    ("before", "persons", "expected"),
    [
        (0, 99_999, Mechanism.EXEMPT),
        (99_999, 1, Mechanism.STANDARD_CONTRACT),  # the running total crosses 100,000
        (0, 100_000, Mechanism.STANDARD_CONTRACT),
        (0, 999_999, Mechanism.STANDARD_CONTRACT),
        (999_999, 1, Mechanism.SECURITY_ASSESSMENT),
    ],
)
def test_required_mechanism_counts_the_running_total(
    before: int, persons: int, expected: Mechanism
) -> None:
    assert _required(P.PERSONAL, persons, Totals(persons=before)) is expected


def test_required_mechanism_for_sensitive_information() -> None:
    assert _required(P.SENSITIVE, 1) is Mechanism.STANDARD_CONTRACT
    assert _required(P.SENSITIVE, 9_999) is Mechanism.STANDARD_CONTRACT
    assert _required(P.SENSITIVE, 1, Totals(sensitive_persons=9_999)) is (
        Mechanism.SECURITY_ASSESSMENT
    )


def test_required_mechanism_names_the_gba_contract_on_its_route() -> None:
    assert _required(P.PERSONAL, 100_000, recipient=Region.HONG_KONG) is (
        Mechanism.GBA_STANDARD_CONTRACT
    )
    assert _required(P.PERSONAL, 1_000_000, recipient=Region.HONG_KONG) is (
        Mechanism.SECURITY_ASSESSMENT
    )


def test_required_mechanism_without_personal_information_is_judged_by_classification() -> None:
    huge = Totals(persons=5_000_000, sensitive_persons=50_000)
    assert _required(P.NONE, 0, huge) is Mechanism.EXEMPT
    assert _required(P.NONE, 0, classification=C.IMPORTANT) is Mechanism.SECURITY_ASSESSMENT
    assert _required(P.NONE, 0, classification=C.CORE) is Mechanism.SECURITY_ASSESSMENT


def test_required_mechanism_under_2022_rules_counts_any_person() -> None:
    assert _required(P.PERSONAL, 1, day=date(2023, 7, 1)) is Mechanism.STANDARD_CONTRACT
    assert _required(P.PERSONAL, 100_000, day=date(2023, 7, 1)) is Mechanism.SECURITY_ASSESSMENT


def test_required_mechanism_reports_rules_and_totals() -> None:
    found = required_mechanism(
        DAY, C.GENERAL, P.PERSONAL, 10, Totals(persons=99_995), Region.MAINLAND_GBA, Region.MACAO
    )
    assert found.rules == ("persons_need_contract",)
    assert found.totals_after == Totals(persons=100_005)
    assert "CAC Order No. 16" in found.source


def test_covered_by_an_equal_or_stronger_mechanism() -> None:
    assert covered(Mechanism.EXEMPT, frozenset())
    assert not covered(Mechanism.STANDARD_CONTRACT, frozenset())
    assert not covered(Mechanism.STANDARD_CONTRACT, frozenset({Mechanism.GBA_STANDARD_CONTRACT}))
    assert covered(Mechanism.GBA_STANDARD_CONTRACT, frozenset({Mechanism.STANDARD_CONTRACT}))
    assert covered(Mechanism.STANDARD_CONTRACT, frozenset({Mechanism.SECURITY_ASSESSMENT}))
    assert not covered(Mechanism.SECURITY_ASSESSMENT, frozenset({Mechanism.STANDARD_CONTRACT}))
