"""Partitioned clearance over the bus (``docs/adr/0009``): parts published on one subject per
partition, and the worker that holds partitions and clears what arrives on theirs.

Subjects are ``<prefix>.clearance.p<N>``; each partition has one durable consumer,
``clearance-p<N>``, which the worker holding the partition's lease pulls from. A part is
acknowledged after the unit of work that cleared it committed, so a worker killed at any
point leaves its parts to be delivered again (after ``ack_wait``) to the partition's next
holder, whose unit of work finds them done, or clears them. ``Nats-Msg-Id`` is
``<guid>:<partition>``: a part sent twice within the stream's duplicate window is stored once.
Export's parts and wake-ups go the same way, named by their inbox entry (``exp:<guid>``,
``cbec.partitioned.EntryWork``), and the worker's runner hands them to export clearance.

:class:`BusDispatch` is the filer's side (an API process, ``tradewindow clear``): it publishes
from a loop thread of its own, so synchronous callers can use it, and waits for the inbox to
say the parts are done.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Collection, Coroutine, Sequence
from datetime import timedelta
from typing import Any, Protocol, TypeVar

import msgspec

from tradewindow.bus.ports import Bus, Consumer, Message
from tradewindow.bus.select import DEFAULT_PREFIX, DEFAULT_STREAM, open_bus
from tradewindow.cbec.partitioned import (
    Inbox,
    PartitionedClearance,
    PartRunner,
    Work,
    work_id,
)
from tradewindow.cbec.ports import Admission
from tradewindow.transaction import ClearanceTimeout

log = logging.getLogger("tradewindow.clearance")
_T = TypeVar("_T")
_decode_work = msgspec.json.Decoder(Work).decode
_encode = msgspec.json.Encoder().encode


def subject(prefix: str, partition: int) -> str:
    return f"{prefix}.clearance.p{partition}"


async def publish(bus: Bus, prefix: str, works: Sequence[Work]) -> None:
    """Each part on its partition's subject, its id ``<guid or entry>:<partition>``."""
    await asyncio.gather(
        *(bus.publish(subject(prefix, w.partition), _encode(w), work_id(w)) for w in works)
    )


class BusDispatch:
    """``cbec.partitioned.Dispatch`` over the bus: publish, then wait on the inbox."""

    def __init__(
        self,
        url: str,
        inbox: Inbox,
        *,
        prefix: str = DEFAULT_PREFIX,
        stream: str = DEFAULT_STREAM,
        timeout: float = 120.0,
        ack_wait: float = 30.0,
    ) -> None:
        self._url = url
        self._stream = stream
        self._inbox = inbox
        self._prefix = prefix
        self._timeout = timeout
        self._ack_wait = ack_wait
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bus: Bus | None = None
        self._lock = threading.Lock()

    def send(self, works: Sequence[Work], admission: Admission | None) -> None:
        self._call(self._publish(works))

    def wait(self, guids: Collection[str]) -> None:
        deadline = time.monotonic() + self._timeout
        pause = 0.002
        waiting = list(guids)
        while waiting:
            waiting = list(self._inbox.pending(waiting))
            if not waiting:
                return
            if time.monotonic() > deadline:
                raise ClearanceTimeout(f"{len(waiting)} messages not cleared yet: {waiting[:3]}")
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def close(self) -> None:
        with self._lock:
            if self._loop is not None and self._bus is not None:
                asyncio.run_coroutine_threadsafe(self._bus.close(), self._loop).result(10)
                self._loop.call_soon_threadsafe(self._loop.stop)
            self._loop, self._bus = None, None

    async def _publish(self, works: Sequence[Work]) -> None:
        assert self._bus is not None  # noqa: S101 - _call connected it
        await publish(self._bus, self._prefix, works)

    def _call(self, work: Coroutine[Any, Any, _T]) -> _T:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, daemon=True).start()
                self._bus = asyncio.run_coroutine_threadsafe(
                    open_bus(
                        self._url, stream=self._stream, prefix=self._prefix, ack_wait=self._ack_wait
                    ),
                    self._loop,
                ).result(30)
            loop = self._loop
        return asyncio.run_coroutine_threadsafe(work, loop).result()


class Leases(Protocol):
    """Which partitions this worker holds (``store.partition.leases.PartitionLeases``)."""

    held: set[int]

    def rebalance(self) -> tuple[list[int], list[int]]:
        """(partitions taken now, partitions held beyond the fair share)."""
        ...

    def give(self, partition: int) -> None: ...

    def close(self) -> None: ...


class WorkerReport(msgspec.Struct, kw_only=True):
    rounds: int = 0
    parts: int = 0  # parts cleared (or found done)
    units: int = 0  # units of work run
    resent: int = 0  # parts of stale inbox messages sent again
    held: list[int] = msgspec.field(default_factory=list)  # partitions held when it stopped


async def run_clearance_worker(
    runner: PartRunner,
    clearance: PartitionedClearance,
    leases: Leases,
    bus_url: str | None,
    stop: asyncio.Event,
    *,
    prefix: str = DEFAULT_PREFIX,
    stream: str = DEFAULT_STREAM,
    batch: int = 200,
    poll_seconds: float = 0.05,
    rebalance_seconds: float = 1.0,
    stale_after: timedelta = timedelta(seconds=60),
    ack_wait: float = 30.0,
    sweeps: Sequence[Callable[[timedelta], Sequence[Work]]] = (),
) -> WorkerReport:
    """Hold partitions and clear their parts until ``stop`` is set; then give them back
    (parts fetched but not cleared are handed back to the bus at once). ``sweeps``: more of
    what finds work left waiting, to send again, run with the inbox's (export clearance's
    ``stale_works``)."""
    report = WorkerReport()
    bus = await open_bus(bus_url, stream=stream, prefix=prefix, ack_wait=ack_wait)
    consumers: dict[int, Consumer] = {}
    next_rebalance = 0.0
    next_sweep = time.monotonic() + stale_after.total_seconds() / 2
    try:
        while not stop.is_set():
            now = time.monotonic()
            if now >= next_rebalance:
                next_rebalance = now + rebalance_seconds
                taken, extra = await asyncio.to_thread(leases.rebalance)
                for partition in extra:
                    given = consumers.pop(partition, None)
                    if given is not None:
                        await given.release()
                    await asyncio.to_thread(leases.give, partition)
                for partition in taken:
                    consumers[partition] = await bus.consumer(
                        subject(prefix, partition), durable=f"clearance-p{partition}"
                    )
                if taken or extra:
                    log.info("partitions held: %s", sorted(leases.held))
            if now >= next_sweep:
                next_sweep = now + stale_after.total_seconds() / 2
                stale = await asyncio.to_thread(clearance.stale_works, stale_after)
                await publish(bus, prefix, stale)
                report.resent += len(stale)
                for sweep in sweeps:
                    more = await asyncio.to_thread(sweep, stale_after)
                    await publish(bus, prefix, more)
                    report.resent += len(more)
            if not consumers:
                await _sleep(stop, poll_seconds)
                continue
            fetched = await asyncio.gather(
                *(c.fetch(batch, poll_seconds) for c in consumers.values())
            )
            for partition, messages in zip(list(consumers), fetched, strict=True):
                if messages:
                    await _clear(runner, partition, messages, report)
            report.rounds += 1
    finally:
        for consumer in consumers.values():
            await consumer.release()
        report.held = sorted(leases.held)
        await asyncio.to_thread(leases.close)
        await bus.close()
    return report


async def _clear(
    runner: PartRunner, partition: int, messages: list[Message], report: WorkerReport
) -> None:
    works = [_decode_work(m.data) for m in messages]
    try:
        await asyncio.to_thread(runner.run, partition, works)
    except Exception:
        log.exception("partition %d: %d parts not cleared, delivered again", partition, len(works))
        for message in messages:
            await message.nak()
        return
    for message in messages:
        await message.ack()
    report.parts += len(works)
    report.units += 1


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
