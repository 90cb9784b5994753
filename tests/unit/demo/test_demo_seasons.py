"""volume_factor: festivals up, the Spring Festival down, ordinary weekdays at 1."""

from __future__ import annotations

from datetime import date, timedelta

from tradewindow.demo import volume_factor


def test_ordinary_weekday_and_weekend() -> None:
    assert volume_factor(date(2026, 4, 15)) == 1.0  # a Wednesday
    assert volume_factor(date(2026, 4, 18)) == 1.1  # a Saturday


def test_festivals() -> None:
    double11 = volume_factor(date(2025, 11, 11))
    assert double11 == 5.0
    assert volume_factor(date(2025, 6, 18)) == 3.5 * 1.0  # 618 of 2025 is a Wednesday
    assert 1.0 < volume_factor(date(2025, 11, 5)) < double11  # pre-sale run up
    assert volume_factor(date(2025, 12, 12)) == 1.8


def test_spring_festival_lull_and_rush() -> None:
    assert volume_factor(date(2026, 2, 18)) == 0.35  # 初二 2026, a Wednesday
    assert volume_factor(date(2026, 1, 27)) == 1.3  # New Year goods, a Tuesday
    assert volume_factor(date(2025, 1, 29)) == 0.35  # 初一 2025
    assert volume_factor(date(2028, 1, 26)) < 0.4


def test_two_years_of_days_are_all_positive_and_mostly_ordinary() -> None:
    days = [date(2025, 1, 1) + timedelta(days=n) for n in range(730)]
    factors = [volume_factor(d) for d in days]
    assert min(factors) > 0
    assert sum(f in (1.0, 1.1) for f in factors) > 0.7 * len(factors)
    assert max(factors) == 5.0  # Double 11 (a weekday in 2025 and 2026)
