"""Partitioned clearance over a real store, its partitions cleared by threads of the test
process (``cbec.partitioned.LocalDispatch``), evidence written to the partitions' chains."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519

from builders import NOW
from tradewindow.cbec.clearance import Answer, Clearance, Submission
from tradewindow.cbec.documents import Message
from tradewindow.cbec.partitioned import LocalDispatch, PartitionedClearance, PartRunner
from tradewindow.evidence.log import CheckpointPolicy, EvidenceLog
from tradewindow.evidence.partitions import PartitionEvidence
from tradewindow.evidence.recorder import ClearanceEvidence
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.store import SqlStore
from tradewindow.store.partition import PartitionStore, SqlInbox, SqlPartitionChains

KEY = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


@dataclass
class Partitioned:
    store: SqlStore
    partitions: int
    threads: int = 1
    now: datetime = NOW
    checkpoints: CheckpointPolicy | None = None  # the log signs partition heads by itself
    clearance: PartitionedClearance = field(init=False)
    log: EvidenceLog = field(init=False)
    chains: PartitionEvidence = field(init=False)

    def __post_init__(self) -> None:
        self.log = EvidenceLog(self.store.evidence, platform_key=KEY, checkpoints=self.checkpoints)
        parts = {
            "codes": ReferenceCodeTables(),
            "rates": TariffRates(),
            "match_timeout": timedelta(hours=24),
            "clock": lambda: self.now,
            "evidence": ClearanceEvidence(self.log),
        }
        inbox = SqlInbox(self.store.engine)
        runner = PartRunner(
            lambda p: Clearance(PartitionStore(self.store, p), **parts),  # type: ignore[arg-type]
            inbox,
            clock=lambda: self.now,
        )
        self.clearance = PartitionedClearance(
            self.store,
            partitions=self.partitions,
            inbox=inbox,
            dispatch=LocalDispatch(runner, threads=self.threads),
            **parts,
        )
        self.chains = PartitionEvidence(SqlPartitionChains(self.store.engine), platform_key=KEY)

    def send(self, *messages: Message) -> list[Answer]:
        return self.clearance.submit([submission(m, self.now) for m in messages])


def submission(message: Message, at: datetime) -> Submission:
    data = msgspec.json.encode(message)
    return Submission(message=message, digest=hashlib.sha256(data).hexdigest(), received_at=at)


def statuses(answers: Sequence[Answer]) -> list[list[tuple[str, str, str]]]:
    """Each answer's receipts as (type, document key, status), in a stable order."""
    return [sorted((r.receipt_type, r.doc_key, r.status) for r in a.receipts) for a in answers]
