"""The event store's three jobs, held together for the callers that need more than one.

- :mod:`.publishing` (``EventPublisher``): 2.2 and 3.0 publications, retractions,
  entitlements;
- :mod:`.reading` (``EventReading``): queries, single events, timelines, the change feed;
- :mod:`.visibility` (``EventVisibility``): who sees what (deny by default), an event's
  audience.

``EventService`` only delegates; every rule lives in the job's own module, and storage behind
``logistics.ports.EventRecords`` (``store/logistics``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from tradewindow.clock import utc_now
from tradewindow.logistics import v3
from tradewindow.logistics.filters import EventQuery
from tradewindow.logistics.model import Event
from tradewindow.logistics.ports import Change, EventRecords
from tradewindow.logistics.publishing import ENTITLEMENT_KINDS, EventPublisher, Outcome
from tradewindow.logistics.reading import EventPage, EventReading
from tradewindow.logistics.validation import LocationCheck
from tradewindow.logistics.visibility import (
    DEFAULT_AGENCY_POLICY,
    Audience,
    EventVisibility,
    Viewer,
)
from tradewindow.reference.locode import is_locode

__all__ = [
    "DEFAULT_AGENCY_POLICY",
    "ENTITLEMENT_KINDS",
    "Audience",
    "Change",
    "EventPage",
    "EventService",
    "Outcome",
    "Viewer",
]


class EventService:
    def __init__(
        self,
        records: EventRecords,
        *,
        clock: Callable[[], datetime] = utc_now,
        agency_policy: Mapping[str, frozenset[str]] = DEFAULT_AGENCY_POLICY,
        is_location: LocationCheck = is_locode,
    ) -> None:
        self.records = records
        self.clock = clock
        self.publishing = EventPublisher(records, clock=clock, is_location=is_location)
        self.visibility = EventVisibility(records, agency_policy)
        self.reading = EventReading(records, self.visibility)

    # publishing
    def publish(
        self,
        items: Sequence[Event],
        *,
        publisher: str,
        related: Sequence[tuple[str, str]] = (),
        related_each: Sequence[Sequence[tuple[str, str]]] | None = None,
    ) -> list[Outcome]:
        return self.publishing.publish(
            items, publisher=publisher, related=related, related_each=related_each
        )

    def publish_v2(self, body: bytes, *, publisher: str) -> list[Outcome]:
        return self.publishing.publish_v2(body, publisher=publisher)

    def publish_v3(self, body: bytes, *, publisher: str) -> v3.PostEventsResponse:
        return self.publishing.publish_v3(body, publisher=publisher)

    def retract(self, event_id: str, *, publisher: str) -> bool:
        return self.publishing.retract(event_id, publisher=publisher)

    def entitle(self, party_id: str, kind: str, value: str) -> None:
        self.publishing.entitle(party_id, kind, value)

    def entitle_many(self, grants: Iterable[tuple[str, str, str]]) -> None:
        self.publishing.entitle_many(grants)

    def may_grant(self, party_id: str, kind: str, value: str) -> bool:
        return self.publishing.may_grant(party_id, kind, value)

    # reading
    def query(self, query: EventQuery, viewer: Viewer, *, v2_only: bool = True) -> EventPage:
        return self.reading.query(query, viewer, v2_only=v2_only)

    def get(self, event_id: str, viewer: Viewer) -> Event | None:
        return self.reading.get(event_id, viewer)

    def timeline(self, kind: str, value: str, viewer: Viewer) -> list[Event]:
        return self.reading.timeline(kind, value, viewer)

    def changes_after(self, seq: int, limit: int = 500) -> list[Change]:
        return self.reading.changes_after(seq, limit)

    def newest_seq(self) -> int:
        return self.reading.newest_seq()

    # visibility
    def audience(self, event_id: str) -> Audience | None:
        return self.visibility.audience(event_id)
