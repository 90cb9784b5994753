"""What the web edge keeps in the database, as Protocols: rate limits, idempotency keys, the
portals' accounts and sessions, and the figures of the status page. ``store/web`` implements
them over SQLAlchemy Core, so every API process counts, replays and signs in alike. The
records they exchange are plain Structs defined beside the adapters (``store/web/records.py``)
so that ``store`` never imports ``web``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from tradewindow.filing.ports import KeptAnswer
from tradewindow.store.web.records import AccountRow, DatabaseProbe, IdempotencyRow, SessionRow


class RateLimits(Protocol):
    def admit(self, party_id: str) -> float | None:
        """None when the request may go ahead (and it is counted); else seconds to wait."""
        ...


class IdempotencyTransaction(Protocol):
    def find(self, party_id: str, key: str) -> IdempotencyRow | None: ...

    def start(self, party_id: str, key: str, digest: str, at: datetime) -> None:
        """Insert the key in flight."""
        ...

    def take_over(self, party_id: str, key: str, at: datetime) -> None:
        """Restart the in-flight clock of a key its process abandoned."""
        ...


class IdempotencyRecords(Protocol):
    def try_start(self, party_id: str, key: str, digest: str, at: datetime) -> bool:
        """Insert the key in flight; False when the (party, key) is already on file."""
        ...

    def transaction(self) -> AbstractContextManager[IdempotencyTransaction]: ...

    def finish(
        self,
        party_id: str,
        key: str,
        *,
        status_code: int,
        media_type: str,
        headers: bytes,
        body: bytes,
    ) -> None: ...

    def abandon(self, party_id: str, key: str) -> None: ...

    def find(self, party_id: str, key: str) -> IdempotencyRow | None:
        """The key's row, read without a write lock."""
        ...

    def keep(self, party_id: str, key: str, answer: KeptAnswer, at: datetime) -> KeptAnswer | None:
        """Keep ``answer`` under the key in a transaction of its own; None when it was kept,
        else the answer kept first (``filing.ports.RequestRecords.keep``)."""
        ...


class AccountRecords(Protocol):
    def add(self, row: AccountRow) -> bool:
        """Insert the account; False (and nothing written) when its username is taken."""
        ...

    def by_username(self, username: str) -> AccountRow | None: ...

    def of_party(self, party_id: str) -> list[AccountRow]:
        """The party's accounts by username."""
        ...

    def set_password_hash(self, account_id: str, password_hash: str, *, unlock: bool) -> None:
        """A new hash (``unlock``: failed attempts and any lock cleared too)."""
        ...

    def open_session(
        self, account_id: str, session_id: str, csrf_token: str, at: datetime, expires: datetime
    ) -> None:
        """Insert the session and clear the account's failed attempts, in one transaction."""
        ...

    def session(self, session_id: str) -> SessionRow | None: ...

    def touch(self, session_id: str, at: datetime) -> None: ...

    def revoke(self, session_id: str, at: datetime) -> None:
        """End the session at ``at`` unless it already ended."""
        ...


class StatusReads(Protocol):
    def probe(self) -> DatabaseProbe:
        """Whether the database answers ``SELECT 1`` (an unreachable one is a figure here,
        not an error) and the migration revision it is at."""
        ...

    def shipped_heads(self) -> str: ...

    def list_counts(self, statuses: Collection[str]) -> Mapping[str, int]:
        """Inventory lists per status, for these statuses."""
        ...

    def task_counts(self) -> Mapping[tuple[str, str], int]:
        """(agency, status) → tasks not yet decided."""
        ...

    def received_per_minute(
        self, starts: list[datetime], end: datetime
    ) -> tuple[list[int], list[int]]:
        """Messages and documents received in each minute starting at ``starts`` (one query
        per table, one ``COUNT(*) FILTER`` column per minute)."""
        ...


__all__ = [
    "AccountRecords",
    "AccountRow",
    "DatabaseProbe",
    "IdempotencyRecords",
    "IdempotencyRow",
    "IdempotencyTransaction",
    "RateLimits",
    "SessionRow",
    "StatusReads",
]
