"""The agencies' work queue: route, list, claim, view, decide, status (stored by
``agencies.ports``).

Routing also informs the agencies that do not decide (their notices: :mod:`.notices`).

One task per (filing, required agency). A task is *open*, then *claimed* by one officer
(atomically: the store changes it only while it is open, so two officers can never both hold
it), then decided by that officer: *decided* once and for all when released or refused, or
*followed up* after a hold, an inspection or a request for documents, until one of the
agency's officers concludes it. Every method names the acting agency; a task of another
agency is reported as not found. Views are cut by the policy in force now (a tightened policy
applies to tasks routed before it), and say which personal-data fields they contain so that
the caller records the read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from tradewindow.agencies import errors
from tradewindow.agencies.notices import NoticeBoard
from tradewindow.agencies.ports import AgencyStore, Outcome, Routing, Task, TaskStatus
from tradewindow.agencies.reading import MAX_PAGE_SIZE, agency_share, page_bounds
from tradewindow.agencies.routing import Router
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.agencies.status import (
    AgencyOutcome,
    CombinedStatus,
    Decision,
    combine,
    next_actions,
)
from tradewindow.agencies.worklist import WorkItem, WorkPage, WorkQuery, summarise
from tradewindow.cbec.documents import Inventory, InvtRefund, Order, Payment, Waybill
from tradewindow.cbec.ports import DocKind
from tradewindow.cbec.receipts import TaxBill
from tradewindow.clock import Clock, utc_now

__all__ = [
    "MAX_PAGE_SIZE",
    "AgencyDesk",
    "AgencyView",
    "Filing",
    "Task",
    "TaskPage",
    "TaskStatus",
    "filing_of",
]
REASON_LIMIT = 500  # leaves room in a CEB622 returnInfo (1000) for the agency's name and code
_COMPANION_KINDS: tuple[tuple[type[msgspec.Struct], str], ...] = (
    (Order, DocKind.ORDER.value),
    (Payment, DocKind.PAYMENT.value),
    (Waybill, DocKind.WAYBILL.value),
    (Inventory, DocKind.INVENTORY.value),
    (TaxBill, "tax_bill"),
    (InvtRefund, "refund"),  # a CEB625 return an officer decides (policy [returns])
)


class Filing(msgspec.Struct, frozen=True, kw_only=True):
    """An inventory list to route: its key and its documents as wire JSON, by kind."""

    key: str  # the list's key "ebpCode|orderNo"
    documents: dict[str, dict[str, Any]]


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
    def __init__(self, store: AgencyStore, policy: Policy, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._policy = policy
        self._clock = clock
        self.notices = NoticeBoard(store, policy, clock=clock)
        self._router = Router(policy)

    # --- routing -------------------------------------------------------------------------

    def route(self, filing: Filing, *, routing: Routing | None = None) -> list[Task]:
        """Create a task for every agency the policy requires on ``filing``, and a notice
        for every agency it informs (:class:`~.notices.NoticeBoard`); returns the filing's
        tasks. Routing a filing again adds nothing (and changes no decision).

        With ``routing`` the tasks are written in its transaction (e.g. the CBEC unit of
        work's part ``AGENCY_ROUTING``, that releases the list), so they are durable exactly
        when it commits.
        """
        if routing is not None:
            return self._route(routing, filing)
        with self._store.routing() as own:
            return self._route(own, filing)

    def route_released_list(
        self,
        inventory_key: str,
        inventory: Inventory,
        companions: Iterable[Order | Payment | Waybill | TaxBill | None] = (),
        *,
        routing: Routing | None = None,
    ) -> list[Task]:
        """:meth:`route` for a list the CBEC engine released, with its order, payment, waybill
        and tax bill as Structs (None entries are skipped, so ``batch.companions(list)`` fits)."""
        wire = {DocKind.INVENTORY.value: _wire(inventory)}
        for document in companions:
            if document is not None:
                wire[_kind(document)] = _wire(document)
        return self.route(Filing(key=inventory_key, documents=wire), routing=routing)

    def _route(self, routing: Routing, filing: Filing) -> list[Task]:
        required = self._router.required(filing.documents)
        if required:
            routing.add_tasks(filing.key, required, self._policy.version, self._clock())
        self.notices.inform(routing, filing.key, filing.documents)
        return routing.tasks_of(filing.key)

    # --- an agency's queue ---------------------------------------------------------------

    def list_tasks(
        self, agency: str, status: TaskStatus | None = None, page: int = 1, size: int = 50
    ) -> TaskPage:
        """One page (1-based; ``size`` capped at :data:`MAX_PAGE_SIZE`) of ``agency``'s
        tasks, oldest first, optionally only those in ``status``."""
        page, size = page_bounds(page, size)
        wanted = None if status is None else TaskStatus(status)
        tasks = self._store.tasks(agency, wanted, offset=(page - 1) * size, limit=size + 1)
        return TaskPage(tasks=tasks[:size], page=page, size=size, has_more=len(tasks) > size)

    def claim(self, agency: str, officer: str, task: int) -> Task:
        """Give ``task`` to ``officer``; claiming one's own task again is a no-op."""
        outcome = self._store.claim(agency, officer, task, self._clock())
        current = _own(outcome, task)
        if outcome.changed:
            return current
        if current.status is TaskStatus.DECIDED:
            raise errors.already_decided(task)
        if current.officer != officer:
            raise errors.already_claimed(task)
        return current

    def view(self, agency: str, task: int) -> AgencyView:
        """The task's filing as ``agency`` may see it (see :class:`AgencyView`)."""
        current = self._store.task(agency, task)
        if current is None:
            raise errors.task_not_found(task)
        stored = self._store.filing_documents(current.filing)
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
        """Record ``officer``'s decision on a task they claimed, or the agency's next action on
        a task it follows up (any of its officers; :func:`~.status.next_actions` says which).
        A reason is required for everything but release. Release and refuse conclude the
        task; a hold, an inspection or a request for documents leaves it to be followed up."""
        chosen, reason = _checked(decision, reason)
        now = self._clock()
        current = self._store.task(agency, task)
        if current is None:
            raise errors.task_not_found(task)
        if current.status is TaskStatus.FOLLOW_UP:
            allowed = next_actions(current.decision)
            if chosen not in allowed:
                raise errors.not_a_next_action(task, chosen.value, tuple(allowed))
            outcome = self._store.follow_up(
                agency, officer, task, current.decided_at, chosen, reason, now
            )
        else:
            outcome = self._store.decide(agency, officer, task, chosen, reason, now)
        current = _own(outcome, task)
        if outcome.changed:
            return current
        if current.status is TaskStatus.DECIDED:
            raise errors.already_decided(task)
        if current.status is TaskStatus.OPEN:
            raise errors.not_claimed(task)
        raise errors.already_claimed(task)

    def claim_and_decide(
        self, agency: str, officer: str, task: int, decision: Decision | str, reason: str | None
    ) -> Task:
        """An officer's decision from the workbench: an open task is claimed and decided in
        one step, a task they hold or one being followed up is decided (:meth:`decide`). A
        refused decision (no reason, unknown, not a next action) changes nothing: the task
        stays as it was, open for anyone."""
        chosen, reason = _checked(decision, reason)  # refused before anything is written
        outcome = self._store.decide_open(agency, officer, task, chosen, reason, self._clock())
        if outcome.changed:
            return _own(outcome, task)
        return self.decide(agency, officer, task, chosen, reason)

    def item(self, agency: str, task: int) -> WorkItem:
        """One task as its work list line says it (goods, routing reasons, next actions)."""
        current = self._store.task(agency, task)
        if current is None:
            raise errors.task_not_found(task)
        return summarise(self._policy, current, self._store.filing_documents(current.filing))

    def worklist(self, query: WorkQuery) -> WorkPage:
        """One page of the agency's work list over its whole queue (status, search, order):
        each task with its goods and value as the agency may see them, why it was routed
        there and what may follow (:mod:`.worklist`)."""
        query = msgspec.structs.replace(query, page=max(query.page, 1),
                                        size=page_bounds(1, query.size)[1])  # fmt: skip
        total, tasks = self._store.work(query)
        items = [
            summarise(self._policy, task, self._store.filing_documents(task.filing))
            for task in tasks
        ]
        return WorkPage(items=items, total=total, page=query.page, size=query.size)

    def decide_many(
        self, agency: str, officer: str, decisions: Iterable[tuple[int, Decision, str | None]]
    ) -> int:
        """Claim and decide many open tasks at once, in one transaction (an officer working a
        pre-screened batch, or a simulation); tasks no longer open are skipped. Returns how
        many were decided."""
        checked = [(task, *_checked(decision, given)) for task, decision, given in decisions]
        return self._store.decide_open_tasks(agency, officer, checked, self._clock())

    def record_automated(
        self,
        routing: Routing,
        filing: str,
        agency: str,
        decision: Decision,
        reason: str | None,
        actor: str,
    ) -> bool:
        """An automated system's decision on ``agency``'s open task for ``filing`` (e.g. the
        CBEC risk engine releasing a list for customs), in the routing's transaction. Returns
        False when there is no open task to decide (decided before, or claimed by an officer)."""
        return routing.decide_open(filing, agency, decision, reason, actor, self._clock())

    # --- the enterprise's side -----------------------------------------------------------

    def combined_status(self, filing: str, *, routing: Routing | None = None) -> CombinedStatus:
        """The filing's status over every agency routed to it (:mod:`.status`)."""
        tasks = routing.tasks_of(filing) if routing is not None else self._store.tasks_of(filing)
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


def _own(outcome: Outcome, task: int) -> Task:
    if outcome.task is None:
        raise errors.task_not_found(task)
    return outcome.task


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


def filing_of(key: str, documents: Iterable[msgspec.Struct | None]) -> Filing:
    """A :class:`Filing` of CBEC document Structs (None entries skipped)."""
    return Filing(key=key, documents={_kind(d): _wire(d) for d in documents if d is not None})


def _wire(document: msgspec.Struct) -> dict[str, Any]:
    wire: dict[str, Any] = msgspec.to_builtins(document)  # wire names; Decimal as text
    return wire
