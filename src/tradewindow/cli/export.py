"""``tradewindow export``: CBEC export from the command line.

``check FILE…`` reads each export message and checks it against the export XSD of a spec
version and the rules clearance applies before looking for documents, printing every fault
with its path and code (the XSD's faults beside what could still be read); ``clear FILE…
--out DIR`` clears them (as the platform operator, or ``--as`` a party) and writes each
answer's receipts (CEB304 … 792, or a CEB900 for a message that cannot be read or filed);
``summarise`` previews the summaries of the departed lists not yet summarised, with each
list's deadline and the overdue ones, and with ``--file`` files them as CEB701 and writes the
CEB702 / CEB792 answers. Each command only translates its arguments into calls of the export
core and prints the result; the exit status is 0 when everything was accepted, 1 otherwise.
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from rich.table import Table

from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.bootstrap import App, bootstrap, export_context
from tradewindow.cbec.documents import SpecVersion
from tradewindow.cbec.receipts import ReturnStatus
from tradewindow.cli.render import console
from tradewindow.clock import utc_now
from tradewindow.export.clearance import Unfit, foreseen
from tradewindow.export.documents import ExportMessage
from tradewindow.export.model import ExportAnswer
from tradewindow.export.summary_desk import SummaryDesk
from tradewindow.filing.refusals import FilingRefused
from tradewindow.formats import ceb_export, ceb_xml
from tradewindow.formats.ceb_receipts_xml import format_error_receipt, write_receipt
from tradewindow.violations import Violation

OPERATOR = "operator:cli"
_MAX_BYTES = 10 * 1024 * 1024
_REFUSED = {ReturnStatus.RETURNED.value}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("export", help="CBEC export: check, clear, summarise")
    commands = group.add_subparsers(dest="export_command")
    check = commands.add_parser("check", help="read export messages and check them against the XSD")
    check.add_argument("paths", nargs="+", type=Path)
    check.add_argument("--spec", choices=[v.value for v in SpecVersion], default="202205")
    check.set_defaults(run=_check)
    clear = commands.add_parser("clear", help="clear export messages and write their receipts")
    clear.add_argument("paths", nargs="+", type=Path)
    clear.add_argument("--out", type=Path, required=True, help="folder for receipt files")
    clear.add_argument(
        "--as",
        dest="as_party",
        metavar="PARTY",
        help="file as this registered party: its rights to every code are checked (default:"
        " the platform operator, operator:cli)",
    )
    clear.set_defaults(run=_clear)
    summary = commands.add_parser(
        "summarise", help="summaries of the departed lists (CEB701), their deadlines"
    )
    summary.add_argument("--ebc", help="only this consignor's lists")
    summary.add_argument("--file", action="store_true", help="file the summaries (CEB701)")
    summary.add_argument("--agent-code", help="the declaring agent (default: each consignor)")
    summary.add_argument("--agent-name", default="")
    summary.add_argument("--out", type=Path, help="folder for the CEB702 / CEB792 files")
    summary.add_argument("--today", type=date.fromisoformat, help="for overdue (default: today)")
    summary.set_defaults(run=_summarise)
    group.set_defaults(run=lambda _args: _usage(group))


def _usage(group: argparse.ArgumentParser) -> int:
    group.print_help()
    return 2


def _files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.xml") if p.is_file())
        else:
            yield path


def _check(args: argparse.Namespace) -> int:
    spec = SpecVersion(args.spec)
    status = 0
    for path in _files(args.paths):
        checked = ceb_export.check(path.read_bytes(), spec, max_bytes=_MAX_BYTES, max_depth=32)
        faults = [*checked.read_faults, *checked.schema_faults, *_predicted(checked.message)]
        read = "read" if checked.message is not None else "not read"
        console.print(f"{path}: {checked.message_type or '?'} {read}, {len(faults)} faults",
                      markup=False)  # fmt: skip
        for fault in faults:
            console.print(
                f"  [{fault.code}] {fault.path}: {fault.en}", markup=False, soft_wrap=True
            )
        status |= bool(faults)
    return status


def _predicted(message: ExportMessage | None) -> list[Violation]:
    """What clearance would refuse before looking for documents (see ``foreseen``)."""
    return [] if message is None else foreseen(message, export_context(shipped_policy()))


def _clear(args: argparse.Namespace) -> int:
    args.out.mkdir(parents=True, exist_ok=True)
    app = bootstrap()
    status = 0
    try:
        for path in _files(args.paths):
            data = path.read_bytes()
            at = utc_now()
            try:
                read = ceb_export.read_message(data, max_bytes=_MAX_BYTES, max_depth=32)
            except ceb_xml.FormatError as error:
                receipt = format_error_receipt(error, data, guid=_guid(path), at=at)
                (args.out / f"{path.stem}.CEB900.xml").write_bytes(write_receipt(receipt))
                console.print(f"{path}: CEB900 {error.code}", markup=False)
                status = 1
                continue
            try:
                if args.as_party:
                    answer = app.export_filing.file(args.as_party, "cli", read.message, data, at)
                else:
                    answer = app.export(read.message, OPERATOR, at)
            except (FilingRefused, Unfit) as refused:
                receipt = format_error_receipt(
                    ceb_xml.FormatError(
                        refused.violations, guid=read.message.guid, message_type=_type(read)
                    ),
                    data,
                    guid=_guid(path),
                    at=at,
                )
                (args.out / f"{path.stem}.CEB900.xml").write_bytes(write_receipt(receipt))
                console.print(f"{path}: CEB900 {refused.code}", markup=False)
                status = 1
                continue
            status |= _write_answer(answer, args.out, path.stem)
    finally:
        app.close()
    return status


def _write_answer(answer: ExportAnswer, out: Path, stem: str) -> int:
    refused = 0
    for number, addressed in enumerate(answer.receipts):
        code = addressed.receipt.__struct_config__.tag
        name = f"{stem}.{code}.xml" if number == 0 else f"{stem}.{number}.{code}.xml"
        (out / name).write_bytes(ceb_export.write_receipt(addressed.receipt))
        statuses = [getattr(x, "return_status", "") for x in addressed.receipt.returns]
        refused |= any(s in _REFUSED for s in statuses)
        console.print(f"{stem}: {code} {' '.join(statuses)} → {name}", markup=False)
    return int(refused)


def _summarise(args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        return _summaries(app, args)
    finally:
        app.close()


def _summaries(app: App, args: argparse.Namespace) -> int:
    desk = SummaryDesk(app.store.export)
    preview = desk.preview(None, args.today or utc_now().date(), args.ebc)
    if not preview.summaries:
        console.print("no departed list waits for a summary")
        return 0
    table = Table("consignor", "mode", "producer", "country", "exit", "lists", "lines", "value",
                  title=f"summaries ({preview.source})")  # fmt: skip
    for item in preview.summaries:
        value = " ".join(
            f"{sum((ln.total_price for ln in item.lines if ln.key.currency == c), start=0)} {c}"
            for c in sorted({ln.key.currency for ln in item.lines})
        )
        key = item.key
        table.add_row(key.ebc_code, key.traf_mode, key.owner_code, key.country, key.port_code,
                      str(len(item.invt_nos)), str(len(item.lines)), value)  # fmt: skip
    console.print(table)
    for late in preview.overdue:
        console.print(f"[CEB701.deadline.passed] {late.invt_no}: due {late.due.isoformat()}",
                      markup=False)  # fmt: skip
    if not args.file:
        return 1 if preview.overdue else 0
    agent = (args.agent_code, args.agent_name) if args.agent_code else None
    answers = desk.file(
        None, utc_now(), lambda message, at: app.export(message, OPERATOR, at),
        agent=agent, ebc_code=args.ebc,
    )  # fmt: skip
    status = 0
    for answer in answers:
        stem = answer.message_guid[:8]
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            status |= _write_answer(answer, args.out, stem)
        else:
            own = answer.receipts[0].receipt.returns[0]
            shown = f"{getattr(own, 'return_status', '')} {getattr(own, 'return_info', '')}"
            console.print(f"{stem}: {shown}", markup=False)
            status |= getattr(own, "return_status", "") in _REFUSED
    return status


def _type(read: ceb_export.ReadExport) -> str:
    return str(read.message.__struct_config__.tag)


def _guid(path: Path) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tw-export-cli/{path}")).upper()
