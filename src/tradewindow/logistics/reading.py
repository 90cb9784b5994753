"""Reading the event store: pages of ``GET /v2/events`` with every filter, one event,
timelines, and the change feed the relay to the bus and the stream read. Every read is cut
by what the viewer may see (:mod:`.visibility`).
"""

from __future__ import annotations

import base64
import hashlib

import msgspec

from tradewindow.formats import cursors
from tradewindow.logistics import codes
from tradewindow.logistics.filters import EventQuery
from tradewindow.logistics.model import Event, decode_event, encode
from tradewindow.logistics.ports import Change, EventRecords, Restriction
from tradewindow.logistics.visibility import EventVisibility, Viewer
from tradewindow.violations import Rejected, Violation

_V2 = Restriction(
    type_codes=codes.SHIPMENT_CODES_V2 | codes.TRANSPORT_CODES_V2 | codes.EQUIPMENT_CODES_V2,
    document_type_codes=frozenset(codes.DOCUMENT_TYPES_V2),
)


class EventPage(msgspec.Struct, frozen=True, kw_only=True):
    events: list[Event]
    next_cursor: str | None


class EventReading:
    def __init__(self, records: EventRecords, visibility: EventVisibility) -> None:
        self.records = records
        self.visibility = visibility

    def query(self, query: EventQuery, viewer: Viewer, *, v2_only: bool = True) -> EventPage:
        """One page of events meeting every filter, oldest change first.

        ``v2_only`` keeps to events whose codes TNT 2.2 knows (``GET /v2/events`` answers
        must validate against its schema; CUSR and friends are 3.0 codes)."""
        fingerprint = _fingerprint(query, viewer, v2_only)
        after = _read_cursor(query.cursor, fingerprint) if query.cursor else 0
        rows = self.records.page(
            query,
            self.visibility.of(viewer),
            after=after,
            limit=query.limit + 1,
            restriction=_V2 if v2_only else None,
        )
        page = rows[: query.limit]
        cursor = _write_cursor(page[-1][0], fingerprint) if len(rows) > query.limit else None
        return EventPage(events=[decode_event(body) for _, body in page], next_cursor=cursor)

    def get(self, event_id: str, viewer: Viewer) -> Event | None:
        body = self.records.body(event_id, self.visibility.of(viewer))
        return None if body is None else decode_event(body)

    def timeline(self, kind: str, value: str, viewer: Viewer) -> list[Event]:
        """Everything the viewer may see about one booking (BKG), transport document (TRD) or
        container (EQ), in the order it happened (eventDateTime, then arrival)."""
        if kind not in ("BKG", "TRD", "EQ"):
            raise ValueError(f"a timeline is of a BKG, TRD or EQ, not {kind}")
        bodies = self.records.timeline(kind, value, self.visibility.of(viewer))
        return [decode_event(body) for body in bodies]

    def changes_after(self, seq: int, limit: int = 500) -> list[Change]:
        """The change feed: newest versions and retractions with ``seq`` beyond ``seq``."""
        return self.records.changes_after(seq, limit)

    def newest_seq(self) -> int:
        """The ``seq`` of the newest change on file (0 when none): where a stream starts."""
        return self.records.newest_seq()


# --- cursors: opaque, bound to the query and viewer they were issued for -------------------


def _fingerprint(query: EventQuery, viewer: Viewer, v2_only: bool) -> str:
    material = encode([query.filter, query.created, viewer.party_id, viewer.agency, v2_only])
    return hashlib.sha256(material).hexdigest()[:16]


def _write_cursor(seq: int, fingerprint: str) -> str:
    raw = encode({"after": seq, "query": fingerprint})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_cursor(cursor: str, fingerprint: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        decoded = msgspec.json.decode(raw, type=dict[str, int | str])
        after, issued_for = decoded["after"], decoded["query"]
    except (ValueError, KeyError, msgspec.DecodeError):
        after, issued_for = -1, ""
    if cursors.position(after) is None or issued_for != fingerprint:
        raise Rejected(
            [
                Violation(
                    path="cursor",
                    code="TNT.query.invalidCursor",
                    en="the cursor is not one this query was given",
                    zh="游标无效或不属于本次查询",
                )
            ]
        )
    assert isinstance(after, int)  # noqa: S101 - cursors.position said so
    return after
