"""The public dashboard's figures, asked of the analytics indicators: the one module that knows
``tradewindow.analytics``' API, so a change there is a change here only.

Every figure carries the indicator's ``Definition`` (the exact SQL and its arguments) and the
lake's ``as_of`` time; the page and the JSON API both print what these functions return, so
the page can never show a number the API would not.

What the dashboard shows for a ``Scope`` (a day ``through`` and a direction):

- headline figures for 1 January … ``through`` against the same span a year earlier;
- the monthly series of the last 24 *complete* months with year-on-year growth (a month still
  running would be compared with a whole month a year before);
- rankings (city, HS chapter, partner) for the year to date;
- imports and exports side by side, month by month (``flows``), whatever the direction chosen;
- where exports go: the destinations of the year to date (``destinations``);
- the share of a city's published trade that passed through the platform (``area_share``:
  ``AREA`` against the shipped official totals, for the latest ended year they give that the
  lake holds lines of);
- any breakdown the visitor asks for, up to ``MAX_TABLE_ROWS`` rows.

(Over 400 lines: it is the one module that knows the analytics API (see above), so every figure
the dashboard asks for is here.)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec

from tradewindow.analytics.indicators import DIGITAL_TARGET, Definition, Indicators
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.official import AreaTotal, area_totals
from tradewindow.analytics.query import Query
from tradewindow.violations import Rejected, Violation

DIRECTIONS = ("import", "export")
MONTHS = 24
RANKINGS = {"city": 11, "hs_chapter": 20, "partner": 15}  # dimension → how many to rank
TABLE_DIMENSIONS = (
    "direction",
    "trade_mode",
    "city",
    "district",
    "hs_chapter",
    "partner",
    "platform",
    "currency",
)
TABLE_PERIODS = ("month", "quarter", "year", "all")
TABLE_MEASURES = ("value_cny", "lines", "documents", "tax")
MAX_TABLE_DIMENSIONS = 3
MAX_TABLE_ROWS = 1_000
AREA = "shenzhen"  # the city whose published totals the share card sets the platform against


class Scope(msgspec.Struct, frozen=True, kw_only=True):
    through: date
    direction: str = "import"

    @property
    def year_start(self) -> date:
        return self.through.replace(month=1, day=1)


class Headline(msgspec.Struct, frozen=True, kw_only=True):
    key: str  # e.g. "import_value_ytd"; its name and definition are catalogue messages
    kind: str  # "money", "count" or "ratio"
    value: Decimal | int | None
    year_ago: Decimal | int | None = None
    growth: Decimal | None = None
    target: Decimal | None = None
    # the digital application rate's numerator and denominator
    parts: tuple[int, int] | None = None
    as_of: datetime | None
    definition: Definition


class Point(msgspec.Struct, frozen=True, kw_only=True):
    period: date
    value: Decimal | None
    year_ago: Decimal | None
    yoy: Decimal | None


class Series(msgspec.Struct, frozen=True, kw_only=True):
    points: list[Point]
    as_of: datetime | None
    definition: Definition


class Ranked(msgspec.Struct, frozen=True, kw_only=True):
    code: str | None
    value: Decimal | None
    lines: int


class Ranking(msgspec.Struct, frozen=True, kw_only=True):
    dimension: str
    items: list[Ranked]
    as_of: datetime | None
    definition: Definition


class Flow(msgspec.Struct, frozen=True, kw_only=True):
    period: date
    imports: Decimal | None
    exports: Decimal | None


class Flows(msgspec.Struct, frozen=True, kw_only=True):
    points: list[Flow]
    as_of: datetime | None
    definition: Definition


class AreaShare(msgspec.Struct, frozen=True, kw_only=True):
    """A city's trade through the platform in a year against its published totals: the
    platform's value, the official value and the share, by direction and together
    (``direction`` None); ``months``: the months of the year the lake holds."""

    area: str
    year: int
    rows: list[tuple[str | None, Decimal, Decimal, Decimal | None]]
    months: int
    source: str
    as_of: datetime | None
    definition: Definition


class Breakdown(msgspec.Struct, frozen=True, kw_only=True):
    """What a visitor asks the table for."""

    by: tuple[str, ...] = ("city",)
    period: str = "all"
    measures: tuple[str, ...] = ("value_cny", "lines")
    direction: str = "import"  # or "all"
    start: date | None = None
    end: date | None = None


class Table(msgspec.Struct, frozen=True, kw_only=True):
    """A breakdown's rows: ``period`` (unless ``all``), each dimension's code, each measure
    as a plain exact number; ``truncated`` when more rows existed than ``MAX_TABLE_ROWS``."""

    breakdown: Breakdown
    columns: list[str]
    rows: list[list[str | None]]
    truncated: bool
    as_of: datetime | None
    definition: Definition


def open_indicators(lake_root: Path) -> Indicators:
    return Indicators(Lake(lake_root))


def latest_day(indicators: Indicators) -> date | None:
    """The last statistics day the lake holds, the dashboard's default ``through``."""
    days = indicators.lake.days()
    return max(days) if days else None


def headlines(indicators: Indicators, scope: Scope) -> list[Headline]:
    """Year-to-date import and export value, lists cleared, import tax, digital rate."""
    figures = [
        _year_to_date(indicators, scope, "import_value_ytd", "value_cny", "money", "import"),
        _year_to_date(indicators, scope, "export_value_ytd", "value_cny", "money", "export"),
        _year_to_date(indicators, scope, "lists_ytd", "documents", "count", None),
        _year_to_date(indicators, scope, "import_tax_ytd", "tax", "money", "import"),
    ]
    rate = indicators.digital_application_rate(scope.year_start, scope.through, by=())
    registered, filed, ratio, _target, _meets = rate.rows[0] if rate.rows else (0, 0, None, 0, 0)
    figures.append(
        Headline(
            key="digital_rate",
            kind="ratio",
            value=ratio,
            target=DIGITAL_TARGET,
            parts=(int(filed), int(registered)),
            as_of=rate.as_of,
            definition=rate.definition,
        )
    )
    return figures


def monthly(indicators: Indicators, scope: Scope) -> Series:
    """Value in yuan of the last ``MONTHS`` complete months, with year-on-year growth."""
    start, end = _complete_months(scope)
    result = indicators.growth(
        Query(
            period="month",
            measures=("value_cny",),
            filters={"direction": (scope.direction,)},
            start=start,
            end=end,
        )
    )
    records = result.records()
    points = [
        Point(
            period=row["period"],
            value=row["value_cny"],
            year_ago=row["value_cny_year_ago"],
            yoy=row["yoy"],
        )
        for row in records
    ]
    return Series(points=points, as_of=result.as_of, definition=result.definition)


def flows(indicators: Indicators, scope: Scope) -> Flows:
    """Imports and exports in yuan over the months ``monthly`` shows, side by side."""
    start, end = _complete_months(scope)
    result = indicators.breakdown(
        Query(period="month", by=("direction",), measures=("value_cny",), start=start, end=end)
    )
    by_month: dict[date, dict[str, Decimal | None]] = {}
    for row in result.records():
        by_month.setdefault(row["period"], {})[row["direction"]] = row["value_cny"]
    points = [
        Flow(period=month, imports=values.get("import"), exports=values.get("export"))
        for month, values in sorted(by_month.items())
    ]
    return Flows(points=points, as_of=result.as_of, definition=result.definition)


def destinations(indicators: Indicators, scope: Scope) -> Ranking:
    """Where exports went in the year to date: the partner ranking of exports, whatever the
    direction the page shows."""
    return ranking(indicators, msgspec.structs.replace(scope, direction="export"), "partner")


def area_share(
    indicators: Indicators, scope: Scope, totals: tuple[AreaTotal, ...] | None = None
) -> AreaShare | None:
    """``AREA``'s trade through the platform against its published totals, for the latest
    year ended by the scope's day that the totals give and the lake holds lines of (else the
    latest such year the totals give at all); None when the totals give no such year."""
    given = area_totals() if totals is None else totals
    ended = {t.year for t in given if t.area == AREA and date(t.year, 12, 31) <= scope.through}
    years = sorted(ended)
    if not years:
        return None
    chosen = None
    for year in reversed(years):
        result = indicators.share_of_area(AREA, year, given)
        chosen = chosen or result
        if int(result.notes["months"]):
            chosen = result
            break
    assert chosen is not None  # noqa: S101 - years is not empty
    return AreaShare(
        area=AREA,
        year=int(chosen.definition.parameters["year"]),
        rows=[(r[0], r[1], r[2], r[3]) for r in chosen.rows],
        months=int(chosen.notes["months"]),
        source=chosen.notes["source"],
        as_of=chosen.as_of,
        definition=chosen.definition,
    )


def ranking(indicators: Indicators, scope: Scope, dimension: str) -> Ranking:
    """The year to date's value by ``dimension``, largest first."""
    if dimension not in RANKINGS:
        raise Rejected([_bad("dimension", f"no ranking by {dimension!r}")])
    result = indicators.breakdown(
        Query(
            period="all",
            by=(dimension,),
            measures=("value_cny", "lines"),
            filters={"direction": (scope.direction,)},
            start=scope.year_start,
            end=scope.through,
            top=RANKINGS[dimension],
        )
    )
    items = [
        Ranked(code=row[dimension], value=row["value_cny"], lines=int(row["lines"]))
        for row in result.records()
    ]
    return Ranking(
        dimension=dimension, items=items, as_of=result.as_of, definition=result.definition
    )


def table(indicators: Indicators, breakdown: Breakdown) -> Table:
    """The rows of ``breakdown``, as the page's table and the CSV both print them."""
    filters: dict[str, tuple[str, ...]] = {}
    if breakdown.direction != "all":
        filters["direction"] = (breakdown.direction,)
    result = indicators.breakdown(
        Query(
            period=breakdown.period,
            by=breakdown.by,
            measures=breakdown.measures,
            filters=filters,
            start=breakdown.start,
            end=breakdown.end,
        )
    )
    dated = breakdown.period != "all"
    columns = (["period"] if dated else []) + [*breakdown.by, *breakdown.measures]
    rows: list[list[str | None]] = []
    for record in result.records()[:MAX_TABLE_ROWS]:
        row = [_period(record["period"], breakdown.period)] if dated else []
        row += [record[name] for name in breakdown.by]
        row += [_plain(record[name]) for name in breakdown.measures]
        rows.append(row)
    return Table(
        breakdown=breakdown,
        columns=columns,
        rows=rows,
        truncated=len(result.rows) > MAX_TABLE_ROWS,
        as_of=result.as_of,
        definition=result.definition,
    )


# --- reading a visitor's parameters ------------------------------------------------------


def scope_from(indicators: Indicators, through: str | None, direction: str | None) -> Scope | None:
    """The scope a request asks for; ``None`` when the lake is empty and no day is given."""
    violations: list[Violation] = []
    day = _day("through", through, violations) or latest_day(indicators)
    if direction and direction not in DIRECTIONS:
        violations.append(_bad("direction", f"direction must be one of {DIRECTIONS}"))
    if violations:
        raise Rejected(violations)
    return Scope(through=day, direction=direction or "import") if day else None


def breakdown_from(parameters: dict[str, Any], default_end: date | None) -> Breakdown:
    """A ``Breakdown`` from query parameters (``by`` and ``measure`` may repeat); every
    problem found is raised at once."""
    violations: list[Violation] = []
    by = tuple(_many(parameters.get("by"))) or ("city",)
    measures = tuple(_many(parameters.get("measure"))) or ("value_cny", "lines")
    period = str(parameters.get("period") or "all")
    direction = str(parameters.get("direction") or "import")
    for name in by:
        if name not in TABLE_DIMENSIONS:
            violations.append(_bad("by", f"{name!r} is not a table dimension"))
    if len(by) > MAX_TABLE_DIMENSIONS or len(set(by)) != len(by):
        violations.append(_bad("by", f"choose 1 to {MAX_TABLE_DIMENSIONS} different dimensions"))
    for name in measures:
        if name not in TABLE_MEASURES:
            violations.append(_bad("measure", f"{name!r} is not a measure"))
    if period not in TABLE_PERIODS:
        violations.append(_bad("period", f"period must be one of {TABLE_PERIODS}"))
    if direction not in (*DIRECTIONS, "all"):
        violations.append(_bad("direction", "direction must be import, export or all"))
    end = _day("end", parameters.get("end"), violations) or default_end
    start = _day("start", parameters.get("start"), violations)
    if start is None and end is not None:
        start = end.replace(month=1, day=1)
    if start and end and start > end:
        violations.append(_bad("end", "end is before start"))
    if violations:
        raise Rejected(violations)
    return Breakdown(
        by=by, period=period, measures=measures, direction=direction, start=start, end=end
    )


def empty_lake() -> Rejected:
    return Rejected([_bad("through", "the statistics store holds no day yet; give through=")])


def _year_to_date(
    indicators: Indicators,
    scope: Scope,
    key: str,
    measure: str,
    kind: str,
    direction: str | None,
) -> Headline:
    filters: dict[str, tuple[str, ...]] = {"direction": (direction,)} if direction else {}
    result = indicators.year_to_date(scope.through, measure=measure, filters=filters)
    value, year_ago, growth = result.rows[0] if result.rows else (None, None, None)
    return Headline(
        key=key,
        kind=kind,
        value=value,
        year_ago=year_ago,
        growth=growth,
        as_of=result.as_of,
        definition=result.definition,
    )


def _period(start: date | None, period: str) -> str | None:
    if start is None:
        return None
    if period == "month":
        return f"{start:%Y-%m}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _plain(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _many(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if str(item)]


def _day(name: str, text: object, violations: list[Violation]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        violations.append(_bad(name, f"{name} must be a day written YYYY-MM-DD"))
        return None


def _complete_months(scope: Scope) -> tuple[date, date]:
    """The first and last day of the last ``MONTHS`` complete months up to the scope's day."""
    next_day = scope.through + timedelta(days=1)
    end = scope.through if next_day.day == 1 else scope.through.replace(day=1) - timedelta(days=1)
    return _months_before(end.replace(day=1), MONTHS - 1), end


def _months_before(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _bad(path: str, en: str) -> Violation:
    return Violation(path=path, code=f"stats.{path}.invalid", en=en, zh=_ZH.get(path, "参数无效"))


_ZH = {
    "through": "截止日期格式应为 YYYY-MM-DD",
    "start": "开始日期格式应为 YYYY-MM-DD",
    "end": "结束日期无效或早于开始日期",
    "direction": "进出口方向无效",
    "flow": "进出口方向无效",
    "by": "统计维度无效",
    "measure": "统计指标无效",
    "period": "统计周期无效",
    "dimension": "不支持按此维度排名",
}
