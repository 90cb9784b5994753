"""Indicator parameters are whitelisted and user values never reach the SQL text."""

from __future__ import annotations

from datetime import date

import pytest

from tradewindow.analytics.query import Query, check, where
from tradewindow.violations import Rejected


def codes(query: Query) -> list[tuple[str, str]]:
    with pytest.raises(Rejected) as refused:
        check(query)
    return [(v.path, v.code) for v in refused.value.violations]


def test_unknown_dimensions_measures_and_periods_are_all_refused_at_once() -> None:
    query = Query(
        period="week",
        by=("city", "city; DROP TABLE lines", "city"),
        measures=("value_cny", "sum(value)"),
        filters={"buyer": ("x",)},
        start=date(2025, 2, 1),
        end=date(2025, 1, 1),
        top=0,
    )
    assert codes(query) == [
        ("period", "analytics.query.period.invalid"),
        ("by[2]", "analytics.query.dimension.invalid"),
        ("by", "analytics.query.repeated.invalid"),
        ("measures[2]", "analytics.query.measure.invalid"),
        ("filters/buyer", "analytics.query.dimension.invalid"),
        ("end", "analytics.query.range.invalid"),
        ("top", "analytics.query.top.invalid"),
    ]


def test_filter_values_are_bound_never_written_into_the_sql() -> None:
    hostile = "5300') OR 1=1 --"
    query = check(Query(filters={"district": (hostile, "5100")}, start=date(2025, 1, 1), end=None))
    clause, arguments = where(query)
    assert hostile not in clause
    assert clause == " WHERE day >= ? AND district IN (?, ?)"
    assert arguments == [date(2025, 1, 1), hostile, "5100"]


def test_a_filter_needs_values() -> None:
    assert codes(Query(filters={"city": ()})) == [
        ("filters/city", "analytics.query.values.invalid")
    ]


def test_a_plain_query_passes() -> None:
    query = Query(by=("city", "hs_chapter"), measures=("value_cny", "documents"), top=10)
    assert check(query) is query
