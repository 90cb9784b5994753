"""What the agencies' desk needs from the store, as Protocols, and the records it reads back.

``store/agencies`` implements them over SQLite and PostgreSQL. A task or notice stores a
filing's reference only: the filing's documents are read (:meth:`AgencyStore.filing_documents`)
and cut to an agency's share each time it looks. Routing joins the clearance unit of work as
the part :data:`AGENCY_ROUTING`, so tasks exist exactly when the conclusion that made them
commits.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from tradewindow.agencies.status import Decision
from tradewindow.transaction import Part

if TYPE_CHECKING:  # the work list's query names the tasks' statuses declared here
    from tradewindow.agencies.worklist import WorkQuery


class TaskStatus(enum.StrEnum):
    OPEN = "open"  # waiting for an officer
    CLAIMED = "claimed"  # an officer works on it
    FOLLOW_UP = "follow_up"  # held or inspected: the agency's next action is due
    DECIDED = "decided"  # final: released or refused


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


class NoticeSort(enum.StrEnum):
    """Orders of a notice listing (the workbench queue's names)."""

    OLDEST = "oldest"
    NEWEST = "newest"
    FILING = "filing"


class Notice(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: int
    filing: str
    agency: str
    policy_version: str
    created_at: datetime


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """What a conditional change of one task did: ``changed`` when it applied, and the task
    as it stands after (None when the agency has no such task)."""

    changed: bool
    task: Task | None


class Routing(Protocol):
    """The agencies' records inside one transaction (the clearance unit of work's, or one of
    the desk's own)."""

    def add_tasks(
        self, filing: str, agencies: Sequence[str], policy_version: str, at: datetime
    ) -> None:
        """An open task for each agency; one that has a task of the filing already keeps it."""
        ...

    def add_notices(
        self, filing: str, agencies: Sequence[str], policy_version: str, at: datetime
    ) -> None:
        """A notice for each agency; one that has a notice of the filing already keeps it."""
        ...

    def tasks_of(self, filing: str) -> list[Task]:
        """The filing's tasks, in the order they were made."""
        ...

    def prepare(self, filings: Collection[str]) -> None:
        """From now on, read these filings' tasks at once and keep what is added until
        :meth:`flush` (which the transaction's owner calls before it commits)."""
        ...

    def flush(self) -> None:
        """Write what was kept since :meth:`prepare`."""
        ...

    def decide_open(
        self,
        filing: str,
        agency: str,
        decision: Decision,
        reason: str | None,
        officer: str,
        at: datetime,
    ) -> bool:
        """Decide ``agency``'s task of ``filing`` if it is still open; whether it was."""
        ...


AGENCY_ROUTING: Part[Routing] = Part("agencies.routing")


class AgencyStore(Protocol):
    """The agencies' records outside any other transaction: each call is its own."""

    def routing(self) -> AbstractContextManager[Routing]:
        """A write transaction of the desk's own, committed when the block ends."""
        ...

    def tasks(self, agency: str, status: TaskStatus | None, offset: int, limit: int) -> list[Task]:
        """``agency``'s tasks (only those in ``status`` when given), oldest first."""
        ...

    def task(self, agency: str, task: int) -> Task | None:
        """``agency``'s task ``task`` (None for another agency's, as for none)."""
        ...

    def tasks_of(self, filing: str) -> list[Task]: ...

    def claim(self, agency: str, officer: str, task: int, at: datetime) -> Outcome:
        """Give ``agency``'s open task to ``officer``, atomically (never two officers)."""
        ...

    def decide(
        self,
        agency: str,
        officer: str,
        task: int,
        decision: Decision,
        reason: str | None,
        at: datetime,
    ) -> Outcome:
        """Decide ``agency``'s task if ``officer`` holds it (claimed, undecided)."""
        ...

    def decide_open(
        self,
        agency: str,
        officer: str,
        task: int,
        decision: Decision,
        reason: str | None,
        at: datetime,
    ) -> Outcome:
        """Claim and decide ``agency``'s task in one step if it is still open."""
        ...

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
        """Decide ``agency``'s task being followed up if its last step is still the one
        decided ``after`` (two officers acting on it at once cannot both succeed)."""
        ...

    def work(self, query: WorkQuery) -> tuple[int, list[Task]]:
        """How many of the agency's tasks match ``query`` (status, search) over the whole
        queue, and the page of them it asks for, in its order."""
        ...

    def decide_open_tasks(
        self,
        agency: str,
        officer: str,
        decisions: Sequence[tuple[int, Decision, str | None]],
        at: datetime,
    ) -> int:
        """Claim and decide each task still open, in one transaction; how many were."""
        ...

    def notices(
        self, agency: str, filing_contains: str, sort: NoticeSort, offset: int, limit: int
    ) -> list[Notice]:
        """``agency``'s notices in ``sort`` order, only those whose filing key contains
        ``filing_contains`` (ignoring case; a ``%`` or ``_`` is a character) when given."""
        ...

    def count_notices(self, agency: str, filing_contains: str) -> int: ...

    def notice(self, agency: str, notice: int) -> Notice | None: ...

    def filing_documents(self, filing: str) -> dict[str, dict[str, Any]]:
        """The list ``filing`` and its order, payment, waybill and latest tax bill, as wire
        JSON by document kind (``inventory``, ``order``, …, ``tax_bill``)."""
        ...
