"""The service's status as the public sees it: health, queue depths, last hour's throughput.

Every figure is read from the database when asked (nothing is cached), so any number of
processes report the same figures:

- health: the database answers ``SELECT 1``; its migrations are at the shipped heads
  (``store.engine.current_revision`` vs ``head_revisions``); the bus, when one is configured
  (``TRADEWINDOW_BUS_URL``), accepts a connection;
- queues: inventory lists waiting for their order, payment or waybill, lists in review,
  inspection or with the agencies (``documents.status``), and each agency's open and claimed
  tasks (``agency_tasks``);
- throughput: messages (``messages.received_at``) and documents (``documents.received_at``)
  received in each of the last 60 whole minutes, the current minute last.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import msgspec
import nats
from nats.errors import Error as NatsError

from tradewindow.agencies.ports import TaskStatus
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.cbec.ports import DocStatus
from tradewindow.settings import mask
from tradewindow.web.ports import StatusReads

MINUTES = 60
BUS_TIMEOUT_SECONDS = 2
LIST_QUEUES = (DocStatus.WAITING, DocStatus.REVIEW, DocStatus.INSPECTION, DocStatus.AGENCIES)


class Health(msgspec.Struct, frozen=True, kw_only=True):
    database_reachable: bool
    database_dialect: str
    database_milliseconds: int | None  # how long SELECT 1 took
    migrations_current: str | None
    migrations_head: str
    migrations_at_head: bool
    bus: str  # "in-process" or the NATS URL (password masked)
    bus_reachable: bool | None  # None for the in-process bus (nothing to reach)

    @property
    def healthy(self) -> bool:
        return (
            self.database_reachable and self.migrations_at_head and self.bus_reachable is not False
        )


class AgencyQueue(msgspec.Struct, frozen=True, kw_only=True):
    agency: str
    name_en: str
    name_zh: str
    open: int
    claimed: int


class Queues(msgspec.Struct, frozen=True, kw_only=True):
    lists: dict[str, int]  # waiting, review, inspection, agencies → inventory lists
    agencies: list[AgencyQueue]


class Minute(msgspec.Struct, frozen=True, kw_only=True):
    start: datetime
    messages: int
    documents: int


class Throughput(msgspec.Struct, frozen=True, kw_only=True):
    start: datetime  # the first minute's start
    end: datetime  # the end of the current minute
    messages: int
    documents: int
    minutes: list[Minute]


class ServiceStatus(msgspec.Struct, frozen=True, kw_only=True):
    checked_at: datetime
    healthy: bool
    health: Health
    queues: Queues | None  # None when the database cannot be read
    throughput: Throughput | None


def database_figures(
    reads: StatusReads, policy: Policy, now: datetime
) -> tuple[Health, Queues | None, Throughput | None]:
    """Health of the database (the bus is asked separately), queues and throughput."""
    head = reads.shipped_heads()
    probe = reads.probe()
    health = Health(
        database_reachable=probe.reachable,
        database_dialect=probe.dialect,
        database_milliseconds=probe.milliseconds,
        migrations_current=probe.current_revision,
        migrations_head=head,
        migrations_at_head=probe.current_revision == head,
        bus="in-process",
        bus_reachable=None,
    )
    if not probe.reachable:
        return health, None, None
    return health, queues(reads, policy), throughput(reads, now)


def queues(reads: StatusReads, policy: Policy) -> Queues:
    lists = dict.fromkeys((s.value for s in LIST_QUEUES), 0)
    lists.update(reads.list_counts([s.value for s in LIST_QUEUES]))
    tasks = reads.task_counts()
    agencies = sorted({*policy.agencies, *(agency for agency, _ in tasks)})
    return Queues(
        lists=lists,
        agencies=[
            AgencyQueue(
                agency=code,
                name_en=policy.agencies[code].name_en if code in policy.agencies else code,
                name_zh=policy.agencies[code].name_zh if code in policy.agencies else code,
                open=tasks.get((code, TaskStatus.OPEN.value), 0),
                claimed=tasks.get((code, TaskStatus.CLAIMED.value), 0),
            )
            for code in agencies
        ],
    )


def throughput(reads: StatusReads, now: datetime) -> Throughput:
    """Counts per whole minute over the last hour."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    starts = [end - timedelta(minutes=MINUTES - i) for i in range(MINUTES)]
    messages, documents = reads.received_per_minute(starts, end)
    minutes = [
        Minute(start=start, messages=messages[i], documents=documents[i])
        for i, start in enumerate(starts)
    ]
    return Throughput(
        start=starts[0],
        end=end,
        messages=sum(m.messages for m in minutes),
        documents=sum(m.documents for m in minutes),
        minutes=minutes,
    )


async def bus_reachable(url: str | None) -> bool | None:
    """Whether the NATS server at ``url`` accepts a connection (None: no bus configured)."""
    if not url:
        return None

    try:
        client = await asyncio.wait_for(
            nats.connect(url, connect_timeout=BUS_TIMEOUT_SECONDS, allow_reconnect=False),
            timeout=BUS_TIMEOUT_SECONDS + 1,
        )
    except (OSError, TimeoutError, NatsError):  # any failure to connect: not reachable
        return False
    await client.close()
    return True


async def service_status(
    reads: StatusReads,
    policy: Policy,
    bus_url: str | None,
    clock: Callable[[], datetime],
) -> ServiceStatus:
    """Every figure of the status page, read now."""
    now = clock()
    health, found_queues, found_throughput = await asyncio.to_thread(
        database_figures, reads, policy, now
    )
    reachable = await bus_reachable(bus_url)
    health = msgspec.structs.replace(
        health, bus=mask(bus_url) if bus_url else "in-process", bus_reachable=reachable
    )
    return ServiceStatus(
        checked_at=now,
        healthy=health.healthy,
        health=health,
        queues=found_queues,
        throughput=found_throughput,
    )
