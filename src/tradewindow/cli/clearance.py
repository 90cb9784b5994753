"""``tradewindow clear``, ``expire`` and ``sandbox``: CEB messages from files, translated
into the clearance service's calls, and their receipts written back as files."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import msgspec

from tradewindow import intake, pipeline
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec import answers
from tradewindow.cbec.documents import SpecVersion
from tradewindow.cbec.ports import ReceiptRecord
from tradewindow.cli.render import console, print_files, print_summary, progress
from tradewindow.clock import utc_now
from tradewindow.filing.use_case import Sender
from tradewindow.parties.errors import PartyNotFound
from tradewindow.sandbox import MessageReport, check_each, exit_status
from tradewindow.transaction import ClearanceTimeout


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clear = subparsers.add_parser(
        "clear",
        help="clear CEB XML / JSON files (import and export) and write receipts",
        description="Clear CEB messages from files and folders, import (CEB311 … 711) and"
        " export (CEB303 … 701, 213, 215); every input gets an answer (its documents'"
        " receipts, or a CEB900 naming why it was refused or unreadable).",
        epilog=EXIT_STATUSES + PENDING_STATUS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    clear.add_argument("paths", nargs="+", type=Path, help="files or folders of messages")
    clear.add_argument("--out", type=Path, required=True, help="folder for receipt files")
    clear.add_argument("--receipts", choices=["xml", "json"], default="xml")
    clear.add_argument("--spec", choices=[v.value for v in SpecVersion], default="202205")
    clear.add_argument("--no-xsd", action="store_true", help="skip the official XSD check")
    clear.add_argument(
        "--workers",
        type=_workers,
        default=None,
        metavar="N",
        help="decode (XML, XSD, signature structure) in N worker processes while this one"
        " clears, answers in input order; 0 or 1: decode in this process; default: one per"
        f" core (at most {pipeline.MAX_WORKERS}) from {pipeline.SMALL_INPUT} inputs up,"
        " in this process below",
    )
    clear.add_argument(
        "--as",
        dest="as_party",
        metavar="PARTY",
        help="file as this registered party (id, SCHEME:CODE or code): its rights to every"
        " code are checked and what is accepted is its own; default: the platform operator"
        " (operator:local), recorded as such in the evidence log",
    )
    clear.add_argument(
        "--report",
        type=Path,
        metavar="FILE.jsonl",
        help="write one JSON line per input: file, message type, guid, outcome, each"
        " document's status and codes, the receipt files written",
    )
    clear.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="after filing, wait up to SECONDS for the decisions still pending (agencies,"
        " manual review, companions) and write their receipts too",
    )
    clear.set_defaults(run=_clear)

    receipts = subparsers.add_parser(
        "receipts",
        help="write the receipts decided after filing (releases, tax bills, returns)",
        description="Write receipt files again, for the messages named or made since a time:"
        " a release after an agency's decision, a CEB816 tax bill, a return after a timeout."
        " File names are stable: fetching twice writes the same files.",
    )
    which = receipts.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--guid",
        action="append",
        metavar="GUID",
        help="every receipt of the documents this message declared (repeatable)",
    )
    which.add_argument(
        "--since",
        type=_instant,
        metavar="TIME",
        help="every receipt made at or after TIME (ISO 8601 with a UTC offset,"
        " e.g. 2026-12-05T08:00:00+08:00)",
    )
    receipts.add_argument("--out", type=Path, required=True, help="folder for receipt files")
    receipts.add_argument("--receipts", choices=["xml", "json"], default="xml")
    receipts.set_defaults(run=_receipts)

    sandbox = subparsers.add_parser(
        "sandbox",
        help="check CEB messages: format, XSD, every rule, signature, the receipts; files nothing",
        description="Check CEB messages with the same engine as clear (filing, clearance,"
        " agency routing) on a throwaway database: every fault, and the receipts clear would"
        " give. Any number of files and folders, checked as a stream.",
        epilog=EXIT_STATUSES.replace("accepted (no", "clean (no faults, no"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sandbox.add_argument("files", nargs="+", type=Path, help="files or folders of messages")
    sandbox.add_argument("--json", action="store_true", help="print one JSON report per line")
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
        items = list(intake.incoming(args.paths))
        workers = pipeline.default_workers(len(items)) if args.workers is None else args.workers
        reader = pipeline.reading(
            app.settings,
            spec=SpecVersion(args.spec),
            xsd=False if args.no_xsd else None,
            workers=workers,
        )
        if isinstance(reader, pipeline.WorkerPool):
            try:
                reader.start()
                console.print(f"decoding in {workers} worker processes / 解码进程 {workers} 个")
            except pipeline.WorkersUnavailable as error:
                console.print(f"{error} / 解码进程无法启动，改为本进程解码", markup=False)
                reader = pipeline.reading(
                    app.settings,
                    spec=SpecVersion(args.spec),
                    xsd=False if args.no_xsd else None,
                )
        writer = (
            pipeline.WorkerReceipts(reader, args.out, args.receipts)
            if isinstance(reader, pipeline.WorkerPool)
            else intake.ReceiptWriter(args.out, args.receipts)
        )
        files = _FileLog(args.report)
        try:
            with progress() as bar:
                task = bar.add_task("clearing", total=len(items))
                summary = intake.clear(
                    items,
                    clearance=app.clearance,
                    decoder=reader,
                    writer=writer,
                    clock=utc_now,
                    progress=lambda n: bar.advance(task, n),
                    filing=(app.filing, sender),
                    on_file=files.add,
                    export=app.export_filing,
                )
        except ClearanceTimeout as error:  # what was answered is in the report; this is kept
            console.print(f"{error.code}: {error.en} / {error.zh} ({error})", markup=False)
            return 3
        finally:
            reader.close()
            files.close()
        app.evidence.sign_head()  # the run's records end under a signed checkpoint
        later = _wait(app, files.guids, args.wait, writer) if args.wait > 0 else 0
    finally:
        app.close()
    print_summary(summary)
    print_files(files.shown, more=files.more)
    console.print(f"receipts written to {args.out} ({summary.receipt_files + later} files)")
    if args.report:
        console.print(f"report: {args.report} / 逐文件报告：{args.report}")
    return summary.exit_status


EXIT_STATUSES = """exit status:
  0  every document accepted (no returns, no refusals)
  1  some document returned (100) or some message refused (rights, guid reused)
  2  some input unreadable: not a valid CEB message (it got a CEB900)
"""
PENDING_STATUS = """  3  a message not cleared in time by its partitions (clearance.pending): it is
     kept; run again (same files, same guids) for the rest of the answers
"""
_SHOWN = 50  # files listed on the terminal; the report has them all


class _FileLog:
    """Each input's outcome: into the report file (when asked), the first inputs not all
    accepted kept for the terminal, the guids answered kept for ``--wait``."""

    def __init__(self, path: Path | None) -> None:
        self._file = path.open("wb") if path else None
        self.shown: list[intake.FileOutcome] = []
        self.more = 0
        self.guids: list[str] = []

    def add(self, outcome: intake.FileOutcome) -> None:
        if self._file is not None:
            self._file.write(_encode(outcome) + b"\n")
        if outcome.outcome in ("answered", "replayed") and outcome.guid:
            self.guids.append(outcome.guid)
        if not outcome.accepted:
            if len(self.shown) < _SHOWN:
                self.shown.append(outcome)
            else:
                self.more += 1

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


_encode = msgspec.json.Encoder().encode
_SINCE_LIMIT = 100_000  # receipts per ``receipts --since`` run


def _wait(app: App, guids: list[str], seconds: float, writer: intake.ReceiptWriter) -> int:
    """Wait up to ``seconds`` for the run's lists still pending to be decided; write the
    receipts decided meanwhile; the number of files written."""
    deadline = time.monotonic() + seconds
    answered = set(guids)
    while True:
        found = app.clearance.receipts_of_documents(guids)
        pending = answers.undecided_lists(found)
        if not pending or time.monotonic() >= deadline:
            break
        time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
    later = [r for r in found if r.message_guid not in answered]
    written = _write(later, writer)
    console.print(
        f"waited: {written} receipt files decided after filing; {pending} lists still pending"
        f" / 等待期间新增回执 {written} 个；仍待决定的清单 {pending} 份"
    )
    return written


def _write(records: list[ReceiptRecord], writer: intake.ReceiptWriter) -> int:
    """The receipt messages of ``records`` written; how many (stable file names)."""
    count = 0
    for message in answers.receipt_messages_by_origin(records):
        writer.write(message)
        count += 1
    return count


def _workers(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = -1
    if count < 0:
        raise argparse.ArgumentTypeError(f"a number of worker processes, 0 or more: {text}")
    return count


def _instant(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text}") from None
    if at.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a UTC offset (e.g. {text}+08:00)")
    return at


def _receipts(args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        if args.guid:
            found = app.clearance.receipts_of_documents(args.guid)
        else:
            found = app.clearance.receipts_since(args.since, _SINCE_LIMIT)
    finally:
        app.close()
    written = _write(found, intake.ReceiptWriter(args.out, args.receipts))
    console.print(
        f"{written} receipt files ({len(found)} receipts) written to {args.out}"
        f" / 已写出回执文件 {written} 个"
    )
    if not found:
        console.print("no receipts found / 未找到回执")
        return 1
    if args.since and len(found) >= _SINCE_LIMIT:
        last = found[-1].created_at.isoformat()
        console.print(
            f"the first {_SINCE_LIMIT:,} only: run again with --since {last} for the rest"
            f" / 仅前 {_SINCE_LIMIT:,} 条，请以 --since {last} 继续"
        )
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
    uploads = ((item.source, item.data) for item in intake.incoming(args.files))
    seen: list[MessageReport] = []
    for message in check_each(uploads):
        seen.append(_verdict_only(message))
        if args.json:
            sys.stdout.write(msgspec.json.encode(message).decode() + "\n")
            continue
        verdict = "[green]clean[/]" if message.clean else "[red]faults[/]"
        console.print(f"[bold]{message.source}[/] {message.message_type or '?'} {verdict}")
        for title, found in (
            ("format", message.format_errors),
            ("XSD", message.xsd_errors),
            ("rules", message.rule_violations),
            ("signature", message.signature_errors),
        ):
            for v in found:
                console.print(f"  {title}: [{v.code}] {v.path}: {v.en} / {v.zh}", markup=False)
        for document in message.documents:
            codes = f": {', '.join(document.codes)}" if document.codes else ""
            console.print(
                f"  predicted {document.kind} {document.key} {document.status}{codes}",
                markup=False,
            )
        if message.refusal_codes:
            console.print(f"  predicted refusal: {', '.join(message.refusal_codes)}")
        for receipt in message.receipts:
            console.print(f"  receipt {receipt.message_type} {receipt.guid}")
    return exit_status(seen)


def _verdict_only(report: MessageReport) -> MessageReport:
    """The report without its receipts' text: what the exit status needs, kept per file."""
    return msgspec.structs.replace(report, receipts=[])


def _expire(args: argparse.Namespace) -> int:
    app = bootstrap()
    try:
        count = len(app.clearance.expire_waiting())
    finally:
        app.close()
    console.print(f"{count} waiting lists returned (CEB621.match.timeout)")
    return 0
