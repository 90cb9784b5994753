"""What the party and commission registries need from the outside world, as Protocols.

``store/parties`` implements :class:`PartyStore` over SQLite and PostgreSQL. The registries
own the transactions (``writing`` / ``reading``) and every rule; the records only read and
write. Nothing is cached, so every API process sees a revocation or deactivation on its next
request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import msgspec

from tradewindow.parties.commissions import Commission
from tradewindow.parties.credentials import Credential
from tradewindow.parties.identifiers import Identifier
from tradewindow.parties.keys import RegisteredKey
from tradewindow.parties.model import Party
from tradewindow.parties.principal import PartyKind
from tradewindow.transaction import Transaction


class CredentialCheck(msgspec.Struct, frozen=True, kw_only=True):
    """What authenticating a key, client or token needs, read in one lookup."""

    credential_id: str
    kind: str
    secret_hash: bytes
    previous_hash: bytes | None
    previous_valid_until: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    party_id: str
    party_kind: str
    roles: str
    active: bool
    token_hash: bytes | None = None
    token_expires_at: datetime | None = None


class PartyRecords(Transaction, Protocol):
    """The registry's records inside one transaction. ``update_*`` take the changed fields
    by their record names (``roles``, ``active``, ``last_used_at`` …)."""

    # parties and their identifiers
    def insert_party(self, party: Party) -> None: ...

    def insert_identifiers(self, party_id: str, identifiers: Iterable[Identifier]) -> None: ...

    def update_party(self, party_id: str, values: Mapping[str, Any]) -> None: ...

    def owners(self, identifiers: Iterable[Identifier]) -> dict[Identifier, str]:
        """The party holding each of ``identifiers`` that is registered already."""
        ...

    def owner_of(self, identifier: Identifier) -> str | None: ...

    def holders_of_value(self, value: str) -> list[str]:
        """The parties holding an identifier spelled ``value`` in any scheme (at most one per
        scheme), as CEB messages name parties by a bare code."""
        ...

    def load_party(self, party_id: str) -> Party | None: ...

    def load_parties(self, kind: PartyKind | None = None) -> list[Party]: ...

    # credentials and bearer tokens
    def insert_credential(self, credential: Credential, secret_hash: bytes) -> None: ...

    def load_credential(self, credential_id: str) -> Credential | None: ...

    def load_credentials(self, party_id: str) -> list[Credential]: ...

    def secret_hash_of(self, credential_id: str) -> bytes | None: ...

    def update_credential(self, credential_id: str, values: Mapping[str, Any]) -> None: ...

    def credential_for_authentication(self, credential_id: str) -> CredentialCheck | None:
        """The credential and its party's kind, roles and state: one lookup."""
        ...

    def token_for_authentication(self, token_id: str) -> CredentialCheck | None:
        """The token with its client credential and party, in one lookup."""
        ...

    def insert_token(
        self,
        token_id: str,
        credential_id: str,
        secret_hash: bytes,
        issued_at: datetime,
        expires_at: datetime,
    ) -> None: ...

    def delete_expired_tokens(self, now: datetime) -> int: ...

    # registered signing keys and certificates
    def insert_key(self, key: RegisteredKey) -> None: ...

    def key_id_by_fingerprint(self, fingerprint: str) -> str | None: ...

    def load_key(self, key_id: str) -> RegisteredKey | None: ...

    def load_keys(self, party_id: str) -> list[RegisteredKey]: ...

    def revoke_key(self, key_id: str, now: datetime) -> None: ...

    # commissions
    def insert_commission(self, commission: Commission) -> None: ...

    def load_commission(self, commission_id: str) -> Commission | None: ...

    def load_commissions(
        self, *, principal_id: str | None = None, agent_id: str | None = None
    ) -> list[Commission]:
        """Commissions given by ``principal_id`` and/or held by ``agent_id``, oldest first."""
        ...

    def revoke_commission(self, commission_id: str, at: datetime, by: str) -> None: ...


class PartyStore(Protocol):
    def writing(self) -> AbstractContextManager[PartyRecords]:
        """One write transaction, committed when the block ends; raises
        ``tradewindow.transaction.ConcurrentWrite`` when a concurrent transaction took a
        unique identity (an identifier, a key's fingerprint) first."""
        ...

    def reading(self) -> AbstractContextManager[PartyRecords]:
        """A transaction that only reads."""
        ...


class CommissionEvent(StrEnum):
    GRANTED = "commission_granted"
    REVOKED = "commission_revoked"


class KeyEvidence(Protocol):
    """Where issued keys and clients are recorded (``key_issued``: who, for whom, until when
    or explicitly without expiry), in the registry's transaction."""

    def record_issued(
        self, transaction: Transaction, credential: Credential, actor: str, at: datetime
    ) -> None: ...


class CommissionEvidence(Protocol):
    """Where grants and revocations are recorded, in the registry's transaction."""

    def record(
        self,
        transaction: Transaction,
        event: CommissionEvent,
        commission: Commission,
        actor: str,
        at: datetime,
    ) -> None: ...
