"""`tradewindow bench scale`: partitioned clearance with 1, 2, … N writer processes against
PostgreSQL and NATS JetStream — sets per second per count, and the speed-up over one writer.

For each writer count, on a fresh schema and a fresh stream:

1. **filed, untimed**: the generated import sets (``demo.sets``, 100 documents a message) are
   filed through ``PartitionedClearance`` — checked, recorded in the inbox, their parts
   published on the partitions' subjects — with no writer running yet;
2. **cleared, timed**: that many ``tradewindow clearance-worker`` processes are started (the
   production wiring: ``bootstrap``, agency routing, evidence in the partitions' chains, the
   last-mile hook) and share the partitions; the figure is the sets divided by the time from
   the first part's commit to the last one's (so the workers' start-up is not counted; the
   wall time from their start is reported too).

Filing is kept out of the timed part so that the curve is the writers' own: on a machine with
more cores the filers (API processes) scale separately, being stateless. The raw baseline is
``bench clearance``'s: decode the same JSON and COPY one row per document into a bare table.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import nats
from rich.console import Console
from rich.table import Table

from tradewindow.bench.clearance import _raw, _Signer, database
from tradewindow.bus.clearance import BusDispatch
from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.partitioned import PartitionedClearance
from tradewindow.clock import utc_now
from tradewindow.demo.sets import generate_sets
from tradewindow.evidence.platform_key import load_platform_key
from tradewindow.formats import ceb_json
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.store import open_store
from tradewindow.store.partition import SqlInbox
from tradewindow.store.samples import inbox_pending, inbox_span

DOCS_PER_SET = 4
FILE_BATCH = 20  # messages per submit while filing


class _SendOnly(BusDispatch):
    """Publish the parts; do not wait for them (no writer runs while the bench files)."""

    def wait(self, guids: Collection[str]) -> None:
        return None


def nats_url() -> str | None:
    return os.environ.get("TRADEWINDOW_BENCH_NATS_URL") or os.environ.get(
        "TRADEWINDOW_TEST_NATS_URL"
    )


def run(
    *,
    sets: int,
    writers: Sequence[int],
    partitions: int,
    batch: int,
    progress: Console | None,
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "benchmark": "scale",
        "sets": sets,
        "documents": sets * DOCS_PER_SET,
        "partitions": partitions,
        "cpu_count": os.cpu_count(),
        "started": utc_now().isoformat(),
        "runs": [],
    }
    bus = nats_url()
    with database("postgresql") as url:
        if url is None or bus is None:
            report["skipped"] = (
                "needs TRADEWINDOW_BENCH_DATABASE_URL and TRADEWINDOW_BENCH_NATS_URL"
            )
            return report
        if progress:
            progress.print("[bold]raw baseline[/] (decode + COPY, PostgreSQL) …")
        report["raw_sets_per_s"] = round(_raw(url, "json", sets, _Signer()), 1)
    encoded = [
        ceb_json.write_message(m)
        for m in generate_sets(sets, seed=7, start=utc_now() - timedelta(minutes=5),
                               per_message=100)
    ]  # fmt: skip
    for count in writers:
        if progress:
            progress.print(f"[bold]{count} writer(s)[/] over {partitions} partitions …")
        with database("postgresql") as url:
            assert url is not None  # noqa: S101 - checked above
            report["runs"].append(_one(url, bus, sets, encoded, count, partitions, batch, progress))
    one = next((r["sets_per_s"] for r in report["runs"] if r["writers"] == 1), None)
    for run_ in report["runs"]:
        run_["speed_up"] = round(run_["sets_per_s"] / one, 2) if one else None
        run_["ratio_to_raw"] = round(run_["sets_per_s"] / report["raw_sets_per_s"], 3)
    return report


def _one(
    url: str,
    bus: str,
    sets: int,
    encoded: list[bytes],
    writers: int,
    partitions: int,
    batch: int,
    progress: Console | None,
) -> dict[str, Any]:
    tag = secrets.token_hex(4)
    stream, prefix = f"TWBENCH_{tag}", f"twbench{tag}"
    with tempfile.TemporaryDirectory(prefix="tw-bench-scale-") as folder:
        data_dir = Path(folder) / "data"
        load_platform_key(data_dir / "platform-ed25519.pem", create=True)
        store = open_store(url)
        try:
            filed = _file(store, url, bus, encoded, partitions, prefix, stream)
            if progress:
                progress.print(f"  filed {len(encoded)} messages in {filed:.1f} s (untimed)")
            env = {
                **os.environ,
                "TRADEWINDOW_DATABASE_URL": url,
                "TRADEWINDOW_BUS_URL": bus,
                "TRADEWINDOW_CLEARANCE_PARTITIONS": str(partitions),
                "TRADEWINDOW_DATA_DIR": str(data_dir),
            }
            command = [
                sys.executable, "-m", "tradewindow.cli", "clearance-worker", "--prefix", prefix,
                "--stream", stream, "--batch", str(batch), "--poll", "0.02",
                "--expected-workers", str(writers),
            ]  # fmt: skip
            started = time.perf_counter()
            processes = [
                subprocess.Popen(  # noqa: S603 - our own interpreter and command
                    command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                for _ in range(writers)
            ]
            try:
                _wait_done(store, processes)
                wall = time.perf_counter() - started
            finally:
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.wait(60)
            span, units = _span(store)
        finally:
            store.close()
            asyncio.run(_delete_stream(bus, stream))
    return {
        "writers": writers,
        "sets_per_s": round(sets / span, 1),
        "cleared_seconds": round(span, 2),
        "wall_seconds_from_start": round(wall, 2),
        "units_of_work": units,
        "filing_seconds_untimed": round(filed, 2),
    }


def _file(
    store: Any, url: str, bus: str, encoded: list[bytes], partitions: int, prefix: str,
    stream: str,
) -> float:  # fmt: skip
    inbox = SqlInbox(store.engine)
    dispatch = _SendOnly(bus, inbox, prefix=prefix, stream=stream)
    clearance = PartitionedClearance(
        store,
        partitions=partitions,
        inbox=inbox,
        dispatch=dispatch,
        codes=ReferenceCodeTables(),
        rates=TariffRates(),
        match_timeout=timedelta(hours=24),
        clock=utc_now,
    )
    start = time.perf_counter()
    try:
        for first in range(0, len(encoded), FILE_BATCH):
            now = utc_now()
            clearance.submit(
                [
                    Submission(
                        message=ceb_json.read_message(data, max_bytes=10 * 1024 * 1024),
                        digest=hashlib.sha256(data).hexdigest(),
                        received_at=now,
                    )
                    for data in encoded[first : first + FILE_BATCH]
                ]
            )
    finally:
        dispatch.close()
    return time.perf_counter() - start


def _wait_done(store: Any, processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """Until no part is left; a worker that stopped on its own ends the run (its error is
    what `tradewindow clearance-worker` prints when run by hand)."""
    while inbox_pending(store.engine):
        stopped = [p.returncode for p in processes if p.poll() is not None]
        if stopped:
            raise RuntimeError(f"a clearance-worker stopped (exit status {stopped[0]})")
        time.sleep(0.05)


def _span(store: Any) -> tuple[float, int]:
    """Seconds from the first part's commit to the last's, and the units of work (distinct
    commit times)."""
    return inbox_span(store.engine)


async def _delete_stream(url: str, name: str) -> None:
    client = await nats.connect(url)
    with contextlib.suppress(Exception):
        await client.jetstream().delete_stream(name)
    await client.drain()


def render(report: dict[str, Any], console: Console) -> None:
    if "skipped" in report:
        console.print(f"bench scale skipped: {report['skipped']}")
        return
    table = Table(
        title=f"bench scale — {report['sets']:,} import sets ({report['documents']:,} "
        f"documents) over {report['partitions']} partitions, {report['cpu_count']} CPUs; "
        f"raw baseline {report['raw_sets_per_s']:,.0f} sets/s (decode + COPY)"
    )
    for column in ("writers", "sets/s", "speed-up", "ratio to raw", "cleared s", "wall s",
                   "units of work"):  # fmt: skip
        table.add_column(column, justify="right")
    for run_ in report["runs"]:
        table.add_row(
            str(run_["writers"]), f"{run_['sets_per_s']:,.0f}", f"{run_['speed_up']:.2f}×",
            f"{run_['ratio_to_raw']:.3f}", f"{run_['cleared_seconds']:.1f}",
            f"{run_['wall_seconds_from_start']:.1f}", str(run_["units_of_work"]),
        )  # fmt: skip
    console.print(table)
