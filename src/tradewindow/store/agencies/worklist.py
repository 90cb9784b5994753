"""An agency's work list over the whole queue, in the database (``AgencyStore.work``).

The officer's filter (status), search and order are one indexed query with LIMIT/OFFSET and
one COUNT over the same conditions, so the hundredth page of a queue of twenty thousand tasks
is found as fast as the first, and a search finds a task wherever it is. A search matches a
task whose filing key (``ebpCode|orderNo``) contains the words typed, or whose list has that
list number (``invtNo``), or whose waybill key (``logisticsCode|logisticsNo``) contains them
— ignoring case, with ``%`` and ``_`` taken as characters.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, func, or_, select
from sqlalchemy.sql import ColumnElement, Select

from tradewindow.agencies.ports import Task, TaskStatus
from tradewindow.agencies.status import Decision
from tradewindow.agencies.worklist import WorkQuery, WorkSort
from tradewindow.cbec.ports import DocKind
from tradewindow.store.agencies.tables import agency_tasks
from tradewindow.store.schema import documents

_ORDER = {
    WorkSort.NEWEST: (agency_tasks.c.id.desc(),),
    WorkSort.OLDEST: (agency_tasks.c.id,),
    WorkSort.FILING: (agency_tasks.c.filing, agency_tasks.c.id),
    WorkSort.DECIDED: (agency_tasks.c.decided_at.desc(), agency_tasks.c.id.desc()),
}


def work_page(connection: Connection, query: WorkQuery) -> tuple[int, list[Task]]:
    """(tasks matching ``query`` in the whole queue, the page of them it asks for)."""
    conditions = _conditions(query)
    total: int = connection.execute(
        select(func.count()).select_from(agency_tasks).where(*conditions)
    ).scalar_one()
    page: Select[Any] = (
        select(agency_tasks)
        .where(*conditions)
        .order_by(*_ORDER[query.sort])
        .limit(query.size)
        .offset((query.page - 1) * query.size)
    )
    return total, [task_of(row) for row in connection.execute(page)]


def _conditions(query: WorkQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [agency_tasks.c.agency == query.agency]
    if query.status is not None:
        conditions.append(agency_tasks.c.status == query.status.value)
    wanted = query.wanted.upper()
    if wanted:
        lists = select(documents.c.key).where(
            documents.c.kind == DocKind.INVENTORY.value,
            or_(
                func.upper(documents.c.invt_no) == wanted,
                func.upper(documents.c.waybill_ref).contains(wanted, autoescape=True),
            ),
        )
        conditions.append(
            or_(
                func.upper(agency_tasks.c.filing).contains(wanted, autoescape=True),
                agency_tasks.c.filing.in_(lists),
            )
        )
    return conditions


def task_of(row: Row[Any]) -> Task:
    """A task as stored (the one reader of an ``agency_tasks`` row)."""
    fields = row._mapping
    return Task(
        id=fields["id"],
        filing=fields["filing"],
        agency=fields["agency"],
        status=TaskStatus(fields["status"]),
        policy_version=fields["policy_version"],
        created_at=fields["created_at"],
        officer=fields["officer"],
        claimed_at=fields["claimed_at"],
        decision=Decision(fields["decision"]) if fields["decision"] else None,
        reason=fields["reason"],
        decided_at=fields["decided_at"],
    )
