"""``tradewindow clearance-worker``: hold clearance partitions and clear their parts
(``docs/adr/0009``) until SIGTERM or SIGINT, then give the partitions back.

Needs ``TRADEWINDOW_CLEARANCE_PARTITIONS`` above 1, PostgreSQL and a bus URL (NATS
JetStream): any number of workers, on any machines sharing the database and the bus, share
the partitions between them.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from datetime import timedelta

from tradewindow.bootstrap import bootstrap
from tradewindow.bus.clearance import run_clearance_worker
from tradewindow.bus.select import DEFAULT_PREFIX, DEFAULT_STREAM
from tradewindow.cbec.partitioned import PartitionedClearance
from tradewindow.export.partitioned import PartitionedExport
from tradewindow.store.partition.leases import PartitionLeases


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = subparsers.add_parser(
        "clearance-worker", help="hold clearance partitions and clear what is filed for them"
    )
    worker.add_argument("--batch", type=int, default=200, help="parts per unit of work, at most")
    worker.add_argument("--poll", type=float, default=0.05, help="seconds to wait when idle")
    worker.add_argument(
        "--ack-wait", type=float, default=30.0, help="seconds before a part taken by a writer "
        "that stopped is delivered again",
    )  # fmt: skip
    worker.add_argument(
        "--stale-after", type=float, default=60.0,
        help="seconds after which parts of recorded messages still not done are sent again",
    )  # fmt: skip
    worker.add_argument(
        "--expected-workers", type=int, default=1,
        help="share the partitions as if at least this many workers ran (several started at once)",
    )  # fmt: skip
    worker.add_argument("--prefix", default=DEFAULT_PREFIX, help="bus subject prefix")
    worker.add_argument("--stream", default=DEFAULT_STREAM, help="JetStream stream name")
    worker.set_defaults(run=_worker)


def _worker(args: argparse.Namespace) -> int:
    app = bootstrap()
    clearance, runner = app.clearance, app.partitions
    if not isinstance(clearance, PartitionedClearance) or runner is None:
        print("clearance is not partitioned: set TRADEWINDOW_CLEARANCE_PARTITIONS above 1")
        app.close()
        return 2
    if not app.settings.bus_url or app.store.dialect != "postgresql":
        print("a clearance worker needs PostgreSQL and a bus (TRADEWINDOW_BUS_URL)")
        app.close()
        return 2
    leases = PartitionLeases(
        app.store.engine, clearance.partitions, expected_workers=args.expected_workers
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for received in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(received, stop.set)
        print(f"clearance worker: {clearance.partitions} partitions", flush=True)
        report = await run_clearance_worker(
            runner,
            clearance,
            leases,
            app.settings.bus_url,
            stop,
            prefix=args.prefix,
            stream=args.stream,
            batch=args.batch,
            poll_seconds=args.poll,
            ack_wait=args.ack_wait,
            stale_after=timedelta(seconds=args.stale_after),
            # export messages left waiting by their filers (export.partitioned)
            sweeps=[app.export.stale_works] if isinstance(app.export, PartitionedExport) else [],
        )
        print(
            f"clearance worker stopped after {report.rounds} rounds: {report.parts} parts in "
            f"{report.units} units of work, {report.resent} resent; gave back {report.held}",
            flush=True,
        )

    try:
        asyncio.run(main())
    finally:
        app.close()
    sys.stdout.flush()
    return 0
