"""`tradewindow analytics …` commands; each translates its arguments into one call and prints.

``register(subparsers)`` adds the group to the main parser; ``register_bench(targets)`` adds
``tradewindow bench analytics``. The lake lives in ``<data_dir>/lake`` (TRADEWINDOW_DATA_DIR)
unless ``--lake`` says otherwise; the system of record is TRADEWINDOW_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import msgspec
from rich.console import Console
from rich.table import Table

from tradewindow.analytics import loading
from tradewindow.analytics.entities import load_entities
from tradewindow.analytics.indicators import Indicators
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.loading import save_rates
from tradewindow.analytics.official import load_official
from tradewindow.analytics.query import Query
from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.clock import utc_now
from tradewindow.demo import history
from tradewindow.settings import Settings
from tradewindow.store.analytics import SqlLakeSource
from tradewindow.store.engine import create_store_engine
from tradewindow.violations import Rejected

console = Console()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("analytics", help="trade statistics: the lake and indicators")
    group.add_argument("--lake", type=Path, help="lake folder (default: <data dir>/lake)")
    commands = group.add_subparsers(title="analytics commands")

    load = commands.add_parser("load", help="append what changed since the last load")
    load.add_argument("--day", type=date.fromisoformat, action="append", help="reload a day")
    load.set_defaults(run=_load)

    rebuild = commands.add_parser("rebuild", help="rebuild the whole lake from the store")
    rebuild.set_defaults(run=_rebuild)

    query = commands.add_parser("query", help="an indicator, with its definition")
    query.add_argument(
        "indicator", choices=["breakdown", "growth", "ytd", "share", "digital"], nargs="?",
        default="breakdown",
    )  # fmt: skip
    query.add_argument("--period", default="month", help="day, month, quarter, year or all")
    query.add_argument("--by", default="", help="dimensions, comma-separated")
    query.add_argument("--measures", default="value_cny,lines")
    query.add_argument("--start", type=date.fromisoformat)
    query.add_argument("--end", type=date.fromisoformat)
    query.add_argument("--filter", action="append", default=[], help="dimension=v1,v2")
    query.add_argument("--top", type=int)
    query.add_argument("--district", help="share: the customs district, e.g. 5300")
    query.add_argument("--direction", default="import", help="share: import or export")
    query.add_argument("--json", action="store_true", help="print the Result as JSON")
    query.set_defaults(run=_query)

    rates = commands.add_parser("rates-load", help="load an official monthly rate CSV")
    rates.add_argument("file", type=Path)
    rates.set_defaults(run=_rates_load)

    official = commands.add_parser("official-load", help="load official district totals CSV")
    official.add_argument("file", type=Path)
    official.set_defaults(run=_official_load)

    entities = commands.add_parser("entities-load", help="load registered trading entities CSV")
    entities.add_argument("file", type=Path)
    entities.set_defaults(run=_entities_load)

    returns = commands.add_parser("returns", help="CBEC return and cancellation rates")
    returns.add_argument("--by", choices=["platform", "chapter"], default="platform")
    returns.add_argument("--json", action="store_true", help="print JSON")
    returns.set_defaults(run=_returns)

    demo = commands.add_parser("history", help="write a generated multi-year demo history")
    demo.add_argument("--start", type=date.fromisoformat, default=date(2024, 1, 1))
    demo.add_argument("--months", type=int, default=28)
    demo.add_argument("--lines-per-day", type=float, default=2_000)
    demo.add_argument("--seed", type=int, default=2026)
    demo.set_defaults(run=_history)


def _returns(args: argparse.Namespace) -> int:
    from tradewindow.analytics.returns import return_rates

    rates = return_rates(_lake(args), args.by)
    if args.json:
        print(msgspec.json.encode(rates).decode())
        return 0
    table = Table(args.by, "released CNY", "returned CNY", "cancelled CNY", "return rate",
                  "cancel rate", title="CBEC returns and cancellations (the lake)")  # fmt: skip
    for r in rates:
        table.add_row(r.key, f"{r.released_cny:,.2f}", f"{r.returned_cny:,.2f}",
                      f"{r.cancelled_cny:,.2f}", _percent(r.return_rate),
                      _percent(r.cancel_rate))  # fmt: skip
    console.print(table)
    return 0


def _percent(rate: Any) -> str:
    return "—" if rate is None else f"{rate * 100:.2f} %"


def _lake(args: argparse.Namespace) -> Any:

    return Lake(args.lake or Settings.from_env().data_dir / "lake")


def _engine() -> Any:

    return create_store_engine(Settings.from_env().database_url)


def _load(args: argparse.Namespace) -> int:

    engine, lake = _engine(), _lake(args)
    try:
        if args.day:
            loads = [loading.load_day(SqlLakeSource(engine), lake, day) for day in args.day]
        else:
            loads = loading.refresh(SqlLakeSource(engine), lake)
    finally:
        engine.dispose()
    _print_loads(loads)
    return 0


def _rebuild(args: argparse.Namespace) -> int:

    engine = _engine()
    try:
        loads = loading.rebuild(SqlLakeSource(engine), _lake(args))
    finally:
        engine.dispose()
    _print_loads(loads)
    return 0


def _print_loads(loads: list[Any]) -> None:
    lines = sum(load.lines for load in loads)
    console.print(f"{len(loads)} days written, {lines:,} lines")


def _query(args: argparse.Namespace) -> int:

    filters: dict[str, tuple[str, ...]] = {}
    for text in args.filter:
        name, _, values = text.partition("=")
        filters[name.strip()] = tuple(v.strip() for v in values.split(",") if v.strip())
    by = tuple(name for name in args.by.split(",") if name)
    indicators = Indicators(_lake(args))
    try:
        if args.indicator == "ytd":
            result = indicators.year_to_date(
                args.end or datetime.now(CHINA_TZ).date(), by=by, filters=filters
            )
        elif args.indicator == "share":
            result = indicators.share_of_official(
                args.district, direction=args.direction, start=args.start, end=args.end
            )
        elif args.indicator == "digital":
            result = indicators.digital_application_rate(args.start, args.end, by=by)
        else:
            query = Query(
                period=args.period, by=by, start=args.start, end=args.end, filters=filters,
                measures=tuple(m for m in args.measures.split(",") if m), top=args.top,
            )  # fmt: skip
            ask = indicators.growth if args.indicator == "growth" else indicators.breakdown
            result = ask(query)
    except Rejected as refused:
        for violation in refused.violations:
            console.print(
                f"[red]{violation.code}[/red] {violation.path}: {violation.en} / {violation.zh}"
            )
        return 2
    finally:
        indicators.close()
    if args.json:
        print(msgspec.json.encode(result).decode())
        return 0
    table = Table(title=f"{result.definition.indicator} (as of {result.as_of})")
    for column in result.columns:
        table.add_column(column)
    for row in result.rows:
        table.add_row(*("" if value is None else str(value) for value in row))
    console.print(table)
    for language, note in result.notes.items():
        console.print(f"[dim]{language}: {note}[/dim]")
    console.print(
        f"[dim]SQL: {result.definition.sql}\nargs: {json.dumps(result.definition.arguments)}[/dim]"
    )
    return 0


def _rates_load(args: argparse.Namespace) -> int:

    return _refusable(lambda: f"{len(save_rates(_lake(args), args.file).rows())} rates kept")


def _official_load(args: argparse.Namespace) -> int:

    return _refusable(lambda: f"{load_official(_lake(args), args.file)} official totals")


def _entities_load(args: argparse.Namespace) -> int:

    return _refusable(lambda: f"{load_entities(_lake(args), args.file)} registered entities")


def _refusable(action: Any) -> int:
    try:
        console.print(action())
    except Rejected as refused:
        for violation in refused.violations:
            console.print(
                f"[red]{violation.code}[/red] {violation.path}: {violation.en} / {violation.zh}"
            )
        return 2
    return 0


def _history(args: argparse.Namespace) -> int:

    lake = _lake(args)
    plan = history.plan(start=args.start, months=args.months, lines_per_day=args.lines_per_day)
    written = history.generate(lake, plan, seed=args.seed)
    lake.stamp(utc_now())
    console.print(f"{written:,} lines over {len(plan.days)} days written to {lake.root}")
    return 0
