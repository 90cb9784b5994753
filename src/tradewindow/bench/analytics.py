"""`tradewindow bench analytics`: build a lake of N generated lines, time the dashboard's queries.

1. **Append**: ``history`` generates 24 months of lines (seasonality and growth included) day by
   day and appends each day's file to the lake; reported as lines/s for generation and for
   the Parquet append alone, plus the lake's size on disk.
2. **Queries**: the dashboard's six queries through ``Indicators`` (validation, SQL built from
   whitelists, exact growth arithmetic, the ``Result`` with its definition), each against the
   same SQL and arguments run by a bare DuckDB connection on the same files. Each is run
   ``REPEATS`` times after one warm-up; the median counts. Target: ratio ≤ 1.2, < 2 s each.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
from rich.console import Console
from rich.table import Table

from tradewindow.analytics.indicators import Indicators, Result
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.query import Query
from tradewindow.analytics.rates import shipped_rates
from tradewindow.clock import utc_now
from tradewindow.demo import history

REPEATS = 5
START = date(2024, 1, 1)


def run(
    lines: int,
    *,
    months: int = 24,
    directory: Path | None = None,
    keep: bool = False,
    console: Console | None = None,
) -> dict[str, Any]:
    """Build the lake (in ``directory`` or a temporary folder), measure, print, return."""
    console = console or Console()
    root = directory or Path(tempfile.mkdtemp(prefix="tradewindow-bench-analytics-"))
    lake = Lake(root)
    try:
        report: dict[str, Any] = {"lines_requested": lines, "months": months}
        report["append"] = _append(
            lake, history.plan(start=START, months=months, total_lines=lines)
        )
        report["queries"] = _queries(lake)
        _print(console, report)
        console.print_json(json.dumps(report))
        return report
    finally:
        if not keep and directory is None:
            shutil.rmtree(root, ignore_errors=True)


def _append(lake: Lake, plan: history.HistoryPlan) -> dict[str, Any]:
    rates = shipped_rates()
    generating = appending = 0.0
    written = 0
    for day, count, share in plan.days:
        started = time.perf_counter()
        table = history.day_lines(day, count, seed=2026, export_share=share, rates=rates)
        generated = time.perf_counter()
        lake.write_day(day, table)
        appending += time.perf_counter() - generated
        generating += generated - started
        written += count
    lake.stamp(utc_now())
    size = sum(path.stat().st_size for path in lake.files())
    return {
        "lines": written,
        "days": len(plan.days),
        "files": len(lake.files()),
        "generate_s": round(generating, 2),
        "append_s": round(appending, 2),
        "total_s": round(generating + appending, 2),
        "generated_lines_per_s": round(written / generating) if generating else None,
        "appended_lines_per_s": round(written / appending) if appending else None,
        "end_to_end_lines_per_s": round(written / (generating + appending)) if written else None,
        "bytes_on_disk": size,
        "bytes_per_line": round(size / written, 1) if written else None,
    }


def dashboard(indicators: Indicators, last: date) -> dict[str, Callable[[], Result]]:
    """The dashboard's queries over the latest twelve months ending ``last``."""
    year = last.replace(day=1) - timedelta(days=365)
    year = year.replace(day=1)
    return {
        "headline totals with YoY": lambda: indicators.year_to_date(last, by=("direction",)),
        "monthly series with YoY": lambda: indicators.growth(
            Query(period="month", by=("direction",), measures=("value_cny",))
        ),
        "value by city": lambda: indicators.breakdown(
            Query(period="all", by=("city",), start=year, end=last)
        ),
        "HS chapter treemap": lambda: indicators.breakdown(
            Query(period="all", by=("direction", "hs_chapter"), start=year, end=last)
        ),
        "top partners": lambda: indicators.breakdown(
            Query(period="all", by=("partner",), start=year, end=last, top=15)
        ),
        "breakdown table": lambda: indicators.breakdown(
            Query(period="month", by=("trade_mode", "district"), start=year, end=last)
        ),
    }


def _queries(lake: Lake) -> list[dict[str, Any]]:
    days = lake.days()
    indicators = Indicators(lake)
    plain = duckdb.connect()
    plain.execute("SET enable_progress_bar = false")  # as ours: no terminal output timed
    results = []
    try:
        for name, ask in dashboard(indicators, days[-1]).items():
            answer = ask()  # warm-up, and the SQL to replay
            sql, arguments = answer.definition.sql, answer.definition.arguments
            for view, files in answer.definition.views.items():  # lines, or the roll-ups
                path = str(lake.root / files).replace("'", "''")
                source = f"read_parquet('{path}')"
                plain.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM {source}")  # noqa: S608 - our own path

            def asked(ask: Callable[[], Result] = ask) -> object:
                indicators.forget()  # every answer computed, none from memory
                return ask()

            # alternate the two so that load from elsewhere on the machine hits both alike
            ours, theirs = _medians(asked, partial(_fetch, plain, sql, arguments))
            results.append(
                {
                    "query": name,
                    "rows": len(answer.rows),
                    "ours_s": round(ours, 4),
                    "duckdb_s": round(theirs, 4),
                    "ratio": round(ours / theirs, 3) if theirs else None,
                    "sql": sql,
                }
            )
    finally:
        indicators.close()
        plain.close()
    return results


def _fetch(db: duckdb.DuckDBPyConnection, sql: str, arguments: list[Any]) -> object:
    return db.execute(sql, arguments).fetchall()


def _medians(first: Callable[[], object], second: Callable[[], object]) -> tuple[float, float]:
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        for call, spent in ((first, timings[0]), (second, timings[1])):
            started = time.perf_counter()
            call()
            spent.append(time.perf_counter() - started)
    return statistics.median(timings[0]), statistics.median(timings[1])


def _print(console: Console, report: dict[str, Any]) -> None:
    append = report["append"]
    console.print(
        f"[bold]lake[/bold]: {append['lines']:,} lines in {append['files']} day files, "
        f"{append['bytes_on_disk'] / 1e9:.2f} GB ({append['bytes_per_line']} B/line); "
        f"generated {append['generated_lines_per_s']:,} lines/s, appended "
        f"{append['appended_lines_per_s']:,} lines/s, end to end "
        f"{append['end_to_end_lines_per_s']:,} lines/s ({append['total_s']} s)"
    )
    table = Table(title="dashboard queries: tradewindow vs plain DuckDB (median of 5)")
    for column in ("query", "rows", "ours s", "duckdb s", "ratio"):
        table.add_column(column, justify="left" if column == "query" else "right")
    for query in report["queries"]:
        table.add_row(
            query["query"],
            str(query["rows"]),
            f"{query['ours_s']:.3f}",
            f"{query['duckdb_s']:.3f}",
            f"{query['ratio']:.2f}",
        )
    console.print(table)
