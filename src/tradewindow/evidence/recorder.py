"""The clearance service's evidence port (``cbec.ports.EvidenceRecorder``) over the log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tradewindow.cbec.ports import EvidenceItem
from tradewindow.evidence.chain import Entry, RecordKind
from tradewindow.evidence.log import EvidenceLog


class ClearanceEvidence:
    def __init__(self, log: EvidenceLog) -> None:
        self._log = log

    def record(self, uow: Any, items: Sequence[EvidenceItem], at: datetime) -> None:
        """Append ``items`` in the clearance unit of work's own transaction."""
        entries = [
            Entry(
                kind=RecordKind(item.kind),
                subjects=item.subjects,
                payload_digest=item.payload_digest,
                actor=item.actor,
                at=at,
                signature=item.signature,
            )
            for item in items
        ]
        self._log.append_many(entries, connection=uow.connection)
