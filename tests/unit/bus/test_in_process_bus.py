"""The in-process bus: subject matching, dedupe by message ID, explicit ack, redelivery."""

from __future__ import annotations

import asyncio

import pytest

from tradewindow.bus import open_bus
from tradewindow.bus.memory import InProcessBus, subject_matches


@pytest.mark.parametrize(
    ("pattern", "subject", "hit"),
    [
        ("tw.events.>", "tw.events.equipment", True),
        ("tw.events.>", "tw.events", False),
        ("tw.*.equipment", "tw.events.equipment", True),
        ("tw.events.shipment", "tw.events.equipment", False),
        ("tw.events.*", "tw.events.a.b", False),
    ],
)
def test_subject_matching(pattern: str, subject: str, hit: bool) -> None:
    assert subject_matches(pattern, subject) is hit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_dedupe_ack_and_redelivery() -> None:
    async def scenario() -> None:
        clock = Clock()
        bus = InProcessBus(ack_wait=30, clock=clock)
        await bus.publish("tw.events.equipment", b"1", "e1@1")
        await bus.publish("tw.events.equipment", b"1", "e1@1")  # same ID: dropped
        await bus.publish("tw.events.shipment", b"2", "e2@2")
        await bus.publish("tw.other", b"x", "x")
        consumer = await bus.consumer("tw.events.>", "fanout")
        first = await consumer.fetch(10, timeout=0)
        assert [m.data for m in first] == [b"1", b"2"]
        await first[0].ack()
        assert await consumer.fetch(10, timeout=0) == []  # e2 unacked, not yet due
        clock.now = 31
        again = await consumer.fetch(10, timeout=0)
        assert [m.msg_id for m in again] == ["e2@2"]  # redelivered, e1 never again
        await again[0].ack()
        clock.now = 100
        assert await consumer.fetch(10, timeout=0) == []
        # the same durable name resumes where it was
        resumed = await bus.consumer("tw.events.>", "fanout")
        await bus.publish("tw.events.transport", b"3", "e3@3")
        assert [m.data for m in await resumed.fetch(10, timeout=0)] == [b"3"]

    asyncio.run(scenario())


def test_nak_redelivers_at_once() -> None:
    async def scenario() -> None:
        bus = InProcessBus(ack_wait=30, clock=Clock())
        await bus.publish("tw.a", b"1", "1")
        consumer = await bus.consumer("tw.>", "c")
        [message] = await consumer.fetch(1, timeout=0)
        await message.nak()
        assert [m.data for m in await consumer.fetch(1, timeout=0)] == [b"1"]

    asyncio.run(scenario())


def test_fetch_waits_for_a_publish() -> None:
    async def scenario() -> None:
        bus = await open_bus(None)
        consumer = await bus.consumer("tw.>", "c")

        async def later() -> None:
            await asyncio.sleep(0.05)
            await bus.publish("tw.a", b"late", "late")

        task = asyncio.create_task(later())
        messages = await consumer.fetch(1, timeout=2)
        await task
        assert [m.data for m in messages] == [b"late"]

    asyncio.run(scenario())
