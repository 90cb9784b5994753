"""The CBEC release gate over the agencies' work queue (``cbec.ports.ReleaseGate``).

When the CBEC engine concludes a list, the gate routes the filing to every agency the policy
requires (in the clearance unit of work, so tasks exist exactly when the conclusion commits)
and records customs' automated decision: a list the risk engine releases is released for
customs by ``AUTOMATED_OFFICER``; a list it holds or selects for inspection keeps customs'
task open for an officer. The list is released only when every required agency released it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

import msgspec

from tradewindow.agencies.ports import AGENCY_ROUTING, TaskStatus
from tradewindow.agencies.queue import AgencyDesk, filing_of
from tradewindow.agencies.routing import holds
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.agencies.status import (
    CombinedStatus,
    Decision,
    FilingStatus,
    return_info,
    stop_codes,
)
from tradewindow.cbec.ports import GateOutcome, GateVerdict, UnitOfWork

CUSTOMS = "customs"
AUTOMATED_OFFICER = "cbec-risk-engine"
LIFECYCLE_OFFICER = "cbec-lifecycle"  # closes the open tasks of a cancelled list
_HELD_BY_ENGINE = {"manual_review": GateOutcome.HELD, "inspection": GateOutcome.INSPECTION}
_OUTCOME = {
    FilingStatus.RELEASED: GateOutcome.RELEASED,
    FilingStatus.PENDING: GateOutcome.PENDING,
    FilingStatus.HELD: GateOutcome.HELD,
    FilingStatus.INSPECTION: GateOutcome.INSPECTION,
    FilingStatus.REFUSED: GateOutcome.REFUSED,
}


class AgencyGate:
    def __init__(self, desk: AgencyDesk, policy: Policy) -> None:
        self._desk = desk
        self._policy = policy

    def prepare(self, uow: UnitOfWork, keys: Collection[str]) -> None:
        """Read the lists' tasks at once; write what routing makes when the unit of work
        commits (``store.agencies.desk.SqlRouting``)."""
        uow.part(AGENCY_ROUTING).prepare(keys)

    def route(
        self,
        uow: UnitOfWork,
        key: str,
        documents: Mapping[str, msgspec.Struct],
        customs: str,
        reason: str,
    ) -> GateVerdict:
        routing = uow.part(AGENCY_ROUTING)  # the tasks commit with the conclusion
        self._desk.route(filing_of(key, documents.values()), routing=routing)
        if customs in _HELD_BY_ENGINE:
            return GateVerdict(outcome=_HELD_BY_ENGINE[customs], info=f"customs: {reason}")
        self._desk.record_automated(
            routing, key, CUSTOMS, Decision.RELEASE, reason, AUTOMATED_OFFICER
        )
        return self._verdict(self._desk.combined_status(key, routing=routing))

    def verdict(self, uow: UnitOfWork, key: str) -> GateVerdict:
        return self._verdict(self._desk.combined_status(key, routing=uow.part(AGENCY_ROUTING)))

    def review_return(
        self, uow: UnitOfWork, key: str, documents: Mapping[str, msgspec.Struct], at: datetime
    ) -> str | None:
        """The policy's ``[returns]``: accepted at once unless a ``review_when`` rule holds
        over the return and its list; then a task for ``reviewed_by`` (filing: the return's
        key) in the unit of work."""
        returns = self._policy.returns
        filing = filing_of(key, documents.values())
        if returns.reviewed_by is None or not any(
            all(holds(c, filing.documents) for c in rule.conditions) for rule in returns.rules
        ):
            return None
        routing = uow.part(AGENCY_ROUTING)
        routing.add_tasks(key, [returns.reviewed_by], self._policy.version, at)
        return returns.reviewed_by

    def withdraw(self, uow: UnitOfWork, key: str, reason: str, at: datetime) -> list[str]:
        """A cancelled list: each agency's open task is closed (refused, with ``reason``, by
        ``LIFECYCLE_OFFICER``); an agency whose officer has the task in hand gets a notice of
        the filing instead, and decides the task itself."""
        routing = uow.part(AGENCY_ROUTING)
        told: list[str] = []
        in_hand: list[str] = []
        for task in routing.tasks_of(key):
            if task.status is TaskStatus.DECIDED:
                continue
            if not routing.decide_open(
                key, task.agency, Decision.REFUSE, reason, LIFECYCLE_OFFICER, at
            ):
                in_hand.append(task.agency)
            told.append(task.agency)
        if in_hand:
            routing.add_notices(key, in_hand, self._policy.version, at)
        return told

    def _verdict(self, combined: CombinedStatus) -> GateVerdict:
        return GateVerdict(
            outcome=_OUTCOME[combined.status],
            info=return_info(self._policy, combined),
            codes=stop_codes(combined),
        )
