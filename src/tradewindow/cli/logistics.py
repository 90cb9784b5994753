"""``tradewindow worker`` and ``tradewindow bench events``: translate arguments, run, print.

``worker`` runs the relay / fan-out / callback loop over the configured database and bus
until SIGTERM or SIGINT (or ``--rounds``); ``bench events`` measures HTTP ingest and callback
fan-out latency (:mod:`tradewindow.bench.events`).
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from tradewindow.bootstrap import bootstrap
from tradewindow.evidence.log import checkpoint_ticker
from tradewindow.logistics.worker import run_worker


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = subparsers.add_parser(
        "worker", help="relay events to the bus, fan out to subscriptions, call back"
    )
    worker.add_argument("--poll", type=float, default=0.05, help="seconds to wait when idle")
    worker.add_argument("--batch", type=int, default=500, help="events per round")
    worker.add_argument("--rounds", type=int, default=None, help="stop after this many rounds")
    worker.add_argument(
        "--store-events", action="store_true", help="store events taken off the bus (other DB)"
    )
    worker.set_defaults(run=_worker)


def _worker(args: argparse.Namespace) -> int:

    app = bootstrap()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for received in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(received, stop.set)
        # a worker also signs a quiet evidence tail on time (issue 15), as serve does
        ticker = asyncio.create_task(
            checkpoint_ticker(app.evidence, app.settings.evidence.checkpoint_every)
        )
        report = await run_worker(
            app.logistics,
            app.settings.bus_url,
            stop,
            poll_seconds=args.poll,
            batch=args.batch,
            rounds=args.rounds,
            store_events=args.store_events,
        )
        ticker.cancel()
        print(
            f"worker stopped after {report.rounds} rounds: {report.relayed} relayed, "
            f"{report.delivered} delivered in {report.posts} callbacks, "
            f"{report.deferred} deferred",
            flush=True,
        )

    try:
        asyncio.run(main())
    finally:
        app.close()
    return 0
