"""The service-trade registries' evidence records (``services.ports.ServiceEvidence``).

A publication names the item and the revision, its payload the SHA-256 of the revision as
JSON; a change of a recognition names the application (and its filing number once it has
one), its payload the SHA-256 of the event and the application after it; a read of identity
data names the application and the fields read, as reads of buyers' data do.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import msgspec

from tradewindow.evidence.chain import Entry, RecordKind
from tradewindow.evidence.log import EvidenceLog
from tradewindow.services.recognition import Application, Event
from tradewindow.services.registry import Revision
from tradewindow.transaction import Transaction


class ServiceRecords:
    def __init__(self, log: EvidenceLog) -> None:
        self._log = log

    def published(self, transaction: Transaction, revision: Revision, actor: str) -> None:
        self._log.append(
            RecordKind.REGISTRY_PUBLISHED,
            [f"rule-item:{revision.item_id}", f"rule-item:{revision.item_id}#{revision.revision}"],
            _digest(revision),
            actor,
            at=revision.published_at,
            within=transaction,
        )

    def recognition_changed(
        self, transaction: Transaction, application: Application, event: Event
    ) -> None:
        subjects = [f"recognition:{application.id}"]
        if application.filing_number:
            subjects.append(f"filing:{application.filing_number}")
        self._log.append(
            RecordKind.RECOGNITION_CHANGED,
            subjects,
            _digest([event, application]),
            event.actor,
            at=event.at,
            within=transaction,
        )

    def personal_read(
        self, application_id: str, fields: list[str], actor: str, at: datetime
    ) -> None:
        self.personal_reads([(application_id, fields)], actor, at)

    def personal_reads(self, reads: list[tuple[str, list[str]]], actor: str, at: datetime) -> None:
        self._log.append_many(
            [
                Entry(
                    kind=RecordKind.PERSONAL_DATA_READ,
                    subjects=(f"recognition:{application_id}", *(f"field:{n}" for n in fields)),
                    payload_digest=hashlib.sha256(",".join(fields).encode()).hexdigest(),
                    actor=actor,
                    at=at,
                )
                for application_id, fields in reads
            ]
        )


def _digest(value: object) -> str:
    return hashlib.sha256(msgspec.json.encode(value)).hexdigest()
