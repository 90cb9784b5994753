"""What the filing use case needs from the outside world, as Protocols (``store/filing``
implements them over SQLite and PostgreSQL).

Claims (who sent each message guid, who filed each document) join the clearance unit of work
as the part :data:`FILING_CLAIMS`, so a document is claimed in the same transaction that
accepts it, and nothing is claimed for a message or document that is refused. A channel's
request records (the signature's replay guard, the answer kept under an ``Idempotency-Key``)
join it as :data:`FILING_REQUESTS`: one commit per unit of work for all of them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Protocol

import msgspec

from tradewindow.cbec.clearance import Answer, Submission
from tradewindow.cbec.ports import Admission
from tradewindow.parties.commissions import Commission
from tradewindow.parties.model import Party
from tradewindow.transaction import Part


class Claim(msgspec.Struct, frozen=True, kw_only=True):
    """A message accepted for clearance: who sent it, how, and the documents it filed that
    were accepted (kind, key)."""

    guid: str
    party_id: str
    credential_id: str
    message_type: str
    format: str
    digest: str
    received_at: datetime
    documents: list[tuple[str, str]]
    # waybill key → its orderNo (``cbec.keys.waybill_orders``; its key does not embed it): the
    # partition key of the waybill's claim, lest all land on the "" shard (docs/scaling.md)
    waybill_orders: dict[str, str] = msgspec.field(default_factory=dict)


class ClaimRecords(Protocol):
    """Message senders and document owners inside one transaction."""

    def senders(self, guids: Collection[str]) -> dict[str, str]:
        """guid → the party that sent it, for the guids that have one."""
        ...

    def owners(self, documents: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """(kind, key) → the party that filed it, for the documents that have one."""
        ...

    def record(self, claims: Sequence[Claim]) -> None:
        """Record each claim's sender and the owner of each of its documents (a guid or
        document already recorded keeps its first party)."""
        ...

    def reassign(self, claim: Claim) -> None:
        """Make the claim's documents, each claimed before by another party, the claim's
        sender's (``filing.rights.list_squatted``, ``payment_squatted``)."""
        ...


FILING_CLAIMS: Part[ClaimRecords] = Part("filing.claims")


class KeptAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """A request's answer as its channel sends it again to a retry under the same key."""

    request_digest: str  # what the request was (method, path, content type, body)
    status_code: int
    media_type: str
    headers: bytes  # JSON object of the response headers
    body: bytes


class RequestRecords(Protocol):
    """A channel request's own records, inside the unit of work that clears its messages."""

    def first_request(self, signature_digest: str, request_id: str, at: datetime) -> str:
        """Remember the signature for ``request_id`` unless known; its first request id
        (``evidence.signatures.SeenSignatures.remember``, in this transaction)."""
        ...

    def kept(self, party_id: str, key: str) -> KeptAnswer | None:
        """The answer kept under the party's key, if one was."""
        ...

    def keep(self, party_id: str, key: str, answer: KeptAnswer, at: datetime) -> None:
        """Keep ``answer`` under the party's key (a key already answered keeps its first)."""
        ...


FILING_REQUESTS: Part[RequestRecords] = Part("filing.requests")


class Parties(Protocol):
    """The registered parties (``parties.service.PartyRegistry``)."""

    def party(self, party_id: str) -> Party:
        """The registered party; raises ``parties.errors.PartyNotFound``."""
        ...


class Commissions(Protocol):
    """The commissions the filing rules read (``parties.commission_registry``)."""

    def principals(
        self, agent: Party, codes: Iterable[str]
    ) -> dict[str, tuple[Party | None, list[Commission]]]:
        """For each code: its holder (None: none or ambiguous) and the commissions it gave
        ``agent``."""
        ...


class Clearing(Protocol):
    """Clearance of decoded messages (``cbec.clearance.Clearance``)."""

    def submit(
        self, submissions: Sequence[Submission], *, admission: Admission | None = None
    ) -> list[Answer]: ...


class Refused(msgspec.Struct, frozen=True, kw_only=True):
    """A decoded message the filing use case refused: for the evidence log."""

    guid: str
    digest: str  # SHA-256 hex of the bytes received
    actor: str  # the sender's party id
    code: str
    at: datetime


class RefusalEvidence(Protocol):
    """Appends refused messages to the evidence log (their answer is the channel's)."""

    def record(self, refusals: Sequence[Refused]) -> None: ...
