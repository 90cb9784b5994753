"""The agencies' desk for CBEC export (``export.ports.ExportGate``).

An accepted export list is a filing of the desk under the key ``EXP|ebpCode|orderNo``: a task
for each agency the policy routes it to (customs aside: it decides by the parcel's arrival,
in export clearance) and a notice for each agency the policy informs of it, written in the
export transaction that accepts the list, so they exist exactly when the acceptance commits.
The officers work them as import tasks (claim, view cut by the policy, decide); the list
follows the concluded tasks (``ClearExport.settle``). A decision over the export API
(``ClearExport.decide``) concludes the agency's open task in the same transaction; a
cancelled list's open tasks are closed (an officer holding one gets a notice instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tradewindow.agencies.ports import AGENCY_ROUTING, TaskStatus
from tradewindow.agencies.queue import AgencyDesk
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.agencies.status import Decision
from tradewindow.transaction import Transaction

LIFECYCLE_OFFICER = "export-lifecycle"  # closes the open tasks of a cancelled list
REFUSED_OVER_API = "refused over the export agency API / 经出口部门接口不予放行"


class ExportAgencyGate:
    def __init__(self, desk: AgencyDesk, policy: Policy) -> None:
        self._desk = desk
        self._policy = policy

    def route(
        self,
        transaction: Transaction,
        filing: str,
        documents: Mapping[str, Mapping[str, Any]],
        agencies: frozenset[str],
        at: datetime,
    ) -> None:
        routing = transaction.part(AGENCY_ROUTING)
        ordered = [code for code in self._policy.agencies if code in agencies]
        if ordered:
            routing.add_tasks(filing, ordered, self._policy.version, at)
        self._desk.notices.inform(routing, filing, documents)

    def decided(self, transaction: Transaction, filing: str) -> tuple[set[str], set[str]]:
        released: set[str] = set()
        refused: set[str] = set()
        for task in transaction.part(AGENCY_ROUTING).tasks_of(filing):
            if task.status is not TaskStatus.DECIDED:
                continue
            if task.decision is Decision.RELEASE:
                released.add(task.agency)
            elif task.decision is Decision.REFUSE:
                refused.add(task.agency)
        return released, refused

    def decide(
        self,
        transaction: Transaction,
        filing: str,
        agency: str,
        release: bool,
        officer: str,
        at: datetime,
    ) -> None:
        decision = Decision.RELEASE if release else Decision.REFUSE
        reason = None if release else REFUSED_OVER_API
        transaction.part(AGENCY_ROUTING).decide_open(filing, agency, decision, reason, officer, at)

    def withdraw(self, transaction: Transaction, filing: str, reason: str, at: datetime) -> None:
        routing = transaction.part(AGENCY_ROUTING)
        in_hand = [
            task.agency
            for task in routing.tasks_of(filing)
            if task.status is not TaskStatus.DECIDED
            and not routing.decide_open(
                filing, task.agency, Decision.REFUSE, reason, LIFECYCLE_OFFICER, at
            )
        ]
        if in_hand:
            routing.add_notices(filing, in_hand, self._policy.version, at)
