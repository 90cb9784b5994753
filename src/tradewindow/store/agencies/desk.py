"""The agencies' work queue and notices over SQLAlchemy Core (``agencies.ports``).

Claiming and deciding are conditional UPDATEs: of two officers claiming one task, exactly one
changes the row. Listings are pages of indexed scans by agency.

(Over 400 lines: one statement per method of the agencies' queue and notice ports over the same
tables; splitting by port would split the claim and decide statements that must agree.)
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, Row, func, select, update
from sqlalchemy.sql import Select

from tradewindow.agencies.ports import Notice, NoticeSort, Outcome, Task, TaskStatus
from tradewindow.agencies.status import Decision, concludes
from tradewindow.agencies.worklist import WorkQuery
from tradewindow.cbec.ports import DocKind
from tradewindow.export.sharing import is_export_filing
from tradewindow.store import sqlite_rows
from tradewindow.store.agencies.tables import agency_notices, agency_tasks
from tradewindow.store.agencies.worklist import task_of as _task
from tradewindow.store.agencies.worklist import work_page
from tradewindow.store.export.shared import filing_documents as export_filing_documents
from tradewindow.store.order_keys import order_no_of_list
from tradewindow.store.schema import documents, tax_bills
from tradewindow.store.transaction import dialect_insert, reader, writer


class SqlRouting:
    """``agencies.ports.Routing`` on one connection, in its transaction.

    After :meth:`prepare` (the clearance unit of work, before deciding a batch of lists) it
    works **set-based**: the prepared filings' tasks are read in one query, new tasks and
    notices are kept and written by :meth:`flush` in one statement per table (the unit of
    work flushes its parts before it commits), and a decision on a task made in this
    transaction is written with the task. A decision on a task that existed before is still
    a conditional UPDATE at once: of an officer's claim and the engine's decision, exactly
    one changes the row. Unprepared, every call writes at once.
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._known: dict[str, list[Task]] | None = None  # set-based once prepared
        self._new_tasks: dict[tuple[str, str], dict[str, Any]] = {}
        self._new_notices: dict[tuple[str, str], dict[str, Any]] = {}

    def prepare(self, filings: Collection[str]) -> None:
        known = self._known = {} if self._known is None else self._known
        wanted = sorted(set(filings) - known.keys())
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            for filing in chunk:
                known[filing] = []
            query = (
                select(agency_tasks)
                .where(agency_tasks.c.filing.in_(chunk))
                .order_by(agency_tasks.c.id)
            )
            for row in self._connection.execute(query):
                task = _task(row)
                known[task.filing].append(task)

    def add_tasks(
        self, filing: str, agencies: Sequence[str], policy_version: str, at: datetime
    ) -> None:
        rows: dict[str, dict[str, Any]] = {
            agency: {
                "filing": filing,
                "agency": agency,
                "status": TaskStatus.OPEN.value,
                "policy_version": policy_version,
                "created_at": at,
            }
            for agency in agencies
        }
        if self._known is None:
            self._add(agency_tasks, list(rows.values()))
            return
        tasks = self._tasks(filing)
        have = {task.agency for task in tasks}
        for agency, row in rows.items():
            if agency in have:
                continue
            have.add(agency)
            self._new_tasks[(filing, agency)] = row
            tasks.append(Task(id=0, filing=filing, agency=agency, status=TaskStatus.OPEN,
                              policy_version=policy_version, created_at=at))  # fmt: skip

    def add_notices(
        self, filing: str, agencies: Sequence[str], policy_version: str, at: datetime
    ) -> None:
        rows = {
            agency: {
                "filing": filing,
                "agency": agency,
                "policy_version": policy_version,
                "created_at": at,
            }
            for agency in agencies
        }
        if self._known is None:
            self._add(agency_notices, list(rows.values()))
            return
        for agency, row in rows.items():
            self._new_notices.setdefault((filing, agency), row)

    def tasks_of(self, filing: str) -> list[Task]:
        if self._known is None:
            return _tasks_of(self._connection, filing)
        return list(self._tasks(filing))

    def decide_open(
        self,
        filing: str,
        agency: str,
        decision: Decision,
        reason: str | None,
        officer: str,
        at: datetime,
    ) -> bool:
        columns = {"officer": officer, **_decided(decision, reason, at)}
        made_here = self._new_tasks.get((filing, agency))
        if made_here is not None:  # written with its decision, by flush
            if made_here["status"] != TaskStatus.OPEN.value:
                return False
            made_here.update(columns)
            self._remember(filing, agency, columns)
            return True
        decided = self._connection.execute(
            update(agency_tasks)
            .where(
                agency_tasks.c.filing == filing,
                agency_tasks.c.agency == agency,
                agency_tasks.c.status == TaskStatus.OPEN.value,
            )
            .values(**columns)
        )
        if decided.rowcount == 1 and self._known is not None:
            self._remember(filing, agency, columns)
        return decided.rowcount == 1

    def flush(self) -> None:
        """Write the tasks and notices kept since :meth:`prepare` (one statement per table)."""
        tasks, notices = list(self._new_tasks.values()), list(self._new_notices.values())
        self._new_tasks, self._new_notices = {}, {}
        if tasks:
            self._add(agency_tasks, [{**_TASK_DEFAULTS, **row} for row in tasks])
        self._add(agency_notices, notices)
        if self._known is not None:
            self._known = {}  # the new tasks have ids now: read again when asked

    def _tasks(self, filing: str) -> list[Task]:
        assert self._known is not None  # noqa: S101 - set-based only
        if filing not in self._known:
            self.prepare([filing])
        return self._known[filing]

    def _remember(self, filing: str, agency: str, columns: dict[str, Any]) -> None:
        tasks = self._tasks(filing)
        for index, task in enumerate(tasks):
            if task.agency == agency:
                tasks[index] = msgspec.structs.replace(
                    task,
                    status=TaskStatus(columns["status"]),
                    officer=columns["officer"],
                    decision=Decision(columns["decision"]),
                    reason=columns["reason"],
                    decided_at=columns["decided_at"],
                )

    def _add(self, table: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            # with its partition key (0018_partition_keys; a notice's since 0019)
            keys = ["order_no", "filing", "agency"]
            rows = [{**row, "order_no": order_no_of_list(row["filing"])} for row in rows]
            if self._connection.dialect.name == "sqlite" and len(rows) >= sqlite_rows.SQLITE_BULK:
                # a clearance batch routes every list it concludes: through sqlite3 itself
                sqlite_rows.insert_values(self._connection, table, rows, skip_conflicts_on=keys)
                return
            insert = dialect_insert(self._connection)
            statement = insert(table).on_conflict_do_nothing(index_elements=keys)
            self._connection.execute(statement, rows)


_CHUNK = 500  # filings per IN list
# every column a task row may be written with, so that one executemany covers open and
# decided tasks alike
_TASK_DEFAULTS: dict[str, Any] = {
    "officer": None,
    "decision": None,
    "reason": None,
    "decided_at": None,
}


class SqlAgencyStore:
    """An ``AgencyStore`` over the store's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def routing(self) -> Iterator[SqlRouting]:
        with writer(self.engine) as connection:
            routing = SqlRouting(connection)
            yield routing
            routing.flush()

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
    documents of the list it returns; an export list's (``EXP|…``) from the export store."""
    if is_export_filing(filing):
        return export_filing_documents(connection, filing)
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
