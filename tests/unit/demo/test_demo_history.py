"""The generated history: seasonality, growth, city mix, exact money, reproducibility."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow.compute as pc

from tradewindow.analytics.lake import SCHEMA
from tradewindow.analytics.rates import shipped_rates
from tradewindow.demo.history import day_lines, plan
from tradewindow.reference.gba import gba_city

RATES = shipped_rates()


def test_a_plan_covers_every_day_with_festivals_busier_and_growth_year_on_year() -> None:
    history = plan(start=date(2024, 1, 1), months=24, lines_per_day=1_000)
    days = {day: count for day, count, _ in history.days}
    assert len(days) == 731
    assert min(days) == date(2024, 1, 1)
    assert max(days) == date(2025, 12, 31)
    assert days[date(2024, 11, 11)] > 4 * days[date(2024, 11, 20)]  # Double 11
    assert days[date(2024, 6, 18)] > 3 * days[date(2024, 6, 25)]  # 618
    assert days[date(2024, 2, 10)] < 0.5 * days[date(2024, 3, 12)]  # Spring Festival lull
    assert days[date(2025, 3, 12)] > 1.2 * days[date(2024, 3, 12)]  # a year of growth
    solved = plan(start=date(2024, 1, 1), months=24, total_lines=500_000)
    assert abs(solved.lines - 500_000) < 1_000


def test_a_day_is_reproducible_and_has_the_lake_schema() -> None:
    first = day_lines(date(2025, 11, 11), 5_000, seed=7, export_share=0.4, rates=RATES)
    again = day_lines(date(2025, 11, 11), 5_000, seed=7, export_share=0.4, rates=RATES)
    assert first.schema == SCHEMA
    assert first.num_rows == 5_000
    assert first.equals(again)
    assert pc.sum(pc.equal(first["direction"], "export")).as_py() == 2_000


def test_export_values_are_converted_at_the_dated_rate_and_half_up_to_the_fen() -> None:
    table = day_lines(date(2025, 5, 20), 2_000, seed=1, export_share=1.0, rates=RATES)
    usd = RATES.rate("USD", date(2025, 5, 20))
    for row in table.slice(0, 200).to_pylist():
        assert row["currency"] == "USD"
        assert row["cny_rate"] == usd
        assert row["value_cny"] == RATES.to_cny(row["value"], "USD", date(2025, 5, 20))[1]


def test_imports_are_in_yuan_with_gba_cities_or_outside_and_lists_number_their_lines() -> None:
    table = day_lines(date(2025, 5, 20), 3_000, seed=1, export_share=0.0, rates=RATES)
    rows = table.to_pylist()
    assert {row["currency"] for row in rows} == {"CNY"}
    assert all(row["value"] == row["value_cny"] > Decimal(0) for row in rows)
    cities = {row["city"] for row in rows}
    assert None in cities
    assert {"shenzhen", "guangzhou"} <= cities
    assert all(gba_city(city) for city in cities - {None})
    keys = [(row["doc_key"], row["line_no"]) for row in rows]
    assert len(set(keys)) == len(keys)
    assert {row["line_no"] for row in rows} >= {1, 2}
