"""``tradewindow export``: CBEC export from the command line.

``check FILE…`` reads each export message and checks it against the export XSD of a spec
version, printing every fault with its path and code (the XSD's faults beside what could
still be read); ``clear FILE… --out DIR`` clears them as the platform operator and writes
each answer's receipts (CEB304 … 792, or a CEB900 for a message that cannot be read);
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

from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.documents import BaseTransfer, SpecVersion
from tradewindow.cbec.receipts import ReturnStatus
from tradewindow.cli.render import console
from tradewindow.clock import utc_now
from tradewindow.export import summarising
from tradewindow.export.documents import SummaryApplyMessage
from tradewindow.export.model import ExportAnswer, ExportList
from tradewindow.export.summary import WorkingDays, deadline, policy_on, summarise
from tradewindow.filing.refusals import FilingRefused
from tradewindow.formats import ceb_export, ceb_xml
from tradewindow.formats.ceb_receipts_xml import format_error_receipt, write_receipt

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
        faults = [*checked.read_faults, *checked.schema_faults]
        read = "read" if checked.message is not None else "not read"
        console.print(f"{path}: {checked.message_type or '?'} {read}, {len(faults)} faults",
                      markup=False)  # fmt: skip
        for fault in faults:
            console.print(
                f"  [{fault.code}] {fault.path}: {fault.en}", markup=False, soft_wrap=True
            )
        status |= bool(faults)
    return status


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
            except FilingRefused as refused:
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
    with app.store.export.reading() as records:
        lists = records.unsummarised(args.ebc)
    today = args.today or utc_now().date()
    calendar = WorkingDays()
    ready = [summarising.released(x) for x in lists]
    if not ready:
        console.print("no departed list waits for a summary")
        return 0
    policy = policy_on(max(x.departed_on for x in ready))
    table = Table("consignor", "mode", "producer", "country", "exit", "lists", "lines", "value",
                  title=f"summaries ({policy.source})")  # fmt: skip
    for item in summarise(ready, policy):
        value = " ".join(
            f"{sum((ln.total_price for ln in item.lines if ln.key.currency == c), start=0)} {c}"
            for c in sorted({ln.key.currency for ln in item.lines})
        )
        key = item.key
        table.add_row(key.ebc_code, key.traf_mode, key.owner_code, key.country, key.port_code,
                      str(len(item.invt_nos)), str(len(item.lines)), value)  # fmt: skip
    console.print(table)
    overdue = []
    for x in ready:
        due = deadline(x.departed_on, policy, calendar)
        if due < today:
            overdue.append((x.invt_no, due))
    for invt_no, due in overdue:
        console.print(f"[CEB701.deadline.passed] {invt_no}: due {due.isoformat()}", markup=False)
    if not args.file:
        return 1 if overdue else 0
    return _file_summaries(app, args, lists)


def _file_summaries(app: App, args: argparse.Namespace, lists: list[ExportList]) -> int:
    at = utc_now()
    status = 0
    by_consignor: dict[str, list[ExportList]] = {}
    for record in lists:
        by_consignor.setdefault(record.inventory.head.ebc_code, []).append(record)
    for ebc, records in sorted(by_consignor.items()):
        head = records[0].inventory.head
        agent = (args.agent_code or head.agent_code, args.agent_name or head.agent_name)
        for _summary, apply in summarising.applications(
            records, agent=agent, decl_agent=agent, cop_no_prefix=f"SUM{at:%Y%m%d}{ebc[-4:]}",
            at=at,
        ):  # fmt: skip
            message = SummaryApplyMessage(
                guid=apply.head.guid,
                base_transfer=_base_transfer(agent),
                applications=[apply],
            )
            answer = app.export(message, OPERATOR, at)
            if args.out is not None:
                args.out.mkdir(parents=True, exist_ok=True)
                status |= _write_answer(answer, args.out, apply.head.cop_no)
            else:
                own = answer.receipts[0].receipt.returns[0]
                shown = f"{getattr(own, 'return_status', '')} {getattr(own, 'return_info', '')}"
                console.print(f"{apply.head.cop_no}: {shown}", markup=False)
                status |= getattr(own, "return_status", "") in _REFUSED
    return status


def _base_transfer(agent: tuple[str, str]) -> BaseTransfer:
    return BaseTransfer(cop_code=agent[0], cop_name=agent[1], dxp_mode="DXP",
                                   dxp_id="TRADEWINDOW")  # fmt: skip


def _type(read: ceb_export.ReadExport) -> str:
    return str(read.message.__struct_config__.tag)


def _guid(path: Path) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tw-export-cli/{path}")).upper()
