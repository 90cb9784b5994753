"""`tradewindow` commands. Each one only translates arguments into a call and prints the result.

Each capability's command group is a module of this package (``cli/<capability>.py`` with
``register(subparsers)``), named once in ``_CAPABILITY_COMMANDS``."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tradewindow.cbec.documents import SpecVersion
from tradewindow.intake import Summary

console = Console()

# Each capability adds its own command group (`register(subparsers)`), named here once.
_CAPABILITY_COMMANDS = (
    "tradewindow.parties.commands",
    "tradewindow.evidence.commands",
    "tradewindow.analytics.commands",
    "tradewindow.web.commands",
    "tradewindow.web.portal.commands",
    "tradewindow.logistics.commands",
)
# … and its benchmarks under `tradewindow bench` (`register_bench(subparsers)`).
_CAPABILITY_BENCHMARKS = (
    "tradewindow.analytics.commands",
    "tradewindow.web.commands",
    "tradewindow.logistics.commands",
)


def main(argv: Sequence[str] | None = None) -> int:
    # schema checks (status page, serve) must not chatter migration notices into the console
    logging.getLogger("alembic").setLevel(logging.WARNING)
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tradewindow",
        description="An open international-trade single window (CBEC clearance, CEB messages).",
    )
    commands = parser.add_subparsers(title="commands")

    clear = commands.add_parser("clear", help="clear CEB XML / JSON files and write receipts")
    clear.add_argument("paths", nargs="+", type=Path, help="files or folders of messages")
    clear.add_argument("--out", type=Path, required=True, help="folder for receipt files")
    clear.add_argument("--receipts", choices=["xml", "json"], default="xml")
    clear.add_argument("--spec", choices=[v.value for v in SpecVersion], default="202205")
    clear.add_argument("--no-xsd", action="store_true", help="skip the official XSD check")
    clear.set_defaults(run=_clear)

    demo = commands.add_parser("demo", help="generate a realistic GBA day and clear it")
    demo.add_argument("--sets", type=int, default=20_000, help="import sets to generate")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--dir", type=Path, default=Path("var/demo"), help="working folder")
    demo.add_argument("--port", type=int, default=8000, help="serve the pages and API here")
    demo.add_argument("--no-serve", action="store_true", help="stop after the summary")
    demo.set_defaults(run=_demo)

    sandbox = commands.add_parser(
        "sandbox", help="check CEB messages: format, XSD, every rule, the receipts; files nothing"
    )
    sandbox.add_argument("files", nargs="+", type=Path)
    sandbox.add_argument("--json", action="store_true", help="print the report as JSON")
    sandbox.set_defaults(run=_sandbox)

    expire = commands.add_parser("expire", help="return lists that waited too long")
    expire.set_defaults(run=_expire)

    migrate = commands.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(run=_migrate)

    for module in _CAPABILITY_COMMANDS:
        try:
            registrar = importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name is None or not (module + ".").startswith(error.name + "."):
                raise
            continue  # a capability not installed in this build
        registrar.register(commands)

    bench = commands.add_parser("bench", help="measure throughput against raw baselines")
    targets = bench.add_subparsers(title="benchmarks")
    clearance = targets.add_parser("clearance", help="the whole clearance path, JSON and XML")
    clearance.add_argument("--sets", type=int, default=20_000)
    clearance.add_argument("--formats", default="json,xml")
    clearance.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="postgresql uses TRADEWINDOW_BENCH_DATABASE_URL",
    )
    clearance.add_argument("--json", action="store_true", help="print one JSON object")
    clearance.set_defaults(run=_bench_clearance)
    for module in _CAPABILITY_BENCHMARKS:
        importlib.import_module(module).register_bench(targets)
    return parser


def _clear(args: argparse.Namespace) -> int:
    from tradewindow import intake
    from tradewindow.bootstrap import bootstrap, utc_now

    app = bootstrap()
    try:
        decoder = intake.Decoder(
            app.settings, spec=SpecVersion(args.spec), xsd=False if args.no_xsd else None
        )
        items = list(intake.incoming(args.paths))
        with _progress() as progress:
            task = progress.add_task("clearing", total=len(items))
            summary = intake.clear(
                items,
                clearance=app.clearance,
                decoder=decoder,
                writer=intake.ReceiptWriter(args.out, args.receipts),
                clock=utc_now,
                progress=lambda n: progress.advance(task, n),
            )
        app.evidence.sign_head()  # the run's records end under a signed checkpoint
    finally:
        app.close()
    print_summary(summary)
    console.print(f"receipts written to {args.out} ({summary.receipt_files} files)")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from tradewindow.demo.run import run_demo

    port = None if args.no_serve else args.port
    run_demo(args.dir, sets=args.sets, seed=args.seed, console=console, port=port)
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    import msgspec

    from tradewindow.sandbox import check

    report = check([(path.name, path.read_bytes()) for path in args.files])
    if args.json:
        sys.stdout.write(msgspec.json.encode(report).decode() + "\n")
        return 0 if report.clean else 1
    for message in report.messages:
        verdict = "[green]clean[/]" if message.clean else "[red]faults[/]"
        console.print(f"[bold]{message.source}[/] {message.message_type or '?'} {verdict}")
        for title, found in (
            ("format", message.format_errors),
            ("XSD", message.xsd_errors),
            ("rules", message.rule_violations),
        ):
            for v in found:
                console.print(f"  {title}: [{v.code}] {v.path}: {v.en} / {v.zh}", markup=False)
        for receipt in message.receipts:
            console.print(f"  receipt {receipt.message_type} {receipt.guid}")
    return 0 if report.clean else 1


def _expire(args: argparse.Namespace) -> int:
    from tradewindow.bootstrap import bootstrap

    app = bootstrap()
    try:
        count = len(app.clearance.expire_waiting())
    finally:
        app.close()
    console.print(f"{count} waiting lists returned (CEB621.match.timeout)")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from tradewindow.settings import Settings, mask
    from tradewindow.store import migrate

    settings = Settings.from_env()
    migrate(settings.database_url)
    console.print(f"database at {mask(settings.database_url)} is at the latest schema")
    return 0


def _bench_clearance(args: argparse.Namespace) -> int:
    from tradewindow.bench.clearance import render, run

    report = run(
        sets=args.sets,
        formats=[f.strip() for f in args.formats.split(",") if f.strip()],
        databases=[d.strip() for d in args.databases.split(",") if d.strip()],
        progress=None if args.json else console,
    )
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
    else:
        render(report, console)
    return 0


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def print_summary(summary: Summary) -> None:
    """The run's figures: documents by outcome, returns by reason, tax."""
    outcomes = summary.outcomes
    table = Table(title="Clearance summary / 通关汇总", show_lines=False)
    table.add_column("figure")
    table.add_column("count", justify="right")
    table.add_row("messages read", f"{summary.messages:,}")
    table.add_row("documents", f"{summary.documents:,}")
    for kind in ("order", "payment", "waybill"):
        table.add_row(f"{kind}s accepted (120)", f"{outcomes[f'{kind}:accepted']:,}")
    table.add_row("lists released (800)", f"{outcomes['inventory:released']:,}")
    table.add_row("lists waiting for companions (120)", f"{outcomes['inventory:accepted']:,}")
    table.add_row("lists in manual review (300)", f"{outcomes['inventory:manual review']:,}")
    table.add_row("lists selected for inspection (500)", f"{outcomes['inventory:inspection']:,}")
    returned = sum(v for k, v in outcomes.items() if k.endswith(":returned"))
    table.add_row("documents returned (100)", f"{returned:,}")
    table.add_row("messages refused unread (CEB900)", f"{sum(summary.format_errors.values()):,}")
    table.add_row("messages replayed (same guid, same bytes)", f"{summary.replayed:,}")
    table.add_row("messages refused (guid reused)", f"{summary.guid_reused:,}")
    table.add_row("tax bills (CEB816)", f"{summary.tax_bills:,}")
    table.add_row("tax total (CNY)", f"{summary.tax_total:,.2f}")
    console.print(table)
    if summary.returned_by_reason or summary.format_errors:
        reasons = Table(title="Returned by reason / 退单原因")
        reasons.add_column("code")
        reasons.add_column("documents", justify="right")
        for code, count in (summary.returned_by_reason + summary.format_errors).most_common():
            reasons.add_row(code, f"{count:,}")
        console.print(reasons)
