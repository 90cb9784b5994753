"""``tradewindow bench events`` (to be wired in the CLI): events stored per second through the
service, and callback fan-out latency from ingest to receipt at N loopback subscribers.

The receiver is a bare asyncio HTTP/1.1 server on 127.0.0.1 that answers 204, so the figures
measure the platform, not a web framework.
"""

from __future__ import annotations

import asyncio
import base64
import statistics
import time
from datetime import UTC, datetime, timedelta

import httpx
import msgspec

from tradewindow.logistics.callbacks import CallbackDelivery
from tradewindow.logistics.events import EventService, Viewer
from tradewindow.logistics.filters import facts
from tradewindow.logistics.guard import CallbackGuard, SecretBox
from tradewindow.logistics.identifiers import container_check_digit
from tradewindow.logistics.model import EquipmentEvent, Location
from tradewindow.logistics.subscriptions import NewSubscription, SubscriptionService
from tradewindow.store import open_store


class EventBench(msgspec.Struct, kw_only=True):
    events: int
    ingest_seconds: float
    events_per_second: float
    subscribers: int
    fanout_rounds: int
    latency_p50_ms: float
    latency_p99_ms: float


def _event(n: int, now: datetime) -> EquipmentEvent:
    first = f"BNCU{n % 1_000_000:06d}"
    return EquipmentEvent(
        event_id=f"bench-{n}",
        event_created_date_time=now,
        event_date_time=now - timedelta(minutes=5),
        event_classifier_code="ACT",
        equipment_event_type_code="DISC",
        equipment_reference=first + str(container_check_digit(first)),
        iso_equipment_code="45G1",
        empty_indicator_code="LADEN",
        event_location=Location(un_location_code="CNYTN"),
    )


def bench_events(
    database_url: str,
    *,
    events: int = 20_000,
    batch: int = 500,
    subscribers: int = 200,
    rounds: int = 20,
) -> EventBench:
    store = open_store(database_url)
    try:
        service = EventService(store.engine)
        now = datetime.now(UTC)
        made = [_event(n, now) for n in range(events)]
        started = time.perf_counter()
        for start in range(0, events, batch):
            service.publish(made[start : start + batch], publisher="bench-terminal")
        ingest = time.perf_counter() - started
        latencies = asyncio.run(_fanout(store.engine, service, subscribers, rounds, now))
    finally:
        store.close()
    ordered = sorted(latencies)
    return EventBench(
        events=events,
        ingest_seconds=round(ingest, 3),
        events_per_second=round(events / ingest, 1),
        subscribers=subscribers,
        fanout_rounds=rounds,
        latency_p50_ms=round(statistics.median(ordered) * 1000, 2),
        latency_p99_ms=round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
    )


async def _fanout(
    engine: object, service: EventService, subscribers: int, rounds: int, now: datetime
) -> list[float]:
    arrivals: list[float] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                return
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            arrivals.append(time.perf_counter())
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    guard = CallbackGuard(allow_loopback=True)
    subscriptions = SubscriptionService(service.engine, secrets=SecretBox.generate(), guard=guard)
    owner = Viewer(party_id="bench-terminal")
    secret = base64.b64encode(b"b" * 32).decode()
    for n in range(subscribers):
        subscriptions.create(
            owner, NewSubscription(callback_url=f"http://127.0.0.1:{port}/s/{n}", secret=secret)
        )
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=subscribers, max_keepalive_connections=subscribers)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        delivery = CallbackDelivery(service.engine, subscriptions, guard=guard, client=client)
        for n in range(rounds):
            event = _event(10_000_000 + n, now)
            arrivals.clear()
            ingested = time.perf_counter()
            service.publish([event], publisher="bench-terminal")
            audience = service.audience(event.event_id or "")
            assert audience is not None  # noqa: S101  (just stored)
            delivery.enqueue(
                event.event_id or "", audience.seq, subscriptions.targets(facts(event), audience)
            )
            await delivery.deliver_due()
            latencies.extend(arrival - ingested for arrival in arrivals)
    server.close()
    return latencies
