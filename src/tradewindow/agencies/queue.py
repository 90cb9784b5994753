"""The agencies' work queue over SQLAlchemy Core: route, list, claim, view, decide, status.

Routing also informs the agencies that do not decide (their notices: :mod:`.notices`).

One task per (filing, required agency). A task is *open*, then *claimed* by one officer
(atomically: a conditional UPDATE, so two officers can never both hold it), then *decided*
once and for all by that officer. Every method names the acting agency; a task of another
agency is reported as not found. Views are cut by the policy in force now (a tightened policy
applies to tasks routed before it), and say which personal-data fields they contain so that
the caller records the read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, Row, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tradewindow.agencies import errors
from tradewindow.agencies.notices import NoticeBoard
from tradewindow.agencies.reading import (
    MAX_PAGE_SIZE,
    agency_share,
    page_bounds,
    reader,
    stored_filing,
)
from tradewindow.agencies.routing import required_agencies
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.agencies.status import AgencyOutcome, CombinedStatus, Decision, combine
from tradewindow.agencies.tables import TaskStatus, agency_tasks
from tradewindow.cbec.documents import Inventory, Order, Payment, Waybill
from tradewindow.cbec.ports import DocKind
from tradewindow.cbec.receipts import TaxBill
from tradewindow.clock import utc_now

__all__ = ["MAX_PAGE_SIZE", "AgencyDesk", "AgencyView", "Filing", "Task", "TaskPage", "filing_of"]
REASON_LIMIT = 500  # leaves room in a CEB622 returnInfo (1000) for the agency's name and code
_COMPANION_KINDS: tuple[tuple[type[msgspec.Struct], str], ...] = (
    (Order, DocKind.ORDER.value),
    (Payment, DocKind.PAYMENT.value),
    (Waybill, DocKind.WAYBILL.value),
    (Inventory, DocKind.INVENTORY.value),
    (TaxBill, "tax_bill"),
)


class Filing(msgspec.Struct, frozen=True, kw_only=True):
    """An inventory list to route: its key and its documents as wire JSON, by kind."""

    key: str  # the list's key "ebpCode|orderNo"
    documents: dict[str, dict[str, Any]]


class Task(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: int
    filing: str
    agency: str
    status: TaskStatus
    policy_version: str
    created_at: datetime
    officer: str | None = None
    claimed_at: datetime | None = None
    decision: Decision | None = None
    reason: str | None = None
    decided_at: datetime | None = None


class TaskPage(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    tasks: list[Task]
    page: int
    size: int
    has_more: bool


class AgencyView(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What an agency sees of a task's filing: only granted fields of the documents it
    receives (kind → view), and the personal-data paths among them (to record the read)."""

    task: Task
    documents: dict[str, dict[str, Any]]
    personal_data: list[str]
    policy_version: str


class AgencyDesk:
    def __init__(
        self, engine: Engine, policy: Policy, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._clock = clock or (utc_now)
        self.notices = NoticeBoard(engine, policy, clock=self._clock)

    # --- routing -------------------------------------------------------------------------

    def route(self, filing: Filing, *, connection: Connection | None = None) -> list[Task]:
        """Create a task for every agency the policy requires on ``filing``, and a notice
        for every agency it informs (:class:`~.notices.NoticeBoard`); returns the filing's
        tasks. Routing a filing again adds nothing (and changes no decision).

        With ``connection`` the tasks are written in the caller's transaction (e.g. the CBEC
        unit of work that releases the list), so they are durable exactly when it commits.
        """
        if connection is not None:
            return self._route(connection, filing)
        with self._engine.begin() as own:
            return self._route(own, filing)

    def route_released_list(
        self,
        inventory_key: str,
        inventory: Inventory,
        companions: Iterable[Order | Payment | Waybill | TaxBill | None] = (),
        *,
        connection: Connection | None = None,
    ) -> list[Task]:
        """:meth:`route` for a list the CBEC engine released, with its order, payment, waybill
        and tax bill as Structs (None entries are skipped, so ``batch.companions(list)`` fits)."""
        wire = {DocKind.INVENTORY.value: _wire(inventory)}
        for document in companions:
            if document is not None:
                wire[_kind(document)] = _wire(document)
        return self.route(Filing(key=inventory_key, documents=wire), connection=connection)

    def _route(self, connection: Connection, filing: Filing) -> list[Task]:
        now = self._clock()
        rows = [
            {
                "filing": filing.key,
                "agency": agency,
                "status": TaskStatus.OPEN.value,
                "policy_version": self._policy.version,
                "created_at": now,
            }
            for agency in required_agencies(self._policy, filing.documents)
        ]
        if rows:
            insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
            statement = insert(agency_tasks).on_conflict_do_nothing(
                index_elements=["filing", "agency"]
            )
            connection.execute(statement, rows)
        self.notices.inform(connection, filing.key, filing.documents)
        query = select(agency_tasks).where(agency_tasks.c.filing == filing.key)
        return [_task(row) for row in connection.execute(query.order_by(agency_tasks.c.id))]

    # --- an agency's queue ---------------------------------------------------------------

    def list_tasks(
        self, agency: str, status: TaskStatus | None = None, page: int = 1, size: int = 50
    ) -> TaskPage:
        """One page (1-based; ``size`` capped at :data:`MAX_PAGE_SIZE`) of ``agency``'s
        tasks, oldest first, optionally only those in ``status``."""
        page, size = page_bounds(page, size)
        query = select(agency_tasks).where(agency_tasks.c.agency == agency)
        if status is not None:
            query = query.where(agency_tasks.c.status == TaskStatus(status).value)
        query = query.order_by(agency_tasks.c.id).limit(size + 1).offset((page - 1) * size)
        with self._reader() as connection:
            tasks = [_task(row) for row in connection.execute(query)]
        return TaskPage(tasks=tasks[:size], page=page, size=size, has_more=len(tasks) > size)

    def claim(self, agency: str, officer: str, task: int) -> Task:
        """Give ``task`` to ``officer``; claiming one's own task again is a no-op."""
        now = self._clock()
        with self._engine.begin() as connection:
            claimed = connection.execute(
                update(agency_tasks)
                .where(
                    agency_tasks.c.id == task,
                    agency_tasks.c.agency == agency,
                    agency_tasks.c.status == TaskStatus.OPEN.value,
                )
                .values(status=TaskStatus.CLAIMED.value, officer=officer, claimed_at=now)
            )
            current = self._own_task(connection, agency, task)
        if claimed.rowcount == 1:
            return current
        if current.status is TaskStatus.DECIDED:
            raise errors.already_decided(task)
        if current.officer != officer:
            raise errors.already_claimed(task)
        return current

    def view(self, agency: str, task: int) -> AgencyView:
        """The task's filing as ``agency`` may see it (see :class:`AgencyView`)."""
        with self._reader() as connection:
            current = self._own_task(connection, agency, task)
            stored = stored_filing(connection, current.filing)
        views, personal = agency_share(self._policy, agency, stored)
        return AgencyView(
            task=current,
            documents=views,
            personal_data=personal,
            policy_version=self._policy.version,
        )

    def decide(
        self, agency: str, officer: str, task: int, decision: Decision | str, reason: str | None
    ) -> Task:
        """Record ``officer``'s final decision on a task they claimed. A reason is required
        for everything but release."""
        chosen, reason = _checked(decision, reason)
        now = self._clock()
        with self._engine.begin() as connection:
            decided = connection.execute(
                update(agency_tasks)
                .where(
                    agency_tasks.c.id == task,
                    agency_tasks.c.agency == agency,
                    agency_tasks.c.status == TaskStatus.CLAIMED.value,
                    agency_tasks.c.officer == officer,
                )
                .values(**_decided(chosen, reason, now))
            )
            current = self._own_task(connection, agency, task)
        if decided.rowcount == 1:
            return current
        if current.status is TaskStatus.DECIDED:
            raise errors.already_decided(task)
        if current.status is TaskStatus.OPEN:
            raise errors.not_claimed(task)
        raise errors.already_claimed(task)

    def decide_many(
        self, agency: str, officer: str, decisions: Iterable[tuple[int, Decision, str | None]]
    ) -> int:
        """Claim and decide many open tasks at once, in one transaction (an officer working a
        pre-screened batch, or a simulation); tasks no longer open are skipped. Returns how
        many were decided."""
        now = self._clock()
        count = 0
        with self._engine.begin() as connection:
            for task, decision, given in decisions:
                chosen, reason = _checked(decision, given)
                decided = connection.execute(
                    update(agency_tasks)
                    .where(
                        agency_tasks.c.id == task,
                        agency_tasks.c.agency == agency,
                        agency_tasks.c.status == TaskStatus.OPEN.value,
                    )
                    .values(officer=officer, claimed_at=now, **_decided(chosen, reason, now))
                )
                count += decided.rowcount
        return count

    def record_automated(
        self,
        connection: Connection,
        filing: str,
        agency: str,
        decision: Decision,
        reason: str | None,
        actor: str,
    ) -> bool:
        """An automated system's decision on ``agency``'s open task for ``filing`` (e.g. the
        CBEC risk engine releasing a list for customs), in the caller's transaction. Returns
        False when there is no open task to decide (decided before, or claimed by an officer)."""
        decided = connection.execute(
            update(agency_tasks)
            .where(
                agency_tasks.c.filing == filing,
                agency_tasks.c.agency == agency,
                agency_tasks.c.status == TaskStatus.OPEN.value,
            )
            .values(officer=actor, **_decided(decision, reason, self._clock()))
        )
        return decided.rowcount == 1

    # --- the enterprise's side -----------------------------------------------------------

    def combined_status(
        self, filing: str, *, connection: Connection | None = None
    ) -> CombinedStatus:
        """The filing's status over every agency routed to it (:mod:`.status`)."""
        query = (
            select(agency_tasks).where(agency_tasks.c.filing == filing).order_by(agency_tasks.c.id)
        )
        if connection is not None:
            tasks = [_task(row) for row in connection.execute(query)]
        else:
            with self._reader() as reader:
                tasks = [_task(row) for row in reader.execute(query)]
        if not tasks:
            raise errors.filing_not_found(filing)
        return combine(
            [
                AgencyOutcome(
                    agency=t.agency, decision=t.decision, reason=t.reason, decided_at=t.decided_at
                )
                for t in tasks
            ]
        )

    # --- reading -------------------------------------------------------------------------

    def _reader(self) -> Connection:
        return reader(self._engine)

    @staticmethod
    def _own_task(connection: Connection, agency: str, task: int) -> Task:
        query = select(agency_tasks).where(
            agency_tasks.c.id == task, agency_tasks.c.agency == agency
        )
        row = connection.execute(query).first()
        if row is None:
            raise errors.task_not_found(task)
        return _task(row)


def _task(row: Row[Any]) -> Task:
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


def _decision(decision: Decision | str) -> Decision:
    try:
        return Decision(decision)
    except ValueError:
        raise errors.unknown_decision(str(decision)) from None


def _kind(document: msgspec.Struct) -> str:
    for struct, kind in _COMPANION_KINDS:
        if isinstance(document, struct):
            return kind
    raise TypeError(f"not a CBEC document: {type(document).__name__}")


def _checked(decision: Decision | str, reason: str | None) -> tuple[Decision, str | None]:
    """The decision and its trimmed reason; a reason is required for everything but release
    and may not exceed :data:`REASON_LIMIT`."""
    chosen = _decision(decision)
    reason = (reason or "").strip() or None
    if chosen is not Decision.RELEASE and reason is None:
        raise errors.reason_required(chosen.value)
    if reason is not None and len(reason) > REASON_LIMIT:
        raise errors.reason_too_long(REASON_LIMIT)
    return chosen, reason


def _decided(decision: Decision, reason: str | None, at: datetime) -> dict[str, Any]:
    """The columns of a task once decided."""
    return {
        "status": TaskStatus.DECIDED.value,
        "decision": decision.value,
        "reason": reason,
        "decided_at": at,
    }


def filing_of(key: str, documents: Iterable[msgspec.Struct | None]) -> Filing:
    """A :class:`Filing` of CBEC document Structs (None entries skipped)."""
    return Filing(key=key, documents={_kind(d): _wire(d) for d in documents if d is not None})


def _wire(document: msgspec.Struct) -> dict[str, Any]:
    wire: dict[str, Any] = msgspec.to_builtins(document)  # wire names; Decimal as text
    return wire
