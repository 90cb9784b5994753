"""A clearance service over a real store with a clock the test moves."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import text

from builders import NOW
from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.queue import AgencyDesk
from tradewindow.agencies.release_gate import AgencyGate
from tradewindow.cbec.clearance import Answer, Clearance, Submission
from tradewindow.cbec.documents import Message
from tradewindow.cbec.ports import DocKind
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.store import SqlStore


@dataclass
class Harness:
    store: SqlStore
    now: datetime = NOW
    timeout: timedelta = timedelta(hours=24)
    agencies: bool = False  # route concluded lists to the single window's agencies
    clearance: Clearance = field(init=False)
    desk: AgencyDesk = field(init=False)

    def __post_init__(self) -> None:
        policy = shipped_policy()
        self.desk = AgencyDesk(self.store.agencies, policy, clock=lambda: self.now)
        self.clearance = Clearance(
            self.store,
            codes=ReferenceCodeTables(),
            rates=TariffRates(),
            match_timeout=self.timeout,
            clock=lambda: self.now,
            gate=AgencyGate(self.desk, policy) if self.agencies else None,
        )

    def send(self, *messages: Message) -> list[Answer]:
        return self.clearance.submit([submission(m, self.now) for m in messages])

    def statuses(self, answer: Answer) -> list[tuple[str, str]]:
        return [(r.receipt_type, r.status) for r in answer.receipts]

    def document_status(self, kind: DocKind, key: str) -> str | None:
        with self.store.unit_of_work() as uow:
            found = uow.documents(kind, [key])
        return found[key].status.value if key in found else None

    def rows(self, table: str) -> int:
        with self.store.engine.connect() as connection:
            count: int = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608 - test-owned table names
            return count


def submission(message: Message, at: datetime) -> Submission:
    data = msgspec.json.encode(message)
    return Submission(message=message, digest=hashlib.sha256(data).hexdigest(), received_at=at)


def info(answer: Answer, receipt_type: str = "CEB622") -> list[str]:
    return [
        msgspec.json.decode(r.body)["returnInfo"]
        for r in answer.receipts
        if r.receipt_type == receipt_type
    ]
