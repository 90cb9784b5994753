"""``tradewindow bench …``: every benchmark's arguments, translated into one ``bench/`` run.

Each benchmark prints a table, or one JSON object with ``--json``; the measuring itself lives
in ``tradewindow.bench`` (see there for what each one times and its raw baseline).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rich.console import Console

from tradewindow.bench import analytics, api, clearance, data, events, export_scale, pages, scale
from tradewindow.cli.render import console
from tradewindow.datachannel.manifest import PARALLEL


def register_bench(targets: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clearance_ = targets.add_parser("clearance", help="the whole clearance path, JSON and XML")
    clearance_.add_argument("--sets", type=int, default=20_000)
    clearance_.add_argument("--formats", default="json,xml")
    clearance_.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="postgresql uses TRADEWINDOW_BENCH_DATABASE_URL",
    )
    clearance_.add_argument(
        "--mixes",
        default="import,export",
        help="import (order, payment, waybill, list) and/or export (9610 sets to departure)",
    )
    clearance_.add_argument(
        "--workers",
        type=int,
        default=None,
        help="decoding processes of the pipeline run (default: one per core; 0 or 1: no"
        " pipeline run)",
    )
    clearance_.add_argument("--json", action="store_true", help="print one JSON object")
    clearance_.set_defaults(run=_clearance)

    lake = targets.add_parser("analytics", help="lake append and dashboard queries")
    lake.add_argument("--lines", type=int, default=10_000_000, help="lines to generate")
    lake.add_argument("--months", type=int, default=24)
    lake.add_argument("--dir", type=Path, help="build (and keep) the lake here")
    lake.add_argument("--json", action="store_true", help="print one JSON object only")
    lake.set_defaults(run=_analytics)

    channel = targets.add_parser("data", help="research-data upload/download vs a file copy")
    channel.add_argument("--megabytes", type=int, default=256, help="size of the dataset")
    channel.add_argument("--rounds", type=int, default=2, help="best of this many")
    channel.add_argument("--dir", type=Path, help="work here (a temporary directory inside)")
    channel.add_argument(
        "--parallel",
        type=int,
        default=PARALLEL,
        help=f"chunks moved at once, as data push/pull --parallel (default {PARALLEL})",
    )
    channel.add_argument("--json", action="store_true", help="print one JSON object")
    channel.set_defaults(run=_data)

    http = targets.add_parser("api", help="HTTP bulk intake vs in-process, single latency")
    http.add_argument("--sets", type=int, default=2000)
    http.add_argument("--singles", type=int, default=640, help="single submissions to time")
    http.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    http.add_argument(
        "--rate", type=float, default=100.0, help="open loop: single submissions offered per s"
    )
    http.add_argument(
        "--offered", type=int, default=600, help="open loop: single submissions sent at --rate"
    )
    http.add_argument(
        "--database", choices=["sqlite", "postgresql"], default="sqlite",
        help="postgresql uses TRADEWINDOW_BENCH_DATABASE_URL or TRADEWINDOW_TEST_DATABASE_URL",
    )  # fmt: skip
    http.add_argument("--json", action="store_true", help="print one JSON object")
    http.set_defaults(run=_api)

    dcsa = targets.add_parser(
        "events", help="DCSA events: HTTP ingest rate, callback fan-out latency"
    )
    dcsa.add_argument("--events", type=int, default=20_000, help="events to ingest")
    dcsa.add_argument("--bulk", type=int, default=500, help="events per POST /v2/events")
    dcsa.add_argument("--subscribers", type=int, default=200)
    dcsa.add_argument("--rounds", type=int, default=20, help="fan-out rounds (one event each)")
    dcsa.add_argument("--json", action="store_true", help="print one JSON object")
    dcsa.set_defaults(run=_events)
    register_pages(targets)
    register_scale(targets)


def register_scale(targets: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scaled = targets.add_parser(
        "scale", help="partitioned clearance: 1, 2, … writer processes on PostgreSQL and NATS"
    )
    scaled.add_argument("--sets", type=int, default=4000)
    scaled.add_argument("--writers", default="1,2", help="writer counts to run, e.g. 1,2,4")
    scaled.add_argument("--partitions", type=int, default=8)
    scaled.add_argument("--batch", type=int, default=200, help="parts per unit of work, at most")
    scaled.add_argument("--json", action="store_true", help="print one JSON object")
    scaled.add_argument(
        "--mix", choices=("import", "export"), default="import",
        help="export: one writer against partitions, --filers processes filing",
    )  # fmt: skip
    scaled.add_argument("--filers", type=int, default=2, help="export: filer processes")
    scaled.add_argument("--per-message", type=int, default=100, help="export: documents a message")
    scaled.set_defaults(run=_scale)


def _scale(args: argparse.Namespace) -> int:
    if args.mix == "export":
        found = export_scale.run(
            sets=args.sets, filers=args.filers, partitions=args.partitions,
            per_message=args.per_message, progress=None if args.json else console,
        )  # fmt: skip
        if args.json:
            sys.stdout.write(json.dumps(found) + "\n")
        else:
            export_scale.render(found, console)
        return 0
    report = scale.run(
        sets=args.sets,
        writers=[int(w) for w in args.writers.split(",") if w.strip()],
        partitions=args.partitions,
        batch=args.batch,
        progress=None if args.json else console,
    )
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        scale.render(report, console)
    return 0


def register_pages(targets: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    timed = targets.add_parser("pages", help="p50 / p99 of every page over the demo's data")
    timed.add_argument("--dir", type=Path, default=Path("var/demo"), help="the demo's folder")
    timed.add_argument("--rounds", type=int, default=20, help="requests per page, timed")
    timed.add_argument("--json", action="store_true", help="print one JSON object")
    timed.set_defaults(run=_pages)


def _pages(args: argparse.Namespace) -> int:
    report = pages.run(args.dir, rounds=args.rounds, console=None if args.json else console)
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    return 0


def _clearance(args: argparse.Namespace) -> int:
    report = clearance.run(
        sets=args.sets,
        formats=[f.strip() for f in args.formats.split(",") if f.strip()],
        databases=[d.strip() for d in args.databases.split(",") if d.strip()],
        progress=None if args.json else console,
        mixes=tuple(m.strip() for m in args.mixes.split(",") if m.strip()),
        workers=args.workers,
    )
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    else:
        clearance.render(report, console)
    return 0


def _analytics(args: argparse.Namespace) -> int:
    if not args.json:
        analytics.run(args.lines, months=args.months, directory=args.dir, keep=args.dir is not None)
        return 0
    with open(os.devnull, "w") as quiet:  # the table and progress go nowhere; the JSON out
        report = analytics.run(
            args.lines,
            months=args.months,
            directory=args.dir,
            keep=args.dir is not None,
            console=Console(file=quiet),
        )
    sys.stdout.write(json.dumps(report, default=str) + "\n")
    return 0


def _data(args: argparse.Namespace) -> int:
    report = data.run(
        megabytes=args.megabytes, rounds=args.rounds, directory=args.dir, parallel=args.parallel
    )
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        data.render(report, Console())
    return 0


def _api(args: argparse.Namespace) -> int:
    report = api.run(
        sets=args.sets,
        singles=args.singles,
        workers=args.workers,
        database_kind=args.database,
        rate=args.rate,
        offered=args.offered,
    )
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        api.render(report, Console())
    return 0


def _events(args: argparse.Namespace) -> int:
    report = events.run(
        events=args.events, bulk=args.bulk, subscribers=args.subscribers, rounds=args.rounds
    )
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    else:
        events.render(report, Console())
    return 0
