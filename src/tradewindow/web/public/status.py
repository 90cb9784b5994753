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
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache

import msgspec
import nats
from nats.errors import Error as NatsError
from sqlalchemy import Connection, Engine, and_, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from tradewindow.agencies.ports import TaskStatus
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.cbec.ports import DocKind, DocStatus
from tradewindow.settings import mask
from tradewindow.store.agencies.tables import agency_tasks
from tradewindow.store.engine import READ_ONLY, current_revision, head_revisions
from tradewindow.store.schema import documents, messages

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
    engine: Engine, policy: Policy, now: datetime
) -> tuple[Health, Queues | None, Throughput | None]:
    """Health of the database (the bus is asked separately), queues and throughput."""
    head = _shipped_heads()
    started = time.perf_counter()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        milliseconds = round((time.perf_counter() - started) * 1000)
        current = current_revision(engine)
    except SQLAlchemyError:  # an unreachable database is a figure here, not an error
        return _health(engine, False, None, None, head), None, None
    health = _health(engine, True, milliseconds, current, head)
    return health, queues(engine, policy), throughput(engine, now)


def queues(engine: Engine, policy: Policy) -> Queues:
    list_query = (
        select(documents.c.status, func.count())
        .where(documents.c.kind == DocKind.INVENTORY.value)
        .where(documents.c.status.in_([s.value for s in LIST_QUEUES]))
        .group_by(documents.c.status)
    )
    task_query = (
        select(agency_tasks.c.agency, agency_tasks.c.status, func.count())
        .where(agency_tasks.c.status != TaskStatus.DECIDED.value)
        .group_by(agency_tasks.c.agency, agency_tasks.c.status)
    )
    with _reader(engine) as connection:
        lists = dict.fromkeys((s.value for s in LIST_QUEUES), 0)
        lists.update({row[0]: row[1] for row in connection.execute(list_query)})
        tasks = {(a, s): count for a, s, count in connection.execute(task_query)}
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


def throughput(engine: Engine, now: datetime) -> Throughput:
    """Counts per whole minute over the last hour: one query per table, one column per
    minute (``COUNT(*) FILTER``, on SQLite and PostgreSQL alike)."""
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    starts = [end - timedelta(minutes=MINUTES - i) for i in range(MINUTES)]
    counted = {}
    with _reader(engine) as connection:
        for table in (messages, documents):
            column = table.c.received_at
            buckets = [
                func.count().filter(and_(column >= start, column < start + timedelta(minutes=1)))
                for start in starts
            ]
            query = select(*buckets).where(column >= starts[0], column < end)
            counted[table.name] = list(connection.execute(query).one())
    minutes = [
        Minute(start=start, messages=counted["messages"][i], documents=counted["documents"][i])
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
    engine: Engine,
    policy: Policy,
    bus_url: str | None,
    clock: Callable[[], datetime],
) -> ServiceStatus:
    """Every figure of the status page, read now."""
    now = clock()
    health, found_queues, found_throughput = await asyncio.to_thread(
        database_figures, engine, policy, now
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


@cache
def _shipped_heads() -> str:
    return head_revisions()  # the migrations shipped with this process never change


def _health(
    engine: Engine, reachable: bool, milliseconds: int | None, current: str | None, head: str
) -> Health:
    return Health(
        database_reachable=reachable,
        database_dialect=engine.dialect.name,
        database_milliseconds=milliseconds,
        migrations_current=current,
        migrations_head=head,
        migrations_at_head=current == head,
        bus="in-process",
        bus_reachable=None,
    )


def _reader(engine: Engine) -> Connection:
    connection = engine.connect()
    connection.execution_options(**{READ_ONLY: True})
    return connection
