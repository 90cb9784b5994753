"""Dated exchange rates: validity by month, carry-forward, rounding to the fen, bad files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tradewindow.analytics.rates import (
    MissingRate,
    RateTable,
    iso_currency,
    parse_rates,
    rates_csv,
    shipped_rates,
)
from tradewindow.violations import Rejected

TABLE = parse_rates(
    "# a test table\n"
    "month,currency,cny_per_unit\n"
    "2025-01,USD,7.1000\n"
    "2025-03,USD,7.2000\n"
    "2025-01,EUR,7.8000\n"
)


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        (date(2025, 1, 1), "7.1000"),  # first day of validity
        (date(2025, 2, 28), "7.1000"),  # no February row: January's rate still holds
        (date(2025, 3, 1), "7.2000"),  # superseded from March
        (date(2026, 7, 9), "7.2000"),  # carried forward
    ],
)
def test_a_rate_holds_from_its_month_until_a_later_month_supersedes_it(
    day: date, rate: str
) -> None:
    assert TABLE.rate("USD", day) == Decimal(rate)


def test_no_rate_before_the_first_month_or_for_an_unknown_currency() -> None:
    with pytest.raises(MissingRate):
        TABLE.rate("USD", date(2024, 12, 31))
    with pytest.raises(MissingRate):
        TABLE.rate("GBP", date(2025, 6, 1))


def test_conversion_rounds_half_up_to_the_fen_once() -> None:
    # 12.35 USD × 7.1 = 87.685 → 87.69 (half up); 0.05 × 7.1 = 0.355 → 0.36
    assert TABLE.to_cny(Decimal("12.35"), "USD", date(2025, 2, 1)) == (
        Decimal("7.1000"),
        Decimal("87.69"),
    )
    assert TABLE.to_cny(Decimal("0.05"), "USD", date(2025, 2, 1))[1] == Decimal("0.36")
    assert TABLE.to_cny(Decimal("99.99"), "CNY", date(1999, 1, 1)) == (Decimal(1), Decimal("99.99"))


def test_a_loaded_file_overrides_the_same_month_and_keeps_the_others() -> None:
    official = parse_rates("month,currency,cny_per_unit\n2025-03,USD,7.1876\n")
    merged = TABLE.overridden_by(official)
    assert merged.rate("USD", date(2025, 3, 15)) == Decimal("7.1876")
    assert merged.rate("USD", date(2025, 2, 15)) == Decimal("7.1000")
    assert merged.rate("EUR", date(2025, 3, 15)) == Decimal("7.8000")
    assert parse_rates(rates_csv(merged)).rows() == merged.rows()


def test_every_bad_row_is_reported_at_once() -> None:
    text = (
        "month,currency,cny_per_unit\n"
        "2025-13,USD,7.1\n"
        "2025-01,XXX,7.1\n"
        "2025-01,EUR,-1\n"
        "2025-01,JPY,0.048\n"
    )
    with pytest.raises(Rejected) as refused:
        parse_rates(text, source="rates.csv")
    assert [(v.path, v.code) for v in refused.value.violations] == [
        ("rates.csv[1]/month", "analytics.rates.month.format"),
        ("rates.csv[2]/currency", "analytics.rates.currency.unknown"),
        ("rates.csv[3]/cny_per_unit", "analytics.rates.cny_per_unit.range"),
    ]
    assert all(v.zh for v in refused.value.violations)


def test_a_file_with_other_columns_is_refused() -> None:
    with pytest.raises(Rejected) as refused:
        parse_rates("date,ccy,rate\n2025-01-01,USD,7.1\n")
    assert refused.value.violations[0].code == "analytics.rates.header.columns"


def test_the_shipped_table_values_the_currencies_of_the_demo() -> None:
    shipped = shipped_rates()
    for currency in ("USD", "EUR", "JPY", "HKD", "MOP", "GBP", "KRW", "AUD"):
        assert Decimal(0) < shipped.rate(currency, date(2025, 6, 1)) < Decimal(10)
    assert iso_currency("142") == "CNY"
    assert iso_currency("502") == "USD"


def test_an_empty_table_knows_only_the_renminbi() -> None:
    assert RateTable([]).rate("CNY", date(2025, 1, 1)) == 1
