"""The in-process bus: a log in memory with durable (per-process) consumers, explicit ack and
redelivery after ``ack_wait``. The default for one process; nothing survives a restart."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

import msgspec

from tradewindow.bus.ports import Message


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS subject matching: ``*`` one token, ``>`` the rest (one token or more)."""
    wanted, tokens = pattern.split("."), subject.split(".")
    for position, part in enumerate(wanted):
        if part == ">":
            return len(tokens) > position
        if position >= len(tokens) or part not in ("*", tokens[position]):
            return False
    return len(tokens) == len(wanted)


class _Entry(msgspec.Struct, frozen=True):
    subject: str
    data: bytes
    msg_id: str


class InProcessMessage:
    def __init__(self, consumer: InProcessConsumer, index: int, entry: _Entry) -> None:
        self._consumer = consumer
        self._index = index
        self.subject = entry.subject
        self.data = entry.data
        self.msg_id = entry.msg_id

    async def ack(self) -> None:
        self._consumer.pending.pop(self._index, None)

    async def nak(self) -> None:
        if self._index in self._consumer.pending:
            self._consumer.pending[self._index] = 0.0


class InProcessConsumer:
    def __init__(self, bus: InProcessBus, subjects: str) -> None:
        self.bus = bus
        self.subjects = subjects
        self.next_index = 0
        self.pending: dict[int, float] = {}  # index → redelivery deadline (monotonic)

    async def fetch(self, batch: int, timeout: float) -> list[Message]:
        deadline = self.bus.clock() + timeout
        while True:
            found = self._take(batch)
            if found or self.bus.clock() >= deadline:
                return found
            async with self.bus.changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.bus.changed.wait(), timeout=0.05)

    async def release(self) -> None:
        return None  # nothing is delivered before fetch hands it out

    def _take(self, batch: int) -> list[Message]:
        now = self.bus.clock()
        taken: list[Message] = []
        for index, due in sorted(self.pending.items()):
            if len(taken) == batch:
                return taken
            if due <= now:
                taken.append(self._deliver(index, now))
        log = self.bus.log
        while len(taken) < batch and self.next_index < len(log):
            index = self.next_index
            self.next_index += 1
            if subject_matches(self.subjects, log[index].subject):
                taken.append(self._deliver(index, now))
        return taken

    def _deliver(self, index: int, now: float) -> Message:
        self.pending[index] = now + self.bus.ack_wait
        return InProcessMessage(self, index, self.bus.log[index])


class InProcessBus:
    def __init__(self, *, ack_wait: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.ack_wait = ack_wait
        self.clock = clock
        self.log: list[_Entry] = []
        self.seen: set[str] = set()
        self.consumers: dict[str, InProcessConsumer] = {}
        self.changed = asyncio.Condition()

    async def publish(self, subject: str, data: bytes, msg_id: str) -> None:
        if msg_id in self.seen:
            return
        self.seen.add(msg_id)
        self.log.append(_Entry(subject, data, msg_id))
        async with self.changed:
            self.changed.notify_all()

    async def consumer(self, subjects: str, durable: str) -> InProcessConsumer:
        if durable not in self.consumers:
            self.consumers[durable] = InProcessConsumer(self, subjects)
        return self.consumers[durable]

    async def close(self) -> None:
        return None
