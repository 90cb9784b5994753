"""`tradewindow bench scale --mix export`: export clearance with one writer against export
clearance by partitions (``export.partitioned``), the same filers and the same sets, back to
back on PostgreSQL (one writer, partitions, partitions, one writer; the means compared).

Export is filed one message per call, its parts cleared by the filer (an API process), so the
writers are the filers: F processes, each built by ``bootstrap`` as production builds them
(``TRADEWINDOW_CLEARANCE_PARTITIONS``: 1, then N), each filing every F-th message of the
per-order part of ``bench clearance``'s export mix (orders, receipts of payment, waybills and
lists, 100 documents a message, in the order the firms file them; a list filed before its
documents by another filer waits and is woken). Timed from the moment every filer is ready
(built, its messages decoded) to the last one's end; every list must end accepted. With one
writer the filers queue on the export lock; by partitions they queue only within a partition
(and on the waybill keys they share).
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from tradewindow.bench import export_mix
from tradewindow.bench.clearance import database
from tradewindow.bootstrap import bootstrap
from tradewindow.clock import utc_now
from tradewindow.export import documents as d
from tradewindow.formats import ceb_json
from tradewindow.settings import Settings
from tradewindow.store import open_store
from tradewindow.store.samples import export_lists_numbered

OPERATOR = "operator:bench"
_PER_ORDER = (d.OrderMessage, d.ReceiptMessage, d.WaybillMessage, d.InventoryMessage)


def run(
    *, sets: int, filers: int, partitions: int, per_message: int = 100, progress: Any = None
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "benchmark": "scale",
        "mix": "export",
        "sets": sets,
        "documents": sets * 4,
        "filers": filers,
        "partitions": partitions,
        "per_message": per_message,
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "started": utc_now().isoformat(),
        "runs": [],
    }
    start = utc_now() - timedelta(minutes=30)
    encoded = [
        ceb_json.write_message(piece)
        for m in export_mix.generate(sets, start)
        if isinstance(m, _PER_ORDER)
        for piece in _pieces(m, per_message)
    ]
    # one writer, partitions, partitions, one writer: a load that drifts weighs on both alike
    for count in (1, partitions, partitions, 1):
        if progress:
            progress.print(f"[bold]export, {filers} filers, partitions {count}[/] …")
        with database("postgresql") as url:
            if url is None:
                report["skipped"] = "needs TRADEWINDOW_BENCH_DATABASE_URL"
                return report
            report["runs"].append(_one(url, encoded, sets, filers, count, start))
    mean = {
        count: round(sum(r["sets_per_s"] for r in found) / len(found), 1)
        for count in (1, partitions)
        for found in [[r for r in report["runs"] if r["partitions"] == count]]
    }
    report["sets_per_s"] = {"one_writer": mean[1], "partitioned": mean[partitions]}
    report["speed_up"] = round(mean[partitions] / mean[1], 2)
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def _pieces(message: d.ExportMessage, size: int) -> list[d.ExportMessage]:
    """``message`` as messages of at most ``size`` documents (1: as API clients file)."""
    field = next(
        f.name
        for f in msgspec.structs.fields(type(message))
        if f.name not in ("guid", "version", "base_transfer")
    )
    documents = getattr(message, field)
    if len(documents) <= size:
        return [message]
    return [
        msgspec.structs.replace(
            message,
            guid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{message.guid}/{n}")).upper(),
            **{field: documents[n : n + size]},
        )
        for n in range(0, len(documents), size)
    ]


def _one(
    url: str, encoded: list[bytes], sets: int, filers: int, partitions: int, at: datetime
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="tw-bench-export-scale-") as folder:
        data_dir = Path(folder) / "data"
        bootstrap(Settings(database_url=url, data_dir=data_dir)).close()  # migrated, keys made
        spawn = multiprocessing.get_context("spawn")
        ready = spawn.Barrier(filers + 1)
        processes = [
            spawn.Process(
                target=_filer,
                args=(url, str(data_dir), partitions, encoded[n::filers], at, ready),
            )
            for n in range(filers)
        ]
        for process in processes:
            process.start()
        ready.wait(300)
        started = time.perf_counter()
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - started
        failed = [p.exitcode for p in processes if p.exitcode]
        if failed:
            raise RuntimeError(f"an export filer failed (exit status {failed[0]})")
        store = open_store(url)
        try:
            accepted = export_lists_numbered(store.engine)
        finally:
            store.close()
    if accepted != sets:
        raise RuntimeError(f"{accepted} of {sets} lists accepted")
    return {
        "partitions": partitions,
        "sets_per_s": round(sets / elapsed, 1),
        "seconds": round(elapsed, 2),
        "lists_accepted": accepted,
    }


def _filer(
    url: str, data_dir: str, partitions: int, share: list[bytes], at: datetime, ready: Any
) -> None:
    settings = Settings(database_url=url, data_dir=Path(data_dir), clearance_partitions=partitions)
    app = bootstrap(settings)
    limit = 10 * 1024 * 1024
    messages = [ceb_json.read_export_message(data, max_bytes=limit) for data in share]
    ready.wait(300)
    try:
        for message in messages:
            app.export(message, OPERATOR, at)
    finally:
        app.close()


def render(report: dict[str, Any], console: Any) -> None:
    if "skipped" in report:
        console.print(f"bench scale --mix export skipped: {report['skipped']}")
        return
    console.print(
        f"bench scale --mix export — {report['sets']:,} sets ({report['documents']:,} "
        f"documents: orders, receipts, waybills, lists; {report['per_message']} a message), "
        f"{report['filers']} filer processes, "
        f"{report['cpu_count']} CPUs, load average {report['load_average']} → "
        f"{report['load_average_after']}"
    )
    for run_ in report["runs"]:
        label = "one writer" if run_["partitions"] == 1 else f"{run_['partitions']} partitions"
        console.print(
            f"  {label:>14}: {run_['sets_per_s']:,.1f} sets/s ({run_['seconds']:.1f} s), "
            f"{run_['lists_accepted']:,} lists accepted"
        )
    console.print(
        f"  mean: one writer {report['sets_per_s']['one_writer']:,.1f} sets/s, partitioned "
        f"{report['sets_per_s']['partitioned']:,.1f} sets/s: {report['speed_up']:.2f}×"
    )
