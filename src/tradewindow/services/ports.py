"""What the service-trade registries need from the outside world, as Protocols.

``store/services`` implements the records over SQLite and PostgreSQL; ``evidence/services.py``
the evidence records; ``services/hk_register.py`` a simulated Hong Kong register behind
:class:`HomeRegister` (a real register's connector is one more module implementing it). The
use cases own the transactions and every rule; the records only read and write.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

import msgspec

from tradewindow.services.documents import ScanVerdict
from tradewindow.services.recognition import (
    Application,
    Event,
    LicenceRecord,
    Profession,
    State,
)
from tradewindow.services.registry import HistoryEntry, ItemStatus, Revision
from tradewindow.transaction import Transaction


class HomeRegister(Protocol):
    """A home-licence register of Hong Kong or Macao (the issuing authorities' registers)."""

    @property
    def name(self) -> str:
        """Which register this is, as verification records name it."""
        ...

    def look_up(self, authority: str, number: str) -> LicenceRecord | None:
        """The register's entry for licence ``number`` of ``authority``, None when it has
        none; raises ``errors.Unavailable`` when the register does not answer."""
        ...


class Scanner(Protocol):
    """The virus-scan hook every uploaded document passes."""

    def scan(self, content: bytes) -> ScanVerdict: ...


class RegistryQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Filters of the public registry: each given one must hold; ``text`` matches any of the
    item's texts (English or Chinese) as a substring, case-insensitive."""

    field: str | None = None
    city: str | None = None
    status: ItemStatus | None = None
    department: str | None = None
    list_code: str | None = None
    text: str | None = None
    limit: int = 100
    offset: int = 0


class RegistryRecords(Transaction, Protocol):
    def revisions(self, item_id: str) -> list[Revision]:
        """Every revision of an item, oldest first (empty when there is no such item)."""
        ...

    def insert_revision(self, revision: Revision) -> None: ...

    def update_revision(self, revision: Revision) -> None:
        """Store a revision's new state, content, reviewer and publication time."""
        ...

    def insert_history(self, entry: HistoryEntry) -> None: ...

    def history(self, item_id: str) -> list[HistoryEntry]:
        """The item's history, oldest first."""
        ...

    def published(self, query: RegistryQuery) -> tuple[list[Revision], int]:
        """The published revision of each item matching ``query`` (by list and number), and
        how many match in all."""
        ...

    def unpublished(self, department: str) -> list[Revision]:
        """Drafts and revisions in review of items the department is responsible for."""
        ...

    def published_counts(self) -> list[tuple[str, str, int]]:
        """(field, status, items) over the items' published revisions."""
        ...

    def publications(self) -> list[tuple[datetime, str, str]]:
        """(published_at, field, status) of every publication, oldest first (the dashboard's
        items by status over time)."""
        ...


class RegistryStore(Protocol):
    def writing(self) -> AbstractContextManager[RegistryRecords]: ...

    def reading(self) -> AbstractContextManager[RegistryRecords]: ...


class RecognitionRecords(Transaction, Protocol):
    def upsert_profession(self, profession: Profession) -> None: ...

    def professions(self) -> list[Profession]: ...

    def insert_application(self, application: Application, contents: list[bytes]) -> None:
        """Store a new application and its documents' bytes (in the order of its documents)."""
        ...

    def update_application(self, application: Application) -> None: ...

    def application(self, application_id: str) -> Application | None: ...

    def by_filing_number(self, filing_number: str) -> Application | None: ...

    def applications_of(self, owner: str) -> list[Application]:
        """The owner's applications, newest first."""
        ...

    def applications_for(
        self, department: str, states: frozenset[State] | None, limit: int, offset: int
    ) -> list[Application]:
        """The department's applications (in ``states`` when given), oldest first."""
        ...

    def in_states(self, states: frozenset[State], limit: int, after: str) -> list[Application]:
        """Applications in ``states`` with id > ``after``, by id (for sweeps in pages)."""
        ...

    def register(self, text: str | None, limit: int, offset: int) -> list[Application]:
        """Recognised and suspended applications (the public register), by filing number;
        ``text`` filters names, licence and filing numbers and employer names."""
        ...

    def document_content(self, application_id: str, index: int) -> bytes | None: ...

    def erase_documents(self, application_id: str) -> None: ...

    def insert_event(self, event: Event) -> None: ...

    def events(self, application_id: str) -> list[Event]:
        """What happened to the application, oldest first."""
        ...

    def recognition_counts(self) -> list[tuple[str, str, str, str, int]]:
        """(profession, home, city, state, applications)."""
        ...

    def recognitions_by_month(self) -> list[tuple[str, str, int]]:
        """(YYYY-MM of the decision, profession, recognitions decided that month)."""
        ...


class RecognitionStore(Protocol):
    def writing(self) -> AbstractContextManager[RecognitionRecords]: ...

    def reading(self) -> AbstractContextManager[RecognitionRecords]: ...


class ServiceEvidence(Protocol):
    """The evidence records of the registries: every publication and every change of a
    recognition in the transaction that made it, every read of identity data by anyone but
    its subject."""

    def published(self, transaction: Transaction, revision: Revision, actor: str) -> None: ...

    def recognition_changed(
        self, transaction: Transaction, application: Application, event: Event
    ) -> None: ...

    def personal_read(
        self, application_id: str, fields: list[str], actor: str, at: datetime
    ) -> None: ...

    def personal_reads(self, reads: list[tuple[str, list[str]]], actor: str, at: datetime) -> None:
        """One record per (application id, fields read), appended together."""
        ...
