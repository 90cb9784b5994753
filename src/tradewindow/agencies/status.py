"""The combined status of a filing from its required agencies' decisions.

- **refused** (CEB622 returnStatus 100) when any agency refused;
- otherwise **held** (300, manual review) when any agency holds it or asks for documents;
- otherwise **inspection** (500) when any agency selected it for inspection;
- otherwise **pending** (120, accepted) while any required agency has not decided;
- **released** (800) only when every required agency released it.

Every non-release decision is listed with its agency and reason, so the enterprise sees who
stopped the parcel and why. A filing with no required agency is *pending*, never released:
the policy guarantees at least one agency decides on everything (``route_when = "always"``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

import msgspec

from tradewindow.agencies.sharing_policy import Policy
from tradewindow.cbec.receipts import ReturnStatus


class Decision(enum.StrEnum):
    RELEASE = "release"
    HOLD = "hold"
    INSPECT = "inspect"
    REFUSE = "refuse"
    REQUEST_DOCUMENTS = "request_documents"  # held until the enterprise sends documents


# What an agency may do next about a filing it has stopped. Release and refuse conclude it;
# a hold (人工审核) or a request for documents keeps the filing held with the agency; an
# inspection (查验) is concluded by its result, release or refuse.
NEXT_ACTIONS: dict[Decision, tuple[Decision, ...]] = {
    Decision.HOLD: (Decision.RELEASE, Decision.REFUSE, Decision.REQUEST_DOCUMENTS),
    Decision.REQUEST_DOCUMENTS: (Decision.RELEASE, Decision.REFUSE, Decision.REQUEST_DOCUMENTS),
    Decision.INSPECT: (Decision.RELEASE, Decision.REFUSE),
}


def concludes(decision: Decision) -> bool:
    """Whether ``decision`` is the agency's last word on the filing (release, refuse); any
    other leaves the agency's task open for a next action (:data:`NEXT_ACTIONS`)."""
    return decision not in NEXT_ACTIONS


def next_actions(decision: Decision | None) -> tuple[Decision, ...]:
    """What may follow ``decision`` (nothing after a conclusion or before any decision)."""
    return NEXT_ACTIONS.get(decision, ()) if decision is not None else ()


class FilingStatus(enum.StrEnum):
    PENDING = "pending"
    RELEASED = "released"
    HELD = "held"
    INSPECTION = "inspection"
    REFUSED = "refused"


RETURN_STATUS = {
    FilingStatus.PENDING: ReturnStatus.ACCEPTED,
    FilingStatus.RELEASED: ReturnStatus.RELEASED,
    FilingStatus.HELD: ReturnStatus.MANUAL_REVIEW,
    FilingStatus.INSPECTION: ReturnStatus.INSPECTION,
    FilingStatus.REFUSED: ReturnStatus.RETURNED,
}
# the worst decision anywhere wins, in this order
_PRECEDENCE = (
    (Decision.REFUSE, FilingStatus.REFUSED),
    (Decision.HOLD, FilingStatus.HELD),
    (Decision.REQUEST_DOCUMENTS, FilingStatus.HELD),
    (Decision.INSPECT, FilingStatus.INSPECTION),
)


class AgencyOutcome(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One required agency's part: its decision, or None while it has not decided."""

    agency: str
    decision: Decision | None = None
    reason: str | None = None
    decided_at: datetime | None = None


class CombinedStatus(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The filing's status as the enterprise sees it (JSON for the API, CEB622 code)."""

    status: FilingStatus
    return_status: str  # CEB622 returnStatus
    agencies: list[AgencyOutcome]  # every required agency, decided or not
    waiting_for: list[str]  # agencies that have not decided yet
    stopped_by: list[AgencyOutcome]  # refusals, holds and inspections, with their reasons


def combine(outcomes: Sequence[AgencyOutcome]) -> CombinedStatus:
    """The combined status of a filing whose required agencies stand as ``outcomes``."""
    decisions = {o.decision for o in outcomes}
    waiting = [o.agency for o in outcomes if o.decision is None]
    stopped = sorted((o for o in outcomes if _rank(o) < len(_PRECEDENCE)), key=_rank)
    status = FilingStatus.PENDING if waiting or not outcomes else FilingStatus.RELEASED
    for decision, stop in _PRECEDENCE:
        if decision in decisions:
            status = stop
            break
    return CombinedStatus(
        status=status,
        return_status=RETURN_STATUS[status].value,
        agencies=list(outcomes),
        waiting_for=waiting,
        stopped_by=stopped,
    )


def _rank(outcome: AgencyOutcome) -> int:
    for rank, (decision, _) in enumerate(_PRECEDENCE):
        if outcome.decision is decision:
            return rank
    return len(_PRECEDENCE)


def return_info(policy: Policy, status: CombinedStatus, limit: int = 1000) -> str:
    """The CEB622 returnInfo text for ``status``: who stopped it and why, in English and
    Chinese (cut to ``limit`` characters, as receipts cap returnInfo)."""
    if status.stopped_by:
        parts = []
        for outcome in status.stopped_by:
            agency = policy.agency(outcome.agency)
            en = agency.name_en if agency else outcome.agency
            zh = agency.name_zh if agency else outcome.agency
            parts.append(f"[agency.{outcome.decision}] {en} / {zh}: {outcome.reason}")
        text = "; ".join(parts)
    elif status.status is FilingStatus.RELEASED:
        text = "released by every agency / 各机构均已放行"
    else:
        names = [_names(policy, code) for code in status.waiting_for]
        text = "waiting for / 等待: " + ", ".join(names)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stop_codes(status: CombinedStatus) -> tuple[str, ...]:
    """The stable codes of what stopped the filing (``agency.refuse``, ``agency.hold``, …),
    each once, in the order :func:`return_info` names them."""
    return tuple(dict.fromkeys(f"agency.{outcome.decision}" for outcome in status.stopped_by))


def _names(policy: Policy, code: str) -> str:
    agency = policy.agency(code)
    return f"{agency.name_en} / {agency.name_zh}" if agency else code
