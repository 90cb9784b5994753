"""The evidence ports of the services over the log: clearance's (``cbec.ports``), the filing
use case's refusals (``filing.ports.RefusalEvidence``) and the commission registry's
(``parties.ports.CommissionEvidence``). Both append in the caller's
transaction (the part ``evidence.ports.EVIDENCE_CHAIN`` of it)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

import msgspec

from tradewindow.cbec.ports import EvidenceItem, UnitOfWork
from tradewindow.evidence.chain import Entry, RecordKind, time_text
from tradewindow.evidence.log import EvidenceLog
from tradewindow.filing.ports import Refused
from tradewindow.parties.commissions import Commission
from tradewindow.parties.credentials import Credential
from tradewindow.parties.ports import CommissionEvent
from tradewindow.transaction import Transaction

_KINDS = {kind.value: kind for kind in RecordKind}  # a dict lookup, not Enum.__new__ per item


class ClearanceEvidence:
    def __init__(self, log: EvidenceLog) -> None:
        self._log = log

    def record(self, uow: UnitOfWork, items: Sequence[EvidenceItem], at: datetime) -> None:
        """Append ``items`` in the clearance unit of work's own transaction."""
        entries = [
            Entry(
                kind=_KINDS.get(item.kind) or RecordKind(item.kind),  # unknown: ValueError
                subjects=item.subjects,
                payload_digest=item.payload_digest,
                actor=item.actor,
                at=at,
                signature=item.signature,
            )
            for item in items
        ]
        self._log.append_many(entries, within=uow)


class FilingRefusals:
    """Messages the filing use case refused (``filing.ports.RefusalEvidence``): subjects the
    message guid, the sender (``party:<id>``) and the refusal code (``refused:<code>``),
    payload the SHA-256 of the message's bytes; one transaction for a request's refusals."""

    def __init__(self, log: EvidenceLog) -> None:
        self._log = log

    def record(self, refusals: Sequence[Refused]) -> None:
        self._log.append_many(
            [
                Entry(
                    kind=RecordKind.MESSAGE_REFUSED,
                    subjects=(r.guid, f"party:{r.actor}", f"refused:{r.code}"),
                    payload_digest=r.digest,
                    actor=r.actor,
                    at=r.at,
                )
                for r in refusals
            ]
        )


class CommissionRecords:
    """Grants and revocations of commissions as evidence records: subjects the commission
    and both parties, payload the SHA-256 of the commission as JSON after the change."""

    def __init__(self, log: EvidenceLog) -> None:
        self._log = log

    def record(
        self,
        transaction: Transaction,
        event: CommissionEvent,
        commission: Commission,
        actor: str,
        at: datetime,
    ) -> None:
        """Append the record in the registry's own transaction."""
        self._log.append(
            RecordKind(event.value),
            [
                f"commission:{commission.id}",
                f"party:{commission.principal_id}",
                f"party:{commission.agent_id}",
            ],
            hashlib.sha256(msgspec.json.encode(commission)).hexdigest(),
            actor,
            at=at,
            within=transaction,
        )


class KeyRecords:
    """Issued API keys and OAuth clients as ``key_issued`` records: subjects the credential,
    its party and its expiry (``expires:<time>``, or ``expires:never`` for a key issued
    explicitly without one), payload the SHA-256 of the credential as JSON (never its secret).
    """

    def __init__(self, log: EvidenceLog) -> None:
        self._log = log

    def record_issued(
        self, transaction: Transaction, credential: Credential, actor: str, at: datetime
    ) -> None:
        expires = "never" if credential.expires_at is None else time_text(credential.expires_at)
        self._log.append(
            RecordKind.KEY_ISSUED,
            [f"credential:{credential.id}", f"party:{credential.party_id}", f"expires:{expires}"],
            hashlib.sha256(msgspec.json.encode(credential)).hexdigest(),
            actor,
            at=at,
            within=transaction,
        )
