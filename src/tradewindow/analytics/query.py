"""What an indicator query may ask, checked against whitelists, and the SQL pieces it makes.

Users name dimensions, measures and periods by words from fixed tables below; only those
tables' SQL text ever reaches the statement. Every value a user gives (days, filter values,
counts) is passed to DuckDB as a bound parameter, never formatted into the SQL.
"""

from __future__ import annotations

from datetime import date

import msgspec

from tradewindow.analytics.rollup import ROLLUP_MEASURES
from tradewindow.violations import Rejected, Violation

# dimension → column of the ``lines`` view (identical names: the table is the whitelist)
DIMENSIONS: dict[str, str] = {
    name: name
    for name in (
        "direction",
        "trade_mode",
        "city",
        "office_city",
        "district",
        "office",
        "port",
        "platform",
        "enterprise",
        "agent",
        "hs_chapter",
        "hs_heading",
        "hs_subheading",
        "gcode",
        "partner",
        "origin",
        "destination",
        "currency",
    )
}
# period → SQL giving the first day of the period the line's day falls in
PERIODS: dict[str, str] = {
    "day": "day",
    "month": "CAST(date_trunc('month', day) AS DATE)",
    "quarter": "CAST(date_trunc('quarter', day) AS DATE)",
    "year": "CAST(date_trunc('year', day) AS DATE)",
    "all": "NULL::DATE",
}
STEPS: dict[str, str] = {
    "day": "INTERVAL 1 DAY",
    "month": "INTERVAL 1 MONTH",
    "quarter": "INTERVAL 3 MONTH",
    "year": "INTERVAL 1 YEAR",
}
# measure → aggregate; ``{f}`` takes an optional FILTER clause
MEASURES: dict[str, str] = {
    "value_cny": "sum(value_cny){f}",
    "lines": "count(*){f}",
    "documents": "count(DISTINCT doc_key){f}",
    "tax": "sum(customs_tax + vat + consumption_tax){f}",
    "quantity": "sum(quantity){f}",
}
MAX_FILTER_VALUES = 1_000
MAX_TOP = 1_000


class Query(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A breakdown: measures by period and dimensions, over days ``start``–``end``
    (inclusive), keeping lines whose dimension values are among ``filters``' values."""

    period: str = "month"
    by: tuple[str, ...] = ()
    measures: tuple[str, ...] = ("value_cny", "lines")
    start: date | None = None
    end: date | None = None
    filters: dict[str, tuple[str, ...]] = {}
    top: int | None = None  # the first N by the first measure (within each period)


def check(query: Query) -> Query:
    """``query`` itself, or ``Rejected`` with every problem found."""
    violations: list[Violation] = []
    if query.period not in PERIODS:
        violations.append(_bad("period", "period", f"unknown period {query.period!r}"))
    for index, name in enumerate(query.by, start=1):
        if name not in DIMENSIONS:
            violations.append(_bad(f"by[{index}]", "dimension", f"unknown dimension {name!r}"))
    if len(set(query.by)) != len(query.by):
        violations.append(_bad("by", "repeated", "a dimension is named twice"))
    if not query.measures:
        violations.append(_bad("measures", "measure", "name at least one measure"))
    for index, name in enumerate(query.measures, start=1):
        if name not in MEASURES:
            violations.append(_bad(f"measures[{index}]", "measure", f"unknown measure {name!r}"))
    for name, values in query.filters.items():
        if name not in DIMENSIONS:
            violations.append(_bad(f"filters/{name}", "dimension", f"unknown dimension {name!r}"))
        if not values or len(values) > MAX_FILTER_VALUES:
            violations.append(
                _bad(f"filters/{name}", "values", f"give 1 to {MAX_FILTER_VALUES} values")
            )
    if query.start and query.end and query.start > query.end:
        violations.append(_bad("end", "range", "end is before start"))
    if query.top is not None and not 1 <= query.top <= MAX_TOP:
        violations.append(_bad("top", "top", f"top must be 1 to {MAX_TOP}"))
    if violations:
        raise Rejected(violations)
    return query


def where(query: Query, *, start: date | None = None) -> tuple[str, list[object]]:
    """The WHERE clause (days and filters) and its arguments; ``start`` overrides the query's
    (a growth query reads a year further back)."""
    clauses: list[str] = []
    arguments: list[object] = []
    first = start or query.start
    if first:
        clauses.append("day >= ?")
        arguments.append(first)
    if query.end:
        clauses.append("day <= ?")
        arguments.append(query.end)
    for name in sorted(query.filters):
        values = query.filters[name]
        clauses.append(f"{DIMENSIONS[name]} IN ({', '.join('?' for _ in values)})")
        arguments.extend(values)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", arguments


def measure_sql(name: str, condition: str = "", *, rolled: bool = False) -> str:
    """The aggregate of measure ``name`` over the day files' lines or, ``rolled``, over the
    roll-ups' rows (``rollup.ROLLUP_MEASURES``), optionally filtered by ``condition``."""
    table = ROLLUP_MEASURES if rolled else MEASURES
    return table[name].format(f=f" FILTER (WHERE {condition})" if condition else "")


_ZH = {
    "period": "未知的统计周期",
    "dimension": "未知的统计维度",
    "repeated": "维度重复",
    "measure": "未知的统计指标",
    "values": "筛选值数量不符",
    "range": "结束日期早于开始日期",
    "top": "排名数量超出范围",
}


def _bad(path: str, rule: str, en: str) -> Violation:
    return Violation(path=path, code=f"analytics.query.{rule}.invalid", en=en, zh=_ZH[rule])
