"""``tradewindow clear``, ``expire`` and ``sandbox``: CEB messages from files, translated
into the clearance service's calls, and their receipts written back as files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import msgspec

from tradewindow import intake
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.documents import SpecVersion
from tradewindow.cli.render import console, print_summary, progress
from tradewindow.clock import utc_now
from tradewindow.filing.use_case import Sender
from tradewindow.parties.errors import PartyNotFound
from tradewindow.sandbox import check


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clear = subparsers.add_parser("clear", help="clear CEB XML / JSON files and write receipts")
    clear.add_argument("paths", nargs="+", type=Path, help="files or folders of messages")
    clear.add_argument("--out", type=Path, required=True, help="folder for receipt files")
    clear.add_argument("--receipts", choices=["xml", "json"], default="xml")
    clear.add_argument("--spec", choices=[v.value for v in SpecVersion], default="202205")
    clear.add_argument("--no-xsd", action="store_true", help="skip the official XSD check")
    clear.add_argument(
        "--as",
        dest="as_party",
        metavar="PARTY",
        help="file as this registered party (id, SCHEME:CODE or code): its rights to every"
        " code are checked and what is accepted is its own; default: the platform operator"
        " (operator:local), recorded as such in the evidence log",
    )
    clear.set_defaults(run=_clear)

    sandbox = subparsers.add_parser(
        "sandbox", help="check CEB messages: format, XSD, every rule, the receipts; files nothing"
    )
    sandbox.add_argument("files", nargs="+", type=Path)
    sandbox.add_argument("--json", action="store_true", help="print the report as JSON")
    sandbox.set_defaults(run=_sandbox)

    expire = subparsers.add_parser("expire", help="return lists that waited too long")
    expire.set_defaults(run=_expire)


def _clear(args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        sender = _sender(app, args.as_party)
        if sender is None:
            console.print(f"no registered party {args.as_party} / 未找到登记主体 {args.as_party}")
            return 2
        console.print(f"filing as {sender.party_id} / 申报 主体 {sender.party_id}")
        decoder = intake.Decoder(
            app.settings, spec=SpecVersion(args.spec), xsd=False if args.no_xsd else None
        )
        items = list(intake.incoming(args.paths))
        with progress() as bar:
            task = bar.add_task("clearing", total=len(items))
            summary = intake.clear(
                items,
                clearance=app.clearance,
                decoder=decoder,
                writer=intake.ReceiptWriter(args.out, args.receipts),
                clock=utc_now,
                progress=lambda n: bar.advance(task, n),
                filing=(app.filing, sender),
            )
        app.evidence.sign_head()  # the run's records end under a signed checkpoint
    finally:
        app.close()
    print_summary(summary)
    console.print(f"receipts written to {args.out} ({summary.receipt_files} files)")
    return 0


def _sender(app: App, reference: str | None) -> Sender | None:
    """Who ``clear`` files as: the party ``--as`` names (None: no such party), or the
    operator."""
    if reference is None or reference == "operator":
        return Sender.of_operator("local", "cli")
    try:
        party = app.commissions.resolve(reference)
    except PartyNotFound:
        return None
    return Sender(party_id=party.id, credential_id="cli", channel="cli")


def _sandbox(args: argparse.Namespace) -> int:
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
    app = bootstrap()
    try:
        count = len(app.clearance.expire_waiting())
    finally:
        app.close()
    console.print(f"{count} waiting lists returned (CEB621.match.timeout)")
    return 0
