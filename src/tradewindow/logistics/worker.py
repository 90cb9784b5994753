"""The worker loop: relay stored events to the bus, take them off, owe them to the matching
subscriptions and call back what is due — until told to stop.

The API processes only store events (the events table is the relay's outbox); one or more
workers do the rest. With the in-process bus the relay and the fan-out must share a process,
which the worker is; with NATS JetStream any number of workers share the durable consumer.
``store_events`` is for a worker over another database than the producers' (two sites
sharing events through NATS): it stores what it takes off the bus before owing it.
"""

from __future__ import annotations

import asyncio
import logging

import msgspec

from tradewindow.bus import open_bus
from tradewindow.bus.select import DEFAULT_PREFIX
from tradewindow.logistics.callbacks import DeliveryReport
from tradewindow.logistics.fanout import Fanout, Relay
from tradewindow.logistics.services import Logistics

log = logging.getLogger("tradewindow.logistics")


class WorkerReport(msgspec.Struct, kw_only=True):
    rounds: int = 0
    relayed: int = 0
    taken: int = 0
    delivered: int = 0
    posts: int = 0
    deferred: int = 0


async def run_worker(
    logistics: Logistics,
    bus_url: str | None,
    stop: asyncio.Event,
    *,
    poll_seconds: float = 0.05,
    batch: int = 500,
    rounds: int | None = None,
    store_events: bool = False,
    durable: str = "callbacks",
    prefix: str = DEFAULT_PREFIX,
) -> WorkerReport:
    """Run until ``stop`` is set (or ``rounds`` rounds ran); what was done."""
    report = WorkerReport()
    bus = await open_bus(bus_url, prefix=prefix)
    try:
        consumer = await bus.consumer(f"{prefix}.events.>", durable=durable)
        relay = Relay(logistics.events, bus, prefix=prefix)
        async with logistics.client() as client:
            fanout = Fanout(
                logistics.events,
                logistics.subscriptions,
                logistics.delivery(client),
                store_events=store_events,
            )
            while not stop.is_set() and (rounds is None or report.rounds < rounds):
                report.relayed += await relay.pump(batch)
                taken, delivered = await fanout.run_once(
                    consumer, batch=batch, timeout=poll_seconds
                )
                _count(report, taken, delivered)
    finally:
        await bus.close()
    return report


def _count(report: WorkerReport, taken: int, delivered: DeliveryReport) -> None:
    report.rounds += 1
    report.taken += taken
    report.delivered += delivered.delivered
    report.posts += delivered.posts
    report.deferred += delivered.deferred
    if delivered.posts:
        log.info(
            "delivered %d events in %d callbacks, %d deferred",
            delivered.delivered,
            delivered.posts,
            delivered.deferred,
        )
