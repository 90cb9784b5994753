"""`tradewindow bench clearance`: the whole import path against a raw baseline.

For each format (JSON, CEB XML) and each database (SQLite, PostgreSQL) the same generated
import sets are pushed, in batches of about 2,000 documents, through

- the **production path**, exactly what ``tradewindow clear`` runs: the application built by
  :func:`tradewindow.bootstrap.bootstrap` (agency routing and notices, the evidence log, the
  last-mile hook), the files read by :class:`tradewindow.intake.Decoder` (with the XSD check
  when the schemas are installed) and cleared by :func:`tradewindow.intake.clear`, every
  receipt written as a file; its time is split into stages (decode, clear, receipt files);
- the **core only** path, labelled as such: the CBEC core's ``Clearance`` without agencies or
  evidence, receipts rendered to bytes but not written — what the core alone costs; and
- the **raw baseline**: decode the same bytes into the same Structs and bulk-insert one row
  per document (key + JSON body) into a bare table, committed per batch, nothing else;
- the **pipeline**: the production path with decoding in worker processes
  (:mod:`tradewindow.pipeline`), the messages written to files first (untimed) and cleared as
  one stream, as ``tradewindow clear --workers N`` reads a folder; its time is split into
  the writer's wait for decoded messages, clearance and receipt files (which the workers
  render and write: the writer's share is handing them out and waiting for them), with the
  workers' CPU seconds of the run beside (their start-up apart);
- the **lifecycle mix**: the production path again, each batch followed by what brokers file
  after it — a CEB623 cancellation for 5 % of the lists (those not delivered out: any still
  on file) and a CEB625 return of one unit of the first line for 3 % (of those released;
  lists the agencies still hold are skipped, so the share actually returned is reported) —
  its figure is sets per second with the follow-ups' time included.

Messages are generated and encoded outside the timed sections, chunk by chunk, so memory
stays flat whatever ``--sets`` is; the report includes peak resident memory.

(Over 400 lines: one benchmark read top to bottom — the production path, the core-only path and
the raw baseline over the same generated sets, and their report.)
"""

from __future__ import annotations

import hashlib
import os
import resource
import sqlite3
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import psycopg
from cryptography.hazmat.primitives.asymmetric import rsa
from rich.console import Console
from rich.table import Table

from tradewindow import intake, pipeline
from tradewindow.bench import export_mix
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec import answers
from tradewindow.cbec.clearance import Clearance, Submission
from tradewindow.cbec.documents import (
    Inventory,
    InventoryMessage,
    Message,
    SpecVersion,
    message_type,
)
from tradewindow.cbec.keys import order_key
from tradewindow.cbec.lifecycle.applications import (
    cancel_messages,
    cancel_of,
    refund_messages,
    return_of,
)
from tradewindow.cbec.lifecycle.cancellation import CANCELLABLE
from tradewindow.cbec.ports import DocKind, DocStatus
from tradewindow.clock import utc_now
from tradewindow.demo.sets import generate_sets
from tradewindow.formats import ceb_json, ceb_xml, xmldsig
from tradewindow.formats.ceb_receipts_xml import write_receipt
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.settings import Settings
from tradewindow.store import open_store

BATCH_MESSAGES = 20  # 20 messages × 100 documents ≈ 2,000 documents per unit of work
DOCS_PER_SET = 4


def run(
    *,
    sets: int,
    formats: list[str],
    databases: list[str],
    progress: Console | None,
    mixes: tuple[str, ...] = ("import", "export"),
    workers: int | None = None,
) -> dict[str, Any]:
    started = utc_now()
    workers = pipeline.default_workers() if workers is None else workers
    report: dict[str, Any] = {
        "benchmark": "clearance",
        "sets": sets,
        "documents": sets * DOCS_PER_SET,
        "cpu_count": os.cpu_count(),
        "workers": workers,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "started": started.isoformat(),
        "runs": [],
    }
    signer = _Signer()
    if "export" in mixes:
        report["export_sets"] = sets
        report["export_documents"] = sets * export_mix.DOCS_PER_SET
        report["export_runs"] = _export_runs(sets, formats, databases, progress)
    if "import" not in mixes:
        return report
    for kind in databases:
        for fmt in formats:
            with database(kind) as url:
                if url is None:
                    report["runs"].append(
                        {"format": fmt, "database": kind, "skipped": "no PostgreSQL URL set"}
                    )
                    continue
                if progress:
                    progress.print(f"[bold]{fmt} on {kind}[/]: production path …")
                production = _production(url, fmt, sets, signer)
            piped: dict[str, Any] = {}
            if workers > 1:
                with database(kind) as url:
                    if progress:
                        progress.print(f"[bold]{fmt} on {kind}[/]: pipeline, {workers} workers …")
                    piped = _pipeline(url, fmt, sets, signer, workers) if url else {}
            with database(kind) as url:
                if progress:
                    progress.print(f"[bold]{fmt} on {kind}[/]: core only …")
                core = _core_only(url, fmt, sets, signer) if url else {}
            with database(kind) as url:
                if progress:
                    progress.print(f"[bold]{fmt} on {kind}[/]: raw baseline …")
                raw = _raw(url, fmt, sets, signer) if url else 0.0
            with database(kind) as url:
                if progress:
                    progress.print(f"[bold]{fmt} on {kind}[/]: lifecycle mix …")
                mix = _lifecycle_mix(url, fmt, sets, signer) if url else {}
            report["runs"].append(
                {
                    "format": fmt,
                    "database": kind,
                    "path": "production",
                    "sets_per_s": round(production["sets_per_s"], 1),
                    "documents_per_s": round(production["sets_per_s"] * DOCS_PER_SET, 1),
                    "raw_sets_per_s": round(raw, 1),
                    "ratio_to_raw": round(production["sets_per_s"] / raw, 3) if raw else None,
                    "released": production["released"],
                    "outcomes": production["outcomes"],
                    "stages": production["stages"],
                    "peak_rss_mb": production["peak_rss_mb"],
                    "core_only_sets_per_s": round(core["sets_per_s"], 1),
                    "core_only_ratio_to_raw": round(core["sets_per_s"] / raw, 3) if raw else None,
                    "lifecycle_sets_per_s": round(mix["sets_per_s"], 1),
                    "lifecycle_ratio_to_raw": round(mix["sets_per_s"] / raw, 3) if raw else None,
                    "lifecycle_outcomes": mix["outcomes"],
                    "pipeline": _ratio(piped, raw),
                }
            )
    return report


def _ratio(piped: dict[str, Any], raw: float) -> dict[str, Any]:
    """The pipeline run's figures with its ratio to the same run's raw baseline."""
    if not piped:
        return {}
    return {
        **piped,
        "sets_per_s": round(piped["sets_per_s"], 1),
        "ratio_to_raw": round(piped["sets_per_s"] / raw, 3) if raw else None,
    }


def _export_runs(
    sets: int, formats: list[str], databases: list[str], progress: Console | None
) -> list[dict[str, Any]]:
    """The export mix (:mod:`.export_mix`) on each database and format: production path and
    raw baseline."""
    runs: list[dict[str, Any]] = []
    for kind in databases:
        for fmt in formats:
            with database(kind) as url:
                if url is None:
                    runs.append(
                        {"format": fmt, "database": kind, "skipped": "no PostgreSQL URL set"}
                    )
                    continue
                if progress:
                    progress.print(f"[bold]export {fmt} on {kind}[/]: production path …")
                production = export_mix.measure(url, fmt, sets)
            with database(kind) as url:
                if progress:
                    progress.print(f"[bold]export {fmt} on {kind}[/]: raw baseline …")
                with _bare_table(url or "") as insert:
                    raw = export_mix.raw(insert, fmt, sets)
            runs.append(
                {
                    "format": fmt,
                    "database": kind,
                    "path": "production",
                    "sets_per_s": round(production["sets_per_s"], 1),
                    "documents_per_s": round(production["sets_per_s"] * export_mix.DOCS_PER_SET, 1),
                    "raw_sets_per_s": round(raw, 1),
                    "ratio_to_raw": round(production["sets_per_s"] / raw, 3) if raw else None,
                    "departed": production["departed"],
                    "outcomes": production["outcomes"],
                    "stages": production["stages"],
                    "peak_rss_mb": production["peak_rss_mb"],
                }
            )
    return runs


def render(report: dict[str, Any], console: Console) -> None:
    table = Table(
        title=f"bench clearance — {report['sets']:,} sets of each mix "
        f"({report['documents']:,} import documents), {report['cpu_count']} CPUs; production"
        " path = "
        "tradewindow clear as bootstrap wires it"
    )
    columns = ("format", "database", "path", "sets/s", "documents/s", "raw sets/s",
               "ratio to raw", "released", "decode/clear/receipts", "peak RSS MB")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column in ("format", "database", "path")
                         else "right")  # fmt: skip
    for run_ in report["runs"]:
        if "skipped" in run_:
            table.add_row(run_["format"], run_["database"], "", "skipped: " + run_["skipped"],
                          *[""] * (len(columns) - 4))  # fmt: skip
            continue
        stages = run_["stages"]
        shares = " / ".join(f"{stages[name]:.0%}" for name in ("decode", "clear", "receipts"))
        table.add_row(
            run_["format"], run_["database"], "production",
            f"{run_['sets_per_s']:,.0f}", f"{run_['documents_per_s']:,.0f}",
            f"{run_['raw_sets_per_s']:,.0f}", f"{run_['ratio_to_raw']:.3f}",
            f"{run_['released']:,}", shares, f"{run_['peak_rss_mb']:.0f}",
        )  # fmt: skip
        table.add_row(
            run_["format"], run_["database"], "core only",
            f"{run_['core_only_sets_per_s']:,.0f}",
            f"{run_['core_only_sets_per_s'] * DOCS_PER_SET:,.0f}",
            f"{run_['raw_sets_per_s']:,.0f}", f"{run_['core_only_ratio_to_raw']:.3f}",
            "", "", "",
        )  # fmt: skip
        piped = run_.get("pipeline")
        if piped:
            stages = piped["stages"]
            shares = " / ".join(f"{stages[name]:.0%}" for name in ("wait", "clear", "receipts"))
            table.add_row(
                run_["format"], run_["database"], f"pipeline ({piped['workers']} workers)",
                f"{piped['sets_per_s']:,.0f}", f"{piped['sets_per_s'] * DOCS_PER_SET:,.0f}",
                f"{run_['raw_sets_per_s']:,.0f}", f"{piped['ratio_to_raw']:.3f}",
                f"{piped['released']:,}", f"{shares} (wait)", f"{piped['peak_rss_mb']:.0f}",
            )  # fmt: skip
        outcomes = run_["lifecycle_outcomes"]
        table.add_row(
            run_["format"], run_["database"], "lifecycle mix",
            f"{run_['lifecycle_sets_per_s']:,.0f}",
            f"{run_['lifecycle_sets_per_s'] * DOCS_PER_SET:,.0f}",
            f"{run_['raw_sets_per_s']:,.0f}", f"{run_['lifecycle_ratio_to_raw']:.3f}",
            f"{outcomes.get('cancel:concluded', 0):,} cancelled, "
            f"{outcomes.get('refund:concluded', 0):,} returned", "", "",
        )  # fmt: skip
    for run_ in report.get("export_runs", ()):
        if "skipped" in run_:
            table.add_row(run_["format"], run_["database"], "export",
                          "skipped: " + run_["skipped"], *[""] * (len(columns) - 4))  # fmt: skip
            continue
        stages = run_["stages"]
        shares = " / ".join(f"{stages[name]:.0%}" for name in ("decode", "clear", "receipts"))
        table.add_row(
            run_["format"], run_["database"], "export production",
            f"{run_['sets_per_s']:,.0f}", f"{run_['documents_per_s']:,.0f}",
            f"{run_['raw_sets_per_s']:,.0f}", f"{run_['ratio_to_raw']:.3f}",
            f"{run_['departed']:,} departed", shares, f"{run_['peak_rss_mb']:.0f}",
        )  # fmt: skip
    console.print(table)
    for run_ in report["runs"]:
        piped = run_.get("pipeline")
        if piped:
            console.print(
                f"{run_['format'].upper()}, pipeline ({piped['workers']} workers) on"
                f" {run_['database']}: {piped['sets_per_s']:,.0f} sets/s ="
                f" {piped['ratio_to_raw']:.3f} × the single-process raw baseline"
                f" ({run_['raw_sets_per_s']:,.0f}); writer CPU {piped['writer_cpu_s']:.1f} s,"
                f" workers' CPU {piped['workers_cpu_s']:.1f} s over {piped['seconds']:.1f} s"
            )
    console.print(f"load average at the start: {report.get('load_average')}")
    if "export_runs" in report:
        console.print(
            f"export: {report['export_sets']:,} 9610 sets to departure"
            f" ({report['export_documents']:,} documents: order, receipt of payment, waybill,"
            " list, arrival, departure); its raw baseline decodes and stores the same documents"
        )


# --- the three measured paths -------------------------------------------------------------


def _production(url: str, fmt: str, sets: int, signer: _Signer) -> dict[str, Any]:
    """What ``tradewindow clear --out DIR`` runs, built the way it builds it."""
    with tempfile.TemporaryDirectory(prefix="tw-bench-app-") as folder:
        settings = Settings(database_url=url, data_dir=Path(folder) / "data")
        app = bootstrap(settings)
        try:
            decoder = _TimedDecoder(settings, spec=SpecVersion.V202205)
            writer = _TimedWriter(Path(folder) / "receipts", "xml" if fmt == "xml" else "json")
            elapsed = 0.0
            latest = Latest()
            for chunk in _chunks(sets, fmt, signer):
                items = [
                    intake.Incoming(f"bench-{n}.{fmt}", data, fmt)  # type: ignore[arg-type]
                    for n, data in enumerate(chunk)
                ]
                start = time.perf_counter()
                summary = intake.clear(
                    items,
                    clearance=app.clearance,
                    decoder=decoder,
                    writer=writer,
                    clock=utc_now,
                    batch_documents=BATCH_MESSAGES * 100,
                )
                elapsed += time.perf_counter() - start
                latest.add(summary)
                writer.clean()
            app.evidence.sign_head()
        finally:
            app.close()
    stages = _stage_shares(elapsed, decoder, writer)
    outcomes = latest.outcomes()
    return {
        "sets_per_s": sets / elapsed,
        "released": outcomes["inventory:released"],
        "outcomes": dict(sorted(outcomes.items())),
        "stages": stages,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _pipeline(url: str, fmt: str, sets: int, signer: _Signer, workers: int) -> dict[str, Any]:
    """The production path with ``workers`` decoding processes: the messages are written to
    a folder first (untimed) and cleared as one stream, as ``clear --workers`` reads them."""
    with tempfile.TemporaryDirectory(prefix="tw-bench-app-") as folder:
        inbox = Path(folder) / "in"
        inbox.mkdir()
        count = 0
        for chunk in _chunks(sets, fmt, signer):
            for data in chunk:
                (inbox / f"m{count:08}.{fmt}").write_bytes(data)
                count += 1
        settings = Settings(database_url=url, data_dir=Path(folder) / "data")
        app = bootstrap(settings)
        pool = pipeline.WorkerPool(settings, spec=SpecVersion.V202205, workers=workers)
        reader = _TimedReader(pool)
        writer = _TimedWorkerReceipts(
            pool, Path(folder) / "receipts", "xml" if fmt == "xml" else "json"
        )
        cleaning = _Cleaner(writer)
        try:
            start = time.perf_counter()
            pool.start()  # as clear --workers does before it reads the first file
            started = time.perf_counter() - start
            start_cpu = _cpu_seconds(pool.pids())  # loading the XSDs and code tables
            cpu = time.process_time()
            start = time.perf_counter()
            summary = intake.clear(
                intake.incoming([inbox]),
                clearance=app.clearance,
                decoder=reader,
                writer=writer,
                clock=utc_now,
                batch_documents=BATCH_MESSAGES * 100,
                on_file=cleaning.add,
            )
            elapsed = time.perf_counter() - start - cleaning.seconds
            writer_cpu = time.process_time() - cpu
            workers_cpu = _cpu_seconds(pool.pids()) - start_cpu
            app.evidence.sign_head()
        finally:
            pool.close()
            app.close()
    stages = {"wait": reader.seconds, "receipts": writer.seconds}
    stages["clear"] = elapsed - reader.seconds - writer.seconds
    return {
        "workers": workers,
        "sets_per_s": sets / elapsed,
        "seconds": round(elapsed, 2),
        "start_s": round(started, 2),  # starting the workers, before the timed run
        "released": summary.outcomes["inventory:released"],
        "outcomes": dict(sorted(summary.outcomes.items())),
        "stages": {name: round(seconds / elapsed, 3) for name, seconds in stages.items()},
        "writer_cpu_s": round(writer_cpu, 2),
        "workers_cpu_s": round(workers_cpu, 2),
        "worker_restarts": pool.restarts,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds of the processes ``pids`` so far (Linux ``/proc``; the
    pool's workers are the fork server's children, not ours, so rusage does not see them)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / ticks


class _TimedReader:
    """A reader whose time is counted: what the writer waits for its next decoded message
    (the workers' backlog drained, plus the MessagePack decoding in the writer)."""

    def __init__(self, reader: intake.Reader) -> None:
        self._reader = reader
        self.seconds = 0.0

    def decoded(
        self, items: Any, clock: Callable[[], Any], *, export: bool
    ) -> Iterator[intake.Decoded]:
        stream = self._reader.decoded(items, clock, export=export)
        while True:
            start = time.perf_counter()
            try:
                read = next(stream)
            except StopIteration:
                self.seconds += time.perf_counter() - start
                return
            self.seconds += time.perf_counter() - start
            yield read


class _Cleaner:
    """Removes the receipt files every few thousand answers, its time not counted."""

    def __init__(self, writer: _TimedWriter | _TimedWorkerReceipts) -> None:
        self._writer = writer
        self._answers = 0
        self.seconds = 0.0

    def add(self, outcome: intake.FileOutcome) -> None:
        self._answers += 1
        if self._answers % 200 == 0:
            start = time.perf_counter()
            self._writer.clean()
            self.seconds += time.perf_counter() - start


class Latest:
    """Each document's latest status over the chunks of a run, as ``intake.Summary`` keeps
    it over one: a list waiting in one chunk and decided in a later one counts once, as
    decided (adding each chunk's counts counted it in both)."""

    def __init__(self) -> None:
        self._final: dict[tuple[str, str], str] = {}

    def add(self, summary: intake.Summary) -> None:
        self._final.update(summary.final)

    def outcomes(self) -> Counter[str]:
        """``kind:status`` → number of documents (``intake.Summary.outcomes``)."""
        return intake.Summary(final=self._final).outcomes


def _stage_shares(elapsed: float, decoder: _TimedDecoder, writer: _TimedWriter) -> dict[str, float]:
    """Each stage's share of a production run: decoding, receipts written, clearance the rest."""
    cleared = elapsed - decoder.seconds - writer.seconds
    shares = {"decode": decoder.seconds, "clear": cleared, "receipts": writer.seconds}
    return {name: round(seconds / elapsed, 3) for name, seconds in shares.items()}


class _TimedDecoder(intake.Decoder):
    """The production decoder, its time counted (the decode stage)."""

    seconds = 0.0

    def decode(self, item: intake.Incoming, received_at: Any) -> Submission | intake.Refusal:
        start = time.perf_counter()
        try:
            return super().decode(item, received_at)
        finally:
            self.seconds += time.perf_counter() - start

    def decode_any(
        self, item: intake.Incoming, received_at: Any
    ) -> Submission | intake.ExportSubmission | intake.Refusal:
        start = time.perf_counter()
        try:
            return super().decode_any(item, received_at)
        finally:
            self.seconds += time.perf_counter() - start


class _TimedWriter(intake.ReceiptWriter):
    """The production receipt writer, its time counted; files removed untimed between
    chunks so that the disk holds one chunk's receipts at a time."""

    seconds = 0.0

    def __init__(self, out: Path, fmt: intake.Format) -> None:
        super().__init__(out, fmt)
        self._folder = out

    def write(self, message: Any) -> str | None:
        start = time.perf_counter()
        try:
            return super().write(message)
        finally:
            self.seconds += time.perf_counter() - start

    def clean(self) -> None:
        for file in self._folder.iterdir():
            if not file.name.startswith("."):  # one a worker is writing (renamed when whole)
                file.unlink(missing_ok=True)


class _TimedWorkerReceipts(pipeline.WorkerReceipts):
    """The pipeline's receipt writer (answers' files rendered and written by the workers),
    the writer's own time on it counted: handing each answer out, waiting for its files,
    the CEB900s it writes itself."""

    def __init__(self, pool: pipeline.WorkerPool, out: Path, fmt: intake.Format) -> None:
        super().__init__(pool, out, fmt)
        self._own = _TimedWriter(out, fmt)  # what it writes itself, timed

    @property
    def seconds(self) -> float:
        return self._own.seconds

    def write(self, message: Any) -> str | None:
        return self._own.write(message)

    def write_answer(self, guid: str, records: Any) -> intake.Written:
        start = time.perf_counter()
        written = super().write_answer(guid, records)
        self._own.seconds += time.perf_counter() - start

        def timed() -> list[str | None]:
            start = time.perf_counter()
            try:
                return written()
            finally:
                self._own.seconds += time.perf_counter() - start

        return timed

    def clean(self) -> None:
        self._own.clean()


def _lifecycle_mix(url: str, fmt: str, sets: int, signer: _Signer) -> dict[str, Any]:
    """The production path, each batch followed by its cancellations and returns (built
    and encoded untimed, from the lists' numbers as the brokers read them off their
    receipts); the time of both counts."""
    with tempfile.TemporaryDirectory(prefix="tw-bench-app-") as folder:
        settings = Settings(database_url=url, data_dir=Path(folder) / "data")
        app = bootstrap(settings)
        try:
            decoder = intake.Decoder(settings, spec=SpecVersion.V202205)
            writer = _TimedWriter(Path(folder) / "receipts", "xml" if fmt == "xml" else "json")
            elapsed = 0.0
            latest = Latest()
            seen = 0
            for chunk, lists in _chunks_and_lists(sets, fmt, signer):
                for batch in (chunk, None):
                    if batch is None:
                        batch = _follow_ups(app, lists, seen, fmt, signer)
                        seen += len(lists)
                    items = [
                        intake.Incoming(f"bench-{n}.{fmt}", data, fmt)  # type: ignore[arg-type]
                        for n, data in enumerate(batch)
                    ]
                    start = time.perf_counter()
                    summary = intake.clear(
                        items, clearance=app.clearance, decoder=decoder, writer=writer,
                        clock=utc_now, batch_documents=BATCH_MESSAGES * 100,
                    )  # fmt: skip
                    elapsed += time.perf_counter() - start
                    latest.add(summary)
                writer.clean()
        finally:
            app.close()
    return {"sets_per_s": sets / elapsed, "outcomes": dict(sorted(latest.outcomes().items()))}


_CANCEL_PERCENT = 5
_RETURN_PERCENT = 3


def _follow_ups(
    app: Any, lists: list[Inventory], first: int, fmt: str, signer: _Signer
) -> list[bytes]:
    """The encoded cancellations (5 %) and returns (3 %) of ``lists``, the ``first``-th list
    of the run being the first of them (untimed)."""
    keys = [order_key(i.head.ebp_code, i.head.order_no) for i in lists]
    with app.store.unit_of_work() as uow:
        stored = uow.documents(DocKind.INVENTORY, keys)
    now = utc_now()
    cancels, refunds = [], []
    for index, (inventory, key) in enumerate(zip(lists, keys, strict=True), first):
        on_file = stored.get(key)
        if on_file is None or on_file.invt_no is None:
            continue
        share = index % 100
        if share < _CANCEL_PERCENT and on_file.status in CANCELLABLE:
            cancels.append(cancel_of(inventory, on_file.invt_no, now))
        elif share < _CANCEL_PERCENT + _RETURN_PERCENT and on_file.status is DocStatus.RELEASED:
            line = inventory.items[0]
            refunds.append(return_of(inventory, on_file.invt_no, now, {line.gnum: Decimal(1)}))
    messages: list[Message] = [*cancel_messages(cancels), *refund_messages(refunds)]
    if fmt == "json":
        return [ceb_json.write_message(m) for m in messages]
    return [signer.sign(ceb_xml.write_message(m)) for m in messages]


def _chunks_and_lists(
    sets: int, fmt: str, signer: _Signer
) -> Iterator[tuple[list[bytes], list[Inventory]]]:
    """As :func:`_chunks`, with the lists each chunk carries."""
    start = utc_now() - timedelta(minutes=5)
    chunk: list[bytes] = []
    lists: list[Inventory] = []
    for message in generate_sets(sets, seed=7, start=start, per_message=100):
        if isinstance(message, InventoryMessage):
            lists.extend(message.inventories)
        if fmt == "json":
            chunk.append(ceb_json.write_message(message))
        else:
            data = ceb_xml.write_message(message)
            chunk.append(signer.sign(data) if message_type(message) == "CEB621" else data)
        if len(chunk) == BATCH_MESSAGES:
            yield chunk, lists
            chunk, lists = [], []
    if chunk:
        yield chunk, lists


def _core_only(url: str, fmt: str, sets: int, signer: _Signer) -> dict[str, Any]:
    """The CBEC core alone (no agencies, no evidence), receipts rendered but not written."""
    store = open_store(url)
    now = utc_now()
    clearance = Clearance(
        store,
        codes=ReferenceCodeTables(),
        rates=TariffRates(),
        match_timeout=timedelta(hours=24),
        clock=lambda: now,
    )
    decode = _decoder(fmt)
    render_receipt = write_receipt if fmt == "xml" else ceb_json.write_message
    elapsed = 0.0
    released = 0
    for chunk in _chunks(sets, fmt, signer):
        start = time.perf_counter()
        submissions = [
            Submission(
                message=decode(data),
                digest=hashlib.sha256(data).hexdigest(),
                received_at=now,
                spec=SpecVersion.V202205,
            )
            for data in chunk
        ]
        for answer in clearance.submit(submissions):
            for receipt_message in answers.receipt_messages(answer.guid, answer.receipts):
                render_receipt(receipt_message)
            released += sum(1 for r in answer.receipts if r.status == "800")
        elapsed += time.perf_counter() - start
    store.close()
    return {"sets_per_s": sets / elapsed, "released": released, "peak_rss_mb": _peak_rss_mb()}


def _raw(url: str, fmt: str, sets: int, signer: _Signer) -> float:
    decode = _decoder(fmt)
    elapsed = 0.0
    with _bare_table(url) as insert:
        for chunk in _chunks(sets, fmt, signer):
            start = time.perf_counter()
            rows: list[tuple[str, str, bytes]] = []
            for data in chunk:
                message = decode(data)
                kind = message_type(message)
                rows.extend((kind, document_key(d), _encode(d)) for d in message.documents)
            insert(rows)
            elapsed += time.perf_counter() - start
    return sets / elapsed


# --- data ----------------------------------------------------------------------------------

_encode = msgspec.json.Encoder().encode


def document_key(document: Any) -> str:
    head = document.head
    return str(getattr(head, "order_no", None) or head.logistics_no)


def _decoder(fmt: str) -> Callable[[bytes], Message]:
    if fmt == "json":
        return lambda data: ceb_json.read_message(data, max_bytes=10 * 1024 * 1024)
    return lambda data: ceb_xml.read_message(data, max_bytes=10 * 1024 * 1024, max_depth=32).message


def _chunks(sets: int, fmt: str, signer: _Signer) -> Iterator[list[bytes]]:
    """The encoded messages, BATCH_MESSAGES at a time (generated lazily, untimed)."""
    start = utc_now() - timedelta(minutes=5)
    chunk: list[bytes] = []
    for message in generate_sets(sets, seed=7, start=start, per_message=100):
        if fmt == "json":
            chunk.append(ceb_json.write_message(message))
        else:
            data = ceb_xml.write_message(message)
            chunk.append(signer.sign(data) if message_type(message) == "CEB621" else data)
        if len(chunk) == BATCH_MESSAGES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Signer:
    """A throwaway RSA key: CEB621 carries a ds:Signature (XSD), signed untimed here."""

    def __init__(self) -> None:

        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def sign(self, data: bytes) -> bytes:
        return xmldsig.sign(data, self._key, key_name="bench")


# --- databases -----------------------------------------------------------------------------


@contextmanager
def database(name: str) -> Iterator[str | None]:
    if name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="tw-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    url = os.environ.get("TRADEWINDOW_BENCH_DATABASE_URL") or os.environ.get(
        "TRADEWINDOW_TEST_DATABASE_URL"
    )
    if not url:
        yield None
        return

    schema = f"tw_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            separator = "&" if "?" in url else "?"
            yield f"{url}{separator}options=-csearch_path%3D{schema}"
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def _bare_table(url: str) -> Iterator[Callable[[list[tuple[str, str, bytes]]], None]]:
    """A bare (kind, key, body) table and a bulk insert committing once per call."""
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("CREATE TABLE raw (kind TEXT, key TEXT, body BLOB)")

        def insert_sqlite(rows: list[tuple[str, str, bytes]]) -> None:
            with connection:
                connection.executemany("INSERT INTO raw VALUES (?, ?, ?)", rows)

        try:
            yield insert_sqlite
        finally:
            connection.close()
        return

    with psycopg.connect(url) as pg:
        pg.execute("CREATE TABLE raw (kind text, key text, body bytea)")
        pg.commit()

        def insert_pg(rows: list[tuple[str, str, bytes]]) -> None:
            with (
                pg.cursor() as cursor,
                cursor.copy("COPY raw (kind, key, body) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            pg.commit()

        yield insert_pg


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
