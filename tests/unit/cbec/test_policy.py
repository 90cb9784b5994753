"""The CBEC retail import policy editions and their limit rules, one test per rule."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.cbec.retail_policy import (
    EDITIONS,
    POLICY_2016,
    POLICY_2019,
    CbecPolicy,
    clears_at_full_tax,
    exceeds_annual_limit,
    exceeds_transaction_limit,
    is_single_indivisible_item,
    policy_on,
)


class Line:
    def __init__(self, qty: str) -> None:
        self.qty = D(qty)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2016, 4, 7), None),  # the day before 财关税〔2016〕18号
        (date(2016, 4, 8), POLICY_2016),
        (date(2018, 12, 31), POLICY_2016),
        (date(2019, 1, 1), POLICY_2019),  # 财关税〔2018〕49号
        (date(2026, 6, 30), POLICY_2019),
    ],
)
def test_policy_on_picks_the_edition_in_force(day: date, expected: CbecPolicy | None) -> None:
    assert policy_on(day) == expected


def test_editions_carry_the_published_limits() -> None:
    assert (POLICY_2016.transaction_limit, POLICY_2016.annual_limit) == (D(2000), D(20000))
    assert (POLICY_2019.transaction_limit, POLICY_2019.annual_limit) == (D(5000), D(26000))
    for edition in EDITIONS:
        assert edition.tariff_rate_within_limits == 0
        assert edition.domestic_tax_factor == D("0.7")
    assert POLICY_2019.single_item_full_tax
    assert not POLICY_2016.single_item_full_tax
    assert POLICY_2016.source == "财关税〔2016〕18号"
    assert POLICY_2019.source == "财关税〔2018〕49号"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_exactly_one_latest_edition_applies_on_any_day(day: date) -> None:
    policy = policy_on(day)
    started = [e for e in EDITIONS if e.effective_from <= day]
    if not started:
        assert policy is None
        return
    assert policy is not None
    assert policy.effective_from <= day
    assert all(e.effective_from <= policy.effective_from for e in started)
    assert policy_on(policy.effective_from - timedelta(days=1)) != policy


@pytest.mark.parametrize(
    ("policy", "value", "over"),
    [
        (POLICY_2019, "5000.00", False),  # the limit itself is within it
        (POLICY_2019, "5000.01", True),
        (POLICY_2016, "2000.00", False),
        (POLICY_2016, "2000.01", True),
        (POLICY_2016, "4999.99", True),
    ],
)
def test_exceeds_transaction_limit(policy: CbecPolicy, value: str, over: bool) -> None:
    assert exceeds_transaction_limit(policy, D(value)) is over


@pytest.mark.parametrize(
    ("policy", "year_total", "value", "over"),
    [
        (POLICY_2019, "25999.99", "0.01", False),  # reaching 26,000.00 exactly is within
        (POLICY_2019, "25999.99", "0.02", True),
        (POLICY_2019, "0", "26000.00", False),
        (POLICY_2016, "19000", "1000.00", False),
        (POLICY_2016, "19000", "1000.01", True),
    ],
)
def test_exceeds_annual_limit(policy: CbecPolicy, year_total: str, value: str, over: bool) -> None:
    assert exceeds_annual_limit(policy, D(year_total), D(value)) is over


@pytest.mark.parametrize(
    ("quantities", "single"),
    [
        (["1"], True),
        (["1.000"], True),
        (["2"], False),
        (["0.5"], False),
        (["1", "1"], False),
        ([], False),
    ],
)
def test_is_single_indivisible_item(quantities: list[str], single: bool) -> None:
    assert is_single_indivisible_item([Line(q) for q in quantities]) is single


@pytest.mark.parametrize(
    ("policy", "quantities", "value", "full"),
    [
        (POLICY_2019, ["1"], "5000.01", True),
        (POLICY_2019, ["1"], "5000.00", False),  # within the limit: not full tax
        (POLICY_2019, ["2"], "5000.01", False),
        (POLICY_2019, ["1", "1"], "5000.01", False),
        (POLICY_2016, ["1"], "2000.01", False),  # 2016: such items go to general trade
    ],
)
def test_clears_at_full_tax(
    policy: CbecPolicy, quantities: list[str], value: str, full: bool
) -> None:
    lines = [Line(q) for q in quantities]
    assert clears_at_full_tax(policy, lines, D(value)) is full
