"""Indicators over the lake: DuckDB on the Parquet files, each result with its definition.

``Indicators(lake)`` answers:

- ``breakdown(query)``: measures by period and any dimensions, optionally the top N;
- ``growth(query)``: a series with the same period a year earlier, the previous period,
  year-on-year and period-on-period growth and the cumulative year-to-date;
- ``year_to_date(through, …)``: 1 January to ``through`` against the same span a year before;
- ``share_of_official(district, …)``: the lake's value as a share of an official total;
- ``share_of_area(area, year, totals)``: a GBA city's lines in a year as a share of the city's
  published yearly totals (``official.area_totals``);
- ``digital_application_rate(start, end)``: registered entities that filed digitally.

Every ``Result`` carries its ``Definition`` (indicator, parameters, the exact SQL and its
bound arguments) and the lake's ``as_of`` time, so any figure can be recomputed by running
that SQL on the same files. A question the monthly roll-ups answer exactly is asked of them
(the view ``rollup``, see ``rollup.py``), any other of the day files (``lines``); the same
question on the same files is answered once and then from memory (the lake's file times are
the cache's key, so a load is seen at once). Growth and shares are computed from the exact
sums with Decimal and rounded at one named point (``RATIO``: four places, i.e. 0.01 %).

(Over 400 lines: the five indicators share one query builder, one definition record and one
cache keyed by the lake's files; split, each would re-import all three.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import duckdb
import msgspec

from tradewindow.analytics import entities, official, rollup
from tradewindow.analytics.lake import SCHEMA, Lake
from tradewindow.analytics.query import (
    DIMENSIONS,
    PERIODS,
    STEPS,
    Query,
    check,
    measure_sql,
    where,
)
from tradewindow.violations import Rejected, Violation

RATIO = Decimal("0.0001")
# a city's trade through the platform can be a tiny share of its published total: kept to
# 10⁻⁸ (0.000001 %), so that it does not read as zero
AREA_SHARE = Decimal("0.00000001")
CACHED_RESULTS = 512  # answers kept per Indicators, until the lake's files change
DIGITAL_TARGET = Decimal("0.80")
DIGITAL_DEFINITION = {
    "en": (
        "Digital application rate = registered trading entities (registry snapshot, "
        "registered on or before the period's last day) that filed at least one cleared "
        "declaration through tradewindow in the period, as platform, e-commerce enterprise "
        "or declaring agent, ÷ those registered entities; by the entity's city and sector. "
        "Target: 80 %."
    ),
    "zh": (
        "数字化应用率 = 期内通过本平台以电商平台、电商企业或申报企业身份申报且已放行至少一票的"
        "已登记贸易主体数（截至期末登记）÷ 已登记贸易主体数；按主体所在城市和行业统计。目标：80%。"
    ),
}


class Definition(msgspec.Struct, frozen=True, kw_only=True):
    indicator: str
    parameters: dict[str, Any]
    sql: str
    arguments: list[Any]
    # each view the SQL reads → the Parquet files it is, relative to the lake's root
    views: dict[str, str] = {}


class Result(msgspec.Struct, frozen=True, kw_only=True):
    columns: list[str]
    rows: list[list[Any]]
    definition: Definition
    as_of: datetime | None
    notes: dict[str, str] = {}

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def ratio(part: Decimal | int | None, whole: Decimal | int | None) -> Decimal | None:
    """part ÷ whole at the named rounding point; None when there is nothing to divide by."""
    if part is None or not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATIO, rounding=ROUND_HALF_UP)


def _fine_ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(AREA_SHARE, rounding=ROUND_HALF_UP) if whole else None


def growth_rate(current: Decimal | int | None, before: Decimal | int | None) -> Decimal | None:
    """(current − before) ÷ before, e.g. 1.4000 for "up 140 %"; None without a base."""
    if current is None or not before:
        return None
    return ratio(Decimal(current) - Decimal(before), before)


class Indicators:
    def __init__(self, lake: Lake) -> None:
        self.lake = lake
        self._db = duckdb.connect()
        # footers of unchanged files are read once, not on every query (checked by mtime)
        self._db.execute("SET parquet_metadata_cache = true")
        self._db.execute("SET enable_progress_bar = false")  # a service prints no bars
        self._lock = threading.Lock()
        self._generation: object = None
        self._rolled = False
        self._answers: OrderedDict[tuple[object, ...], Result] = OrderedDict()

    def close(self) -> None:
        self._db.close()

    def forget(self) -> None:
        """Drop every answer kept in memory (a benchmark times the queries themselves)."""
        with self._lock:
            self._answers.clear()

    # --- indicators ---------------------------------------------------------------------

    def breakdown(self, query: Query) -> Result:
        check(query)
        source, rolled = self._source(query)
        dims = [DIMENSIONS[name] for name in query.by]
        measures = [f"{measure_sql(m, rolled=rolled)} AS {m}" for m in query.measures]
        clause, arguments = where(query)
        keys = ["period", *dims]
        sql = (
            f"SELECT {PERIODS[query.period]} AS period, {', '.join([*dims, *measures])} "  # noqa: S608 - whitelisted SQL only, values bound
            f"FROM {source}{clause} GROUP BY ALL"
        )
        if query.top is not None:
            order = f"{query.measures[0]} DESC NULLS LAST, {', '.join(keys)}"
            sql = (
                f"SELECT * FROM ({sql}) QUALIFY row_number() OVER "  # noqa: S608 - whitelisted SQL only, values bound
                f"(PARTITION BY period ORDER BY {order}) <= ? ORDER BY period, {order}"
            )
            arguments.append(query.top)
        else:
            sql += f" ORDER BY {', '.join(keys)}"
        return self._run("breakdown", query, sql, arguments)

    def growth(self, query: Query) -> Result:
        """The first measure per period with YoY, period-on-period and year-to-date."""
        check(query)
        if query.period not in ("month", "quarter", "year"):
            raise Rejected([_bad("period", "growth needs month, quarter or year")])
        measure = query.measures[0]
        source, rolled = self._source(query)
        dims = [DIMENSIONS[name] for name in query.by]
        first = _period_start(query.start, query.period) if query.start else None
        earlier = _year_before(first) if first else None
        clause, arguments = where(query, start=earlier)
        same = "".join(f" AND b.{d} IS NOT DISTINCT FROM s.{d}" for d in dims)
        partition = ", ".join([*dims, "date_trunc('year', period)"])
        dim_list = "".join(f"{d}, " for d in dims)
        sql = (
            f"WITH base AS (SELECT {PERIODS[query.period]} AS period, {dim_list}"  # noqa: S608 - whitelisted SQL only, values bound
            f"{measure_sql(measure, rolled=rolled)} AS m FROM {source}{clause} GROUP BY ALL), "
            f"series AS (SELECT *, sum(m) OVER (PARTITION BY {partition} ORDER BY period) AS ytd "
            f"FROM base) "
            f"SELECT s.period, {''.join(f's.{d}, ' for d in dims)}s.m, "
            f"(SELECT b.m FROM series b WHERE b.period = CAST(s.period - INTERVAL 1 YEAR AS DATE)"
            f"{same}) AS year_ago, "
            f"(SELECT b.m FROM series b WHERE b.period = CAST(s.period - "
            f"{STEPS[query.period]} AS DATE){same}) AS previous, s.ytd, "
            f"(SELECT b.ytd FROM series b WHERE b.period = CAST(s.period - INTERVAL 1 YEAR AS DATE)"
            f"{same}) AS ytd_year_ago FROM series s"
        )
        if first:
            sql += " WHERE s.period >= ?"
            arguments.append(first)
        sql += f" ORDER BY {', '.join(['s.period', *(f's.{d}' for d in dims)])}"
        raw = self._run("growth", query, sql, arguments)
        columns = ["period", *query.by, measure, f"{measure}_year_ago", "yoy"]
        columns += [f"{measure}_previous", "pop", f"{measure}_ytd", f"{measure}_ytd_year_ago"]
        columns += ["ytd_yoy"]
        n = len(dims)
        rows = []
        for row in raw.rows:
            value, year_ago, previous, ytd, ytd_ago = row[n + 1 : n + 6]
            rows.append(
                [
                    *row[: n + 1],
                    value,
                    year_ago,
                    growth_rate(value, year_ago),
                    previous,
                    growth_rate(value, previous),
                    ytd,
                    ytd_ago,
                    growth_rate(ytd, ytd_ago),
                ]
            )
        return msgspec.structs.replace(raw, columns=columns, rows=rows)

    def year_to_date(
        self,
        through: date,
        *,
        by: Sequence[str] = (),
        measure: str = "value_cny",
        filters: dict[str, tuple[str, ...]] | None = None,
    ) -> Result:
        """1 January to ``through`` against 1 January to the same day a year earlier."""
        query = check(Query(period="all", by=tuple(by), measures=(measure,), filters=filters or {}))
        source, rolled = self._source(query)
        before = _year_before(through)
        spans = [through.replace(month=1, day=1), through, before.replace(month=1, day=1), before]
        dims = [DIMENSIONS[name] for name in query.by]
        clause, arguments = where(query)
        span = "day BETWEEN ? AND ?"
        condition = f"({span} OR {span})"
        clause = f"{clause} AND {condition}" if clause else f" WHERE {condition}"
        sql = (
            f"SELECT {''.join(f'{d}, ' for d in dims)}"  # noqa: S608 - whitelisted SQL only, values bound
            f"{measure_sql(measure, span, rolled=rolled)} AS ytd, "
            f"{measure_sql(measure, span, rolled=rolled)} AS ytd_year_ago FROM {source}{clause}"
            + (f" GROUP BY ALL ORDER BY {', '.join(dims)}" if dims else "")
        )
        raw = self._run("year_to_date", query, sql, [*spans, *arguments, *spans])
        rows = [[*row, growth_rate(row[-2], row[-1])] for row in raw.rows]
        columns = [*query.by, f"{measure}_ytd", f"{measure}_ytd_year_ago", "yoy"]
        parameters = raw.definition.parameters | {"through": through.isoformat()}
        definition = msgspec.structs.replace(raw.definition, parameters=parameters)
        return msgspec.structs.replace(raw, columns=columns, rows=rows, definition=definition)

    def share_of_official(self, district: str, *, direction: str, start: date, end: date) -> Result:
        """Per month and in total: the lake's value for the district ÷ its official total,
        over the months the official table covers."""
        query = check(
            Query(
                filters={"district": (district,), "direction": (direction,)}, start=start, end=end
            )
        )
        clause, arguments = where(query)
        sql = (
            "WITH ours AS (SELECT CAST(date_trunc('month', day) AS DATE) AS month, "  # noqa: S608 - whitelisted SQL only, values bound
            f"sum(value_cny) AS value_cny FROM lines{clause} GROUP BY ALL) "
            "SELECT o.month, coalesce(ours.value_cny, 0) AS value_cny, o.value_cny AS official "
            "FROM official o LEFT JOIN ours USING (month) "
            "WHERE o.district = ? AND o.direction = ? AND o.month BETWEEN ? AND ? ORDER BY o.month"
        )
        arguments += [district, direction, start.replace(day=1), end]
        raw = self._run("share_of_official", query, sql, arguments)
        rows = [[*row, ratio(row[1], row[2])] for row in raw.rows]
        ours = sum((row[1] for row in raw.rows), Decimal(0))
        theirs = sum((row[2] for row in raw.rows), Decimal(0))
        rows.append([None, ours, theirs, ratio(ours, theirs)])
        notes = {
            "en": "Share = value of cleared lines ÷ the official total of the same district, "
            "direction and months; the last row (month empty) is the whole span.",
            "zh": "占比 = 本平台放行商品金额 ÷ 同关区、同方向、同月份的官方统计总额；"
            "最后一行（月份为空）为整个期间。",
        }
        return msgspec.structs.replace(
            raw, columns=["month", "value_cny", "official_value_cny", "share"], rows=rows,
            notes=notes,
        )  # fmt: skip

    def share_of_area(self, area: str, year: int, totals: Sequence[official.AreaTotal]) -> Result:
        """The value of ``area``'s lines (its ``city``) in ``year`` ÷ the official totals of
        the same city, year and direction: a row per direction the totals give, then both
        together (direction empty). ``notes["months"]``: the months of that year the lake holds
        lines of the city, so a share over a partly loaded year is read as such."""
        query = check(
            Query(period="month", by=("direction",), measures=("value_cny",),
                  filters={"city": (area,)}, start=date(year, 1, 1), end=date(year, 12, 31))
        )  # fmt: skip
        raw = self.breakdown(query)
        ours: dict[str, Decimal] = {}
        months = set()
        for period, direction, value in raw.rows:
            ours[direction] = ours.get(direction, Decimal(0)) + (value or Decimal(0))
            months.add(period)
        published = {t.direction: t for t in totals if t.area == area and t.year == year}
        rows: list[list[Any]] = []
        for direction in ("import", "export"):
            if (total := published.get(direction)) is not None:
                mine = ours.get(direction, Decimal(0))
                rows.append([direction, mine, total.value_cny, _fine_ratio(mine, total.value_cny)])
        if rows:
            mine, theirs = (sum((row[n] for row in rows), Decimal(0)) for n in (1, 2))
            rows.append([None, mine, theirs, _fine_ratio(mine, theirs)])
        sources = sorted({f"{t.source} ({t.published})" for t in published.values()})
        notes = {
            "en": "Share = value of the lines tradewindow cleared whose city is this one, in the "
            "year, ÷ the city's total trade in goods of that year and direction as China "
            "Customs published it; the last row is both directions together.",
            "zh": "占比 = 本平台放行、所属城市为该市的商品当年金额 ÷ 海关公布的该市当年同方向货物"
            "贸易总额；最后一行为进出口合计。",
            "months": str(len(months)),
            "source": "; ".join(sources),
        }
        parameters = raw.definition.parameters | {"area": area, "year": year}
        definition = msgspec.structs.replace(raw.definition, parameters=parameters)
        return msgspec.structs.replace(
            raw, columns=["direction", "value_cny", "official_value_cny", "share"], rows=rows,
            definition=definition, notes=notes,
        )  # fmt: skip

    def digital_application_rate(
        self, start: date, end: date, *, by: Sequence[str] = ("city", "sector")
    ) -> Result:
        """Share of registered entities that filed digitally in ``start``–``end``."""
        groups = [name for name in by if name in ("city", "sector")]
        if len(groups) != len(by):
            raise Rejected([_bad("by", "digital application rate is by city and/or sector")])
        query = check(Query(period="all", start=start, end=end))
        keys = ", ".join(f"e.{g}" for g in groups)
        select_keys = f"{keys}, " if groups else ""
        if self._source(query)[1]:  # each day's filing parties, rolled up
            filed = "SELECT DISTINCT party_id FROM filers WHERE day BETWEEN ? AND ?"
            spans: list[Any] = [start, end]
        else:
            filed = (
                "SELECT platform AS party_id FROM lines WHERE day BETWEEN ? AND ? "
                "UNION SELECT enterprise FROM lines WHERE day BETWEEN ? AND ? "
                "UNION SELECT agent FROM lines WHERE day BETWEEN ? AND ?"
            )
            spans = [start, end] * 3
        sql = (
            f"WITH filed AS ({filed}) "  # noqa: S608 - whitelisted SQL only, values bound
            f"SELECT {select_keys}count(*) AS registered, count(f.party_id) AS filed "
            "FROM entities e LEFT JOIN filed f USING (party_id) WHERE e.registered <= ?"
            + (f" GROUP BY ALL ORDER BY {keys}" if groups else "")
        )
        raw = self._run("digital_application_rate", query, sql, [*spans, end])
        rows = []
        for row in raw.rows:
            rate = ratio(row[-1], row[-2])
            rows.append([*row, rate, DIGITAL_TARGET, rate is not None and rate >= DIGITAL_TARGET])
        columns = [*groups, "registered", "filed_digitally", "rate", "target", "meets_target"]
        parameters = raw.definition.parameters | {"by": list(groups)}
        definition = msgspec.structs.replace(raw.definition, parameters=parameters)
        return msgspec.structs.replace(
            raw, columns=columns, rows=rows, definition=definition, notes=DIGITAL_DEFINITION
        )

    # --- running ------------------------------------------------------------------------

    def _source(self, query: Query) -> tuple[str, bool]:
        """The view that answers ``query`` exactly and fastest: ``("rollup", True)`` when the
        roll-ups are current and hold every dimension it names (and, for documents, only
        dimensions a whole list shares), else ``("lines", False)``."""
        self._refresh()
        named = set(query.by) | set(query.filters)
        fits = named <= set(rollup.ROLLUP_DIMENSIONS) and not (
            "documents" in query.measures and named & set(rollup.LINE_DIMENSIONS)
        )
        return ("rollup", True) if fits and self._rolled else ("lines", False)

    def _run(self, indicator: str, query: Query, sql: str, arguments: list[Any]) -> Result:
        generation = self._refresh()
        key = (generation, sql, *(repr(argument) for argument in arguments))
        with self._lock:
            if (known := self._answers.get(key)) is not None:
                self._answers.move_to_end(key)
                return known
            cursor = self._db.cursor()
        try:
            relation = cursor.execute(sql, arguments)
            columns = [column[0] for column in relation.description or ()]
            rows = [list(row) for row in relation.fetchall()]
        finally:
            cursor.close()
        definition = Definition(
            indicator=indicator,
            parameters=msgspec.to_builtins(query),
            sql=sql,
            arguments=msgspec.to_builtins(arguments),
            views={name: files for name, files in _VIEW_FILES.items() if f"FROM {name}" in sql},
        )
        result = Result(columns=columns, rows=rows, definition=definition, as_of=self.lake.as_of())
        with self._lock:
            self._answers[key] = result
            while len(self._answers) > CACHED_RESULTS:
                self._answers.popitem(last=False)
        return result

    def _refresh(self) -> object:
        """The lake's generation (state and file times); views made again when it changed."""
        with self._lock:
            generation = (
                self.lake.state().get("generation"),
                self._file_marks(),
                rollup.marks(self.lake),
            )
            if generation != self._generation:
                self._create_views()
                self._rolled = rollup.rolled_up(self.lake)
                self._generation = generation
                self._answers.clear()
            return generation

    def _file_marks(self) -> tuple[float, ...]:
        marks = []
        for name in (official.FILE, entities.FILE):
            path = self.lake.root / name
            marks.append(path.stat().st_mtime if path.exists() else 0.0)
        return tuple(marks)

    def _create_views(self) -> None:
        db = self._db
        if self.lake.files():
            source = f"read_parquet({_literal(self.lake.lines_glob())})"
            db.execute(f"CREATE OR REPLACE VIEW lines AS SELECT * FROM {source}")  # noqa: S608 - whitelisted SQL only, values bound
        else:
            _empty_view(db, "lines", SCHEMA)
        for name, folder in (
            ("rollup", rollup.rollup_dir(self.lake)),
            ("filers", rollup.filers_dir(self.lake)),
        ):
            if any(folder.glob("month=*.parquet")):
                glob = _literal(str(folder / "month=*.parquet"))
                db.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({glob})")  # noqa: S608 - whitelisted SQL only, values bound
        for name, module in (("official", official), ("entities", entities)):
            path = self.lake.root / module.FILE
            if path.exists():
                db.execute(
                    f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet"  # noqa: S608 - whitelisted SQL only, values bound
                    f"({_literal(str(path))})"
                )
            else:
                _empty_view(db, name, module.SCHEMA)


_VIEW_FILES = {
    "lines": "lines/month=*/day-*.parquet",
    "rollup": "rollup/month=*.parquet",
    "filers": "filers/month=*.parquet",
    "official": official.FILE,
    "entities": entities.FILE,
}


def _empty_view(db: duckdb.DuckDBPyConnection, name: str, schema: Any) -> None:
    db.register("empty_arrow", schema.empty_table())
    db.execute(f"CREATE OR REPLACE TABLE {name}_empty AS SELECT * FROM empty_arrow")  # noqa: S608 - whitelisted SQL only, values bound
    db.unregister("empty_arrow")
    db.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM {name}_empty")  # noqa: S608 - whitelisted SQL only, values bound


def _literal(text: str) -> str:
    """A SQL string literal of a path the lake chose (never user input)."""
    return "'" + text.replace("'", "''") + "'"


def _period_start(day: date, period: str) -> date:
    if period == "year":
        return day.replace(month=1, day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(day=1)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _bad(path: str, en: str) -> Violation:
    return Violation(
        path=path, code="analytics.query.indicator.invalid", en=en, zh="该指标不支持此参数"
    )
