"""The agencies' work queue and notices over SQLAlchemy Core (``agencies.ports``).

Claiming and deciding are conditional UPDATEs: of two officers claiming one task, exactly one
changes the row. Listings are pages of indexed scans by agency.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, select, update
from sqlalchemy.sql import Select

from tradewindow.agencies.ports import Notice, NoticeSort, Outcome, Task, TaskStatus
from tradewindow.agencies.status import Decision, concludes
from tradewindow.agencies.worklist import WorkQuery
from tradewindow.cbec.ports import DocKind
from tradewindow.store.agencies.tables import agency_notices, agency_tasks
from tradewindow.store.agencies.worklist import task_of as _task
from tradewindow.store.agencies.worklist import work_page
from tradewindow.store.schema import documents, tax_bills
from tradewindow.store.transaction import dialect_insert, reader, writer


class SqlRouting:
    """``agencies.ports.Routing`` on one connection, in its transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add_tasks(
        self, filing: str, agencies: Sequence[str], policy_version: str, at: datetime
    ) -> None:
        rows = [
            {
                "filing": filing,
                "agency": agency,
                "status": TaskStatus.OPEN.value,
                "policy_version": policy_version,
                "created_at": at,
            }
            for agency in agencies
        ]
        self._add(agency_tasks, rows)

    def add_notices(
        self, filing: str, agencies: Sequence[str], policy_version: str, at: datetime
    ) -> None:
        rows = [
            {"filing": filing, "agency": agency, "policy_version": policy_version, "created_at": at}
            for agency in agencies
        ]
        self._add(agency_notices, rows)

    def tasks_of(self, filing: str) -> list[Task]:
        return _tasks_of(self._connection, filing)

    def decide_open(
        self,
        filing: str,
        agency: str,
        decision: Decision,
        reason: str | None,
        officer: str,
        at: datetime,
    ) -> bool:
        decided = self._connection.execute(
            update(agency_tasks)
            .where(
                agency_tasks.c.filing == filing,
                agency_tasks.c.agency == agency,
                agency_tasks.c.status == TaskStatus.OPEN.value,
            )
            .values(officer=officer, **_decided(decision, reason, at))
        )
        return decided.rowcount == 1

    def _add(self, table: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            insert = dialect_insert(self._connection)
            statement = insert(table).on_conflict_do_nothing(index_elements=["filing", "agency"])
            self._connection.execute(statement, rows)


class SqlAgencyStore:
    """An ``AgencyStore`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def routing(self) -> Iterator[SqlRouting]:
        with writer(self.engine) as connection:
            yield SqlRouting(connection)

    def tasks(self, agency: str, status: TaskStatus | None, offset: int, limit: int) -> list[Task]:
        query = select(agency_tasks).where(agency_tasks.c.agency == agency)
        if status is not None:
            query = query.where(agency_tasks.c.status == TaskStatus(status).value)
        query = query.order_by(agency_tasks.c.id).limit(limit).offset(offset)
        with reader(self.engine) as connection:
            return [_task(row) for row in connection.execute(query)]

    def task(self, agency: str, task: int) -> Task | None:
        with reader(self.engine) as connection:
            return _own_task(connection, agency, task)

    def tasks_of(self, filing: str) -> list[Task]:
        with reader(self.engine) as connection:
            return _tasks_of(connection, filing)

    def claim(self, agency: str, officer: str, task: int, at: datetime) -> Outcome:
        with writer(self.engine) as connection:
            claimed = connection.execute(
                update(agency_tasks)
                .where(
                    agency_tasks.c.id == task,
                    agency_tasks.c.agency == agency,
                    agency_tasks.c.status == TaskStatus.OPEN.value,
                )
                .values(status=TaskStatus.CLAIMED.value, officer=officer, claimed_at=at)
            )
            current = _own_task(connection, agency, task)
        return Outcome(changed=claimed.rowcount == 1, task=current)

    def decide(
        self,
        agency: str,
        officer: str,
        task: int,
        decision: Decision,
        reason: str | None,
        at: datetime,
    ) -> Outcome:
        with writer(self.engine) as connection:
            decided = connection.execute(
                update(agency_tasks)
                .where(
                    agency_tasks.c.id == task,
                    agency_tasks.c.agency == agency,
                    agency_tasks.c.status == TaskStatus.CLAIMED.value,
                    agency_tasks.c.officer == officer,
                )
                .values(**_decided(decision, reason, at))
            )
            current = _own_task(connection, agency, task)
        return Outcome(changed=decided.rowcount == 1, task=current)

    def decide_open(
        self,
        agency: str,
        officer: str,
        task: int,
        decision: Decision,
        reason: str | None,
        at: datetime,
    ) -> Outcome:
        with writer(self.engine) as connection:
            decided = connection.execute(
                update(agency_tasks)
                .where(
                    agency_tasks.c.id == task,
                    agency_tasks.c.agency == agency,
                    agency_tasks.c.status == TaskStatus.OPEN.value,
                )
                .values(officer=officer, claimed_at=at, **_decided(decision, reason, at))
            )
            current = _own_task(connection, agency, task)
        return Outcome(changed=decided.rowcount == 1, task=current)

    def follow_up(
        self,
        agency: str,
        officer: str,
        task: int,
        after: datetime | None,
        decision: Decision,
        reason: str | None,
        at: datetime,
    ) -> Outcome:
        with writer(self.engine) as connection:
            decided = connection.execute(
                update(agency_tasks)
                .where(
                    agency_tasks.c.id == task,
                    agency_tasks.c.agency == agency,
                    agency_tasks.c.status == TaskStatus.FOLLOW_UP.value,
                    agency_tasks.c.decided_at == after,
                )
                .values(officer=officer, **_decided(decision, reason, at))
            )
            current = _own_task(connection, agency, task)
        return Outcome(changed=decided.rowcount == 1, task=current)

    def work(self, query: WorkQuery) -> tuple[int, list[Task]]:
        with reader(self.engine) as connection:
            return work_page(connection, query)

    def decide_open_tasks(
        self,
        agency: str,
        officer: str,
        decisions: Sequence[tuple[int, Decision, str | None]],
        at: datetime,
    ) -> int:
        count = 0
        with writer(self.engine) as connection:
            for task, decision, reason in decisions:
                decided = connection.execute(
                    update(agency_tasks)
                    .where(
                        agency_tasks.c.id == task,
                        agency_tasks.c.agency == agency,
                        agency_tasks.c.status == TaskStatus.OPEN.value,
                    )
                    .values(officer=officer, claimed_at=at, **_decided(decision, reason, at))
                )
                count += decided.rowcount
        return count

    def notices(
        self, agency: str, filing_contains: str, sort: NoticeSort, offset: int, limit: int
    ) -> list[Notice]:
        order = {
            NoticeSort.OLDEST: (agency_notices.c.id,),
            NoticeSort.NEWEST: (agency_notices.c.id.desc(),),
            NoticeSort.FILING: (agency_notices.c.filing, agency_notices.c.id),
        }[NoticeSort(sort)]
        query = _scoped(select(agency_notices), agency, filing_contains)
        query = query.order_by(*order).limit(limit).offset(offset)
        with reader(self.engine) as connection:
            return [_notice(row) for row in connection.execute(query)]

    def count_notices(self, agency: str, filing_contains: str) -> int:
        query = _scoped(select(func.count()).select_from(agency_notices), agency, filing_contains)
        with reader(self.engine) as connection:
            found: int = connection.execute(query).scalar_one()
        return found

    def notice(self, agency: str, notice: int) -> Notice | None:
        query = select(agency_notices).where(
            agency_notices.c.id == notice, agency_notices.c.agency == agency
        )
        with reader(self.engine) as connection:
            row = connection.execute(query).first()
        return None if row is None else _notice(row)

    def filing_documents(self, filing: str) -> dict[str, dict[str, Any]]:
        with reader(self.engine) as connection:
            return _filing_documents(connection, filing)


def _tasks_of(connection: Connection, filing: str) -> list[Task]:
    query = select(agency_tasks).where(agency_tasks.c.filing == filing).order_by(agency_tasks.c.id)
    return [_task(row) for row in connection.execute(query)]


def _own_task(connection: Connection, agency: str, task: int) -> Task | None:
    query = select(agency_tasks).where(agency_tasks.c.id == task, agency_tasks.c.agency == agency)
    row = connection.execute(query).first()
    return None if row is None else _task(row)


def _decided(decision: Decision, reason: str | None, at: datetime) -> dict[str, Any]:
    """The columns of a task once decided: concluded, or followed up (``status.concludes``)."""
    status = TaskStatus.DECIDED if concludes(decision) else TaskStatus.FOLLOW_UP
    return {
        "status": status.value,
        "decision": decision.value,
        "reason": reason,
        "decided_at": at,
    }


def _scoped(query: Select[Any], agency: str, filing: str) -> Select[Any]:
    query = query.where(agency_notices.c.agency == agency)
    wanted = filing.strip().upper()
    if wanted:
        # autoescape: a "%" or "_" typed by the officer is a character, not a wildcard
        query = query.where(func.upper(agency_notices.c.filing).contains(wanted, autoescape=True))
    return query


def _filing_documents(connection: Connection, filing: str) -> dict[str, dict[str, Any]]:
    """A list's documents (its key), or a CEB625 return's (its own key): the return and the
    documents of the list it returns."""
    refund = connection.execute(
        select(documents.c.body, documents.c.order_ref).where(
            documents.c.kind == DocKind.REFUND.value, documents.c.key == filing
        )
    ).first()
    if refund is not None and refund.order_ref is not None:
        listed = _filing_documents(connection, refund.order_ref)
        return {**listed, DocKind.REFUND.value: json.loads(refund.body)}
    kinds = (DocKind.INVENTORY.value, DocKind.ORDER.value, DocKind.PAYMENT.value)
    query = select(documents.c.kind, documents.c.body, documents.c.waybill_ref).where(
        documents.c.kind.in_(kinds), documents.c.key == filing
    )
    found: dict[str, dict[str, Any]] = {}
    waybill_ref = None
    for kind, body, ref in connection.execute(query):
        found[kind] = json.loads(body)
        if kind == DocKind.INVENTORY.value:
            waybill_ref = ref
    if waybill_ref is not None:
        body = connection.execute(
            select(documents.c.body).where(
                documents.c.kind == DocKind.WAYBILL.value, documents.c.key == waybill_ref
            )
        ).scalar()
        if body is not None:
            found[DocKind.WAYBILL.value] = json.loads(body)
    bill = connection.execute(
        select(tax_bills.c.body)
        .where(tax_bills.c.doc_key == filing)
        .order_by(tax_bills.c.created_at.desc())
        .limit(1)
    ).scalar()
    if bill is not None:
        found["tax_bill"] = json.loads(bill)
    return found


def _notice(row: Row[Any]) -> Notice:
    fields = row._mapping
    return Notice(
        id=fields["id"],
        filing=fields["filing"],
        agency=fields["agency"],
        policy_version=fields["policy_version"],
        created_at=fields["created_at"],
    )
