"""The two tradewindow processes of the NATS tests, run as ``python nats_roles.py ROLE``.

* ``produce DB COUNT``: publish COUNT equipment events into the store at DB and relay them
  to NATS.
* ``deliver DB``: take events off NATS into the store at DB, owe them to its subscriptions and
  call back; prints ``round <n> delivered <total>`` after each round. With
  ``TW_CRASH_AFTER_OWE=<n>`` it dies in round n after owing, before acknowledging.

Both read TRADEWINDOW_TEST_NATS_URL, TW_STREAM, TW_PREFIX and TRADEWINDOW_CALLBACK_SECRET_KEYS.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "logistics"))

from tnt_samples import container, equipment

from tradewindow.bus import open_bus
from tradewindow.logistics.callbacks import CallbackDelivery
from tradewindow.logistics.events import EventService
from tradewindow.logistics.fanout import Fanout, Relay
from tradewindow.logistics.guard import EgressGuard, SecretBox
from tradewindow.logistics.settings import CallbackSettings
from tradewindow.logistics.subscriptions import SubscriptionService
from tradewindow.store import open_store

URL = os.environ["TRADEWINDOW_TEST_NATS_URL"]
STREAM = os.environ["TW_STREAM"]
PREFIX = os.environ["TW_PREFIX"]


async def produce(database: str, count: int) -> None:
    store = open_store(database)
    events = EventService(store.logistics.events)
    now = datetime.fromisoformat(os.environ.get("TW_NOW") or datetime.now(UTC).isoformat())
    made = [
        equipment(
            event_id=f"evt-{n:04d}",
            equipment_reference=container(n),
            event_created_date_time=now,
            event_date_time=now - timedelta(minutes=1),
        )
        for n in range(count)
    ]
    outcomes = events.publish(made, publisher="carrier-1")
    assert all(o.status in ("stored", "duplicate") for o in outcomes), outcomes
    bus = await open_bus(URL, stream=STREAM, prefix=PREFIX)
    relay = Relay(events, bus, prefix=PREFIX)
    while await relay.pump(limit=7):
        pass
    await bus.close()


async def deliver(database: str) -> None:
    store = open_store(database)
    settings = CallbackSettings.from_env()
    guard = EgressGuard(allow_loopback=True)
    events = EventService(store.logistics.events)
    subscriptions = SubscriptionService(
        store.logistics.subscriptions, secrets=SecretBox(settings.secret_keys), guard=guard
    )
    crash_in = int(os.environ.get("TW_CRASH_AFTER_OWE", "0"))
    bus = await open_bus(URL, stream=STREAM, prefix=PREFIX, ack_wait=2.0)
    consumer = await bus.consumer(f"{PREFIX}.events.>", "callbacks")
    async with httpx.AsyncClient(timeout=5) as client:
        delivery = CallbackDelivery(
            store.logistics.deliveries, subscriptions, guard=guard, client=client
        )
        fanout = Fanout(events, subscriptions, delivery)
        delivered = 0
        for round_number in range(1, 10_000):
            messages = await consumer.fetch(5, timeout=0.5)
            for message in messages:
                fanout.owe(message)
            if round_number == crash_in and messages:
                os._exit(3)  # owed (committed) but neither acknowledged nor delivered
            for message in messages:
                await message.ack()
            report = await delivery.deliver_due()
            delivered += report.delivered
            print(f"round {round_number} delivered {delivered}", flush=True)
            await asyncio.sleep(0.1)


if __name__ == "__main__":
    role = sys.argv[1]
    if role == "produce":
        asyncio.run(produce(sys.argv[2], int(sys.argv[3])))
    else:
        asyncio.run(deliver(sys.argv[2]))
