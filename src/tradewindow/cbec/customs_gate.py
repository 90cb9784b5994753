"""The release gate when customs is the only agency: its automated decision is final."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

import msgspec

from tradewindow.cbec.ports import GateOutcome, GateVerdict, UnitOfWork

_AUTOMATED = {
    "release": GateOutcome.RELEASED,
    "manual_review": GateOutcome.HELD,
    "inspection": GateOutcome.INSPECTION,
}


class CustomsOnly:
    """No other agency takes part; lists held or inspected stay so until a later issue's
    officer workflow (or the single window's agencies: ``tradewindow.agencies.release_gate``)."""

    def prepare(self, uow: UnitOfWork, keys: Collection[str]) -> None:
        return None

    def route(
        self,
        uow: UnitOfWork,
        key: str,
        documents: Mapping[str, msgspec.Struct],
        customs: str,
        reason: str,
    ) -> GateVerdict:
        return GateVerdict(outcome=_AUTOMATED[customs], info=reason)

    def verdict(self, uow: UnitOfWork, key: str) -> GateVerdict:
        return GateVerdict(outcome=GateOutcome.PENDING, info="")

    def review_return(
        self, uow: UnitOfWork, key: str, documents: Mapping[str, msgspec.Struct], at: datetime
    ) -> str | None:
        return None  # no officer: returns are accepted automatically

    def withdraw(self, uow: UnitOfWork, key: str, reason: str, at: datetime) -> list[str]:
        return []  # no agency holds a task
