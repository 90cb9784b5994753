"""What the logistics services need from storage, as Protocols; ``store/logistics`` implements
them over SQLAlchemy Core (SQLite or PostgreSQL). Records are plain Structs: the services
never see SQL, the store never decides who sees what.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

import msgspec

from tradewindow.logistics.filters import EventQuery


class StoredVersion(msgspec.Struct, frozen=True):
    """The version of an event on file: who published it, when it was made, its body."""

    publisher: str
    created: datetime
    body: bytes


class EventRow(msgspec.Struct, frozen=True, kw_only=True):
    """One event as stored: the values the queries filter on, its body, its references."""

    event_id: str
    event_type: str
    type_code: str
    classifier: str
    document_type_code: str | None
    transport_call_id: str | None
    vessel_imo_number: str | None
    export_voyage_number: str | None
    carrier_service_code: str | None
    equipment_reference: str | None
    event_created: datetime
    event_datetime: datetime
    publisher: str
    body: bytes
    received_at: datetime
    references: tuple[tuple[str, str], ...]  # (kind, value), sorted


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the change feed: the newest version (or retraction) of an event."""

    seq: int
    event_id: str
    publisher: str
    retracted: bool
    body: bytes


class Visibility(msgspec.Struct, frozen=True, kw_only=True):
    """What a viewer may see, for the store to filter by: everything (an agency granted every
    event type), or the events ``party_id`` published or is entitled to through one of their
    references, plus those of the ``types`` its agency is granted."""

    party_id: str
    everything: bool = False
    types: frozenset[str] = frozenset()


class Restriction(msgspec.Struct, frozen=True, kw_only=True):
    """Codes a page keeps to (``GET /v2/events`` answers only with codes TNT 2.2 knows)."""

    type_codes: frozenset[str]
    document_type_codes: frozenset[str]  # an event without a document type passes


class EventOnFile(msgspec.Struct, frozen=True, kw_only=True):
    """What decides the audience of a live event on file."""

    seq: int
    publisher: str
    event_type: str
    entitled: frozenset[str]  # parties entitled to one of its references


class CustomsOnFile(msgspec.Struct, frozen=True):
    decision: str  # released, held, inspection
    document_id: str


class GateAlert(msgspec.Struct, frozen=True, kw_only=True):
    equipment_reference: str
    event_id: str
    publisher: str
    reason: str
    raised_at: datetime


class CustomsRecords(Protocol):
    """The customs decisions on containers and the refused gate-outs."""

    def decision_on_file(self, equipment_reference: str) -> CustomsOnFile | None: ...

    def raise_alert(self, alert: GateAlert) -> None: ...


class PublishingTransaction(CustomsRecords, Protocol):
    """One publication, one transaction; writers are serialised so ``seq`` follows commit
    order (a cursor over ``seq`` never skips a row committed late)."""

    def stored_versions(self, event_ids: Sequence[str]) -> dict[str, StoredVersion]: ...

    def write(self, rows: Sequence[EventRow], replacing: Collection[str]) -> None:
        """Insert ``rows`` in order (each gets the next ``seq``), the versions on file of
        ``replacing`` and their references removed first."""
        ...


class EventRecords(Protocol):
    def publishing(self) -> AbstractContextManager[PublishingTransaction]: ...

    def retract(self, event_id: str, publisher: str, at: datetime) -> bool:
        """Mark the publisher's event retracted under a new ``seq``; False when it has none."""
        ...

    def entitle(self, grants: Collection[tuple[str, str, str]]) -> None:
        """(party, kind, value) rows; those on file are kept as they are."""
        ...

    def first_publisher(self, kind: str, value: str) -> str | None: ...

    def is_entitled(self, party_id: str, kind: str, value: str) -> bool: ...

    def page(
        self,
        query: EventQuery,
        visible: Visibility,
        *,
        after: int,
        limit: int,
        restriction: Restriction | None,
    ) -> list[tuple[int, bytes]]:
        """(seq, body) of the visible events meeting every filter, ``seq`` beyond ``after``,
        oldest change first, at most ``limit``."""
        ...

    def body(self, event_id: str, visible: Visibility) -> bytes | None: ...

    def timeline(self, kind: str, value: str, visible: Visibility) -> list[bytes]:
        """Bodies of the visible events referencing (kind, value), by eventDateTime then seq."""
        ...

    def changes_after(self, seq: int, limit: int) -> list[Change]: ...

    def newest_seq(self) -> int: ...

    def on_file(self, event_id: str) -> EventOnFile | None:
        """None when there is no such event or it was retracted."""
        ...

    def relay_mark(self, relay: str) -> int: ...

    def set_relay_mark(self, relay: str, seq: int) -> None:
        """Move the relay's mark forward to ``seq`` (never back)."""
        ...

    def record_decisions(self, decisions: Sequence[tuple[str, str, str, datetime]]) -> None:
        """(container, decision, document, decided at), in one transaction: the newest
        customs decision on a container replaces the one before."""
        ...

    def decision_on_file(self, equipment_reference: str) -> CustomsOnFile | None: ...

    def gate_alerts(self) -> list[GateAlert]: ...

    def equipment_of(self, transport_documents: Collection[str]) -> dict[str, set[str]]:
        """The containers referenced by live events that reference each transport document."""
        ...


class SubscriptionRow(msgspec.Struct, frozen=True, kw_only=True):
    subscription_id: str
    owner: str
    owner_agency: str | None
    callback_url: str
    filters: bytes  # the subscription body (no secret), as JSON
    sealed_secret: bytes


class SubscriptionRecords(Protocol):
    def add(self, row: SubscriptionRow, at: datetime) -> None: ...

    def filters_of(self, owner: str, limit: int, offset: int) -> list[tuple[str, bytes]]:
        """(id, filters) of the owner's subscriptions, oldest first."""
        ...

    def filters(self, owner: str, subscription_id: str) -> bytes | None: ...

    def change(
        self, owner: str, subscription_id: str, callback_url: str, filters: bytes, at: datetime
    ) -> bool: ...

    def remove(self, owner: str, subscription_id: str) -> bool: ...

    def reseal(self, owner: str, subscription_id: str, sealed: bytes, at: datetime) -> bool: ...

    def every(self) -> list[SubscriptionRow]: ...

    def by_id(self, subscription_ids: Sequence[str]) -> list[SubscriptionRow]: ...


class Due(msgspec.Struct, frozen=True):
    """A delivery owed now: ``body`` None when the event was retracted meanwhile."""

    subscription_id: str
    event_id: str
    seq: int
    attempts: int
    body: bytes | None


class Retry(msgspec.Struct, frozen=True):
    due: Due
    last_status: int | None
    next_attempt_at: datetime


class DeliveryRecords(Protocol):
    def owe(self, event_id: str, seq: int, subscription_ids: Sequence[str], at: datetime) -> None:
        """Owe version ``seq`` to each subscription once; a newer version re-arms the row."""
        ...

    def due(self, now: datetime, limit: int) -> list[Due]: ...

    def settle(
        self,
        *,
        delivered: Sequence[tuple[Due, int]],
        deferred: Sequence[Retry],
        withdrawn: Sequence[Due],
        at: datetime,
    ) -> None:
        """In one transaction: delivered (with the answer's status, at ``at``), deferred (one
        more attempt, the next one at its time), withdrawn; a delivery a newer version of its
        event re-armed meanwhile is left as it is."""
        ...

    def states(self) -> dict[tuple[str, str], str]: ...
