"""The event store: publish (2.2 events or the 3.0 ``POST /events`` body), query with every
filter of ``GET /v2/events``, visibility per viewer, timelines, and the change feed the relay
to the bus reads.

Visibility (deny by default): a party sees the events it published, and the events that
reference a call, container, booking or transport document it is entitled to
(``entitle``: a carrier or terminal for its calls and equipment, an enterprise for the
shipments it is party to); an agency sees the event types its policy grants. Nobody else.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

import msgspec
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    delete,
    exists,
    false,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite

from tradewindow.clock import utc_now
from tradewindow.formats import cursors, strict_json
from tradewindow.logistics import codes, gate_out, v3
from tradewindow.logistics.filters import EventFacts, EventQuery, facts
from tradewindow.logistics.model import Event, decode_event, decode_raw_list, encode
from tradewindow.logistics.tables import entitlements, event_refs, events
from tradewindow.logistics.validation import LocationCheck, validate_event
from tradewindow.reference.locode import is_locode
from tradewindow.violations import Rejected, Violation

ENTITLEMENT_KINDS = ("CALL", "EQ", "BKG", "TRD")
# agency → event types it may see; customs sees every event at its ports
DEFAULT_AGENCY_POLICY: Mapping[str, frozenset[str]] = {"customs": frozenset(codes.EventType)}
_V2_CODES = codes.SHIPMENT_CODES_V2 | codes.TRANSPORT_CODES_V2 | codes.EQUIPMENT_CODES_V2


class Viewer(msgspec.Struct, frozen=True, kw_only=True):
    party_id: str
    roles: frozenset[str] = frozenset()
    agency: str | None = None


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """What became of one published event: ``stored``, ``superseded`` (a later version
    replaced the stored one), ``duplicate``, ``stale`` (an older version, ignored),
    ``retracted`` or ``rejected`` (with its violations)."""

    index: int
    event_id: str | None
    status: str
    violations: tuple[Violation, ...] = ()


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the change feed: the newest version (or retraction) of an event."""

    seq: int
    event_id: str
    publisher: str
    retracted: bool
    body: bytes


class Audience(msgspec.Struct, frozen=True, kw_only=True):
    seq: int  # of the version on file
    parties: frozenset[str]
    agencies: frozenset[str]

    def admits(self, party_id: str, agency: str | None) -> bool:
        return party_id in self.parties or (agency is not None and agency in self.agencies)


class EventPage(msgspec.Struct, frozen=True, kw_only=True):
    events: list[Event]
    next_cursor: str | None


class EventService:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] = utc_now,
        agency_policy: Mapping[str, frozenset[str]] = DEFAULT_AGENCY_POLICY,
        is_location: LocationCheck = is_locode,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.agency_policy = agency_policy
        self.is_location = is_location

    # --- publishing ---------------------------------------------------------------------

    def publish(
        self,
        items: Sequence[Event],
        *,
        publisher: str,
        related: Sequence[tuple[str, str]] = (),
        related_each: Sequence[Sequence[tuple[str, str]]] | None = None,
    ) -> list[Outcome]:
        """Store events in one transaction; every event gets an outcome, in order.

        ``related`` adds references (kind, value) to every event of the call, for links the
        events cannot carry themselves (a customs document's booking, say); ``related_each``
        gives each event its own (one sequence per event, in order).
        """
        now = self.clock()
        outcomes: list[Outcome] = []
        with self.engine.begin() as connection:
            self._serialise_writers(connection)
            ids = [e.event_id for e in items if e.event_id is not None]
            stored = self._stored_versions(connection, ids)
            on_file = set(stored)
            writes = _Writes()
            for index, event in enumerate(items):
                if event.event_id is None:  # 2.2 makes eventID optional: assign one
                    event = msgspec.structs.replace(event, event_id=str(uuid.uuid4()))
                outcome = self._publish_one(
                    connection,
                    index,
                    event,
                    publisher,
                    related if related_each is None else related_each[index],
                    stored,
                    now,
                    writes,
                )
                outcomes.append(outcome)
            writes.flush(connection, on_file)
        return outcomes

    def _publish_one(
        self,
        connection: Connection,
        index: int,
        event: Event,
        publisher: str,
        related: Sequence[tuple[str, str]],
        stored: dict[str, tuple[str, datetime, bytes]],
        now: datetime,
        writes: _Writes,
    ) -> Outcome:
        event_id = event.event_id or ""
        violations = validate_event(event, now=now, is_location=self.is_location)
        if violations:
            return Outcome(
                index=index, event_id=event_id, status="rejected", violations=tuple(violations)
            )
        body = encode(event)
        status = "stored"
        if event_id in stored:
            owner, created, old_body = stored[event_id]
            if owner != publisher:
                return Outcome(
                    index=index,
                    event_id=event_id,
                    status="rejected",
                    violations=(_taken(event_id),),
                )
            if body == old_body:
                return Outcome(index=index, event_id=event_id, status="duplicate")
            if event.event_created_date_time <= created:
                return Outcome(index=index, event_id=event_id, status="stale")
            status = "superseded"
        refused = gate_out.refuse_unreleased_gate_out(connection, event, event_id, publisher, now)
        if refused:
            return Outcome(
                index=index, event_id=event_id, status="rejected", violations=tuple(refused)
            )
        writes.add(event_id, event, body, publisher, related, now)
        stored[event_id] = (publisher, event.event_created_date_time, body)
        return Outcome(index=index, event_id=event_id, status=status)

    def publish_v2(self, body: bytes, *, publisher: str) -> list[Outcome]:
        """A JSON array of 2.2 events; an item that does not fit the schema is rejected
        alone (``TNT.event.schema``) and the others go on. Paths are ``$[i].…``."""
        decoded: list[tuple[int, Event]] = []
        failed: list[Outcome] = []
        try:
            raws = decode_raw_list(body)
        except strict_json.JsonRefused as refused:
            raise _shapeless(refused) from None
        for index, raw in enumerate(raws):
            try:
                decoded.append((index, decode_event(raw)))
            except (msgspec.DecodeError, strict_json.JsonRefused) as error:
                failed.append(
                    Outcome(
                        index=index,
                        event_id=None,
                        status="rejected",
                        violations=(_unreadable(error),),
                    )
                )
        published = self.publish([e for _, e in decoded], publisher=publisher)
        outcomes = [
            msgspec.structs.replace(o, index=decoded[o.index][0]) for o in published
        ] + failed
        return [_at_index(o) for o in sorted(outcomes, key=lambda o: o.index)]

    def publish_v3(self, body: bytes, *, publisher: str) -> v3.PostEventsResponse:
        """The 3.0 ``POST /events``: events accepted one by one; a ``feedbackElement`` for
        each refused or ignored one, its ``propertyPath`` naming the event
        (``$.events[2].equipmentDetails.equipmentReference``)."""
        try:
            raws = v3.split_request(body)
        except strict_json.JsonRefused as refused:
            raise _shapeless(refused) from None
        feedback: list[v3.FeedbackElement] = []
        accepted: list[tuple[int, Event]] = []
        for index, raw in enumerate(raws):
            try:
                event = v3.decode_event(raw)
            except (msgspec.DecodeError, strict_json.JsonRefused) as error:
                feedback.extend(v3.feedback(index, [_unreadable(error)]))
                continue
            if event.is_retracted and event.event_id is not None:
                self.retract(event.event_id, publisher=publisher)
                continue
            converted, violations = v3.to_v2(event)
            if converted is None:
                feedback.extend(v3.feedback(index, violations))
            else:
                accepted.append((index, converted))
        for outcome in self.publish([e for _, e in accepted], publisher=publisher):
            index = accepted[outcome.index][0]
            if outcome.status == "rejected":
                feedback.extend(v3.feedback(index, list(outcome.violations)))
            elif outcome.status == "stale":
                feedback.append(
                    v3.FeedbackElement(
                        severity="WARN",
                        message="a newer version of this eventID is stored; ignored",
                        property_path=f"$.events[{index}].eventUpdatedDateTime",
                    )
                )
        return v3.PostEventsResponse(feedback_elements=tuple(feedback))

    def retract(self, event_id: str, *, publisher: str) -> bool:
        """Withdraw an event (3.0 ``isRetracted``): it leaves every query and the change feed
        carries the retraction. False when the publisher has no such event."""
        with self.engine.begin() as connection:
            self._serialise_writers(connection)
            row = connection.execute(
                select(events).where(events.c.event_id == event_id, events.c.publisher == publisher)
            ).first()
            if row is None:
                return False
            values = dict(row._mapping)
            del values["seq"]  # a new seq: the retraction is a change the feed must carry
            values.update(retracted=True, received_at=self.clock())
            connection.execute(delete(events).where(events.c.event_id == event_id))
            connection.execute(insert(events).values(**values))
        return True

    def entitle(self, party_id: str, kind: str, value: str) -> None:
        """Let ``party_id`` see events of a call (CALL), container (EQ), booking (BKG) or
        transport document (TRD)."""
        self.entitle_many([(party_id, kind, value)])

    def entitle_many(self, grants: Iterable[tuple[str, str, str]]) -> None:
        """:meth:`entitle` for many (party, kind, value) at once, in one transaction; grants
        already on file are kept as they are."""
        rows = [
            {"party_id": party_id, "kind": kind, "value": value}
            for party_id, kind, value in sorted(set(grants))
        ]
        for row in rows:
            if row["kind"] not in ENTITLEMENT_KINDS:
                raise ValueError(
                    f"entitlement kind must be one of {ENTITLEMENT_KINDS}, not {row['kind']}"
                )
        if not rows:
            return
        with self.engine.begin() as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            connection.execute(
                dialect.insert(entitlements).on_conflict_do_nothing(
                    index_elements=["party_id", "kind", "value"]
                ),
                rows,
            )

    def may_grant(self, party_id: str, kind: str, value: str) -> bool:
        """Whether ``party_id`` may let others follow this call, container, booking or
        transport document: it is a party to it — the first to publish an event about it
        (a carrier that names another's container afterwards is not), or entitled to it
        (a customs release named it, or that first publisher let it follow)."""
        if kind not in ENTITLEMENT_KINDS:
            return False
        naming = event_refs.join(events, events.c.event_id == event_refs.c.event_id)
        about = (event_refs.c.kind == kind, event_refs.c.value == value)
        first = (
            select(events.c.publisher)
            .select_from(naming)
            .where(*about)
            .order_by(events.c.seq)
            .limit(1)
        )
        follows = select(entitlements.c.party_id).where(
            entitlements.c.party_id == party_id,
            entitlements.c.kind == kind,
            entitlements.c.value == value,
        )
        with self.engine.connect() as connection:
            return (
                connection.execute(first).scalar() == party_id
                or connection.execute(follows).first() is not None
            )

    # --- reading ------------------------------------------------------------------------

    def query(self, query: EventQuery, viewer: Viewer, *, v2_only: bool = True) -> EventPage:
        """One page of events meeting every filter, oldest change first.

        ``v2_only`` keeps to events whose codes TNT 2.2 knows (``GET /v2/events`` answers
        must validate against its schema; CUSR and friends are 3.0 codes)."""
        fingerprint = _fingerprint(query, viewer, v2_only)
        after = _read_cursor(query.cursor, fingerprint) if query.cursor else 0
        conditions = [events.c.seq > after, *self._visible(viewer), *_conditions(query)]
        if v2_only:
            conditions.append(events.c.type_code.in_(sorted(_V2_CODES)))
            conditions.append(
                or_(
                    events.c.document_type_code.is_(None),
                    events.c.document_type_code.in_(sorted(codes.DOCUMENT_TYPES_V2)),
                )
            )
        statement = (
            select(events.c.seq, events.c.body)
            .where(*conditions)
            .order_by(events.c.seq)
            .limit(query.limit + 1)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        page = rows[: query.limit]
        cursor = _write_cursor(page[-1].seq, fingerprint) if len(rows) > query.limit else None
        return EventPage(events=[decode_event(row.body) for row in page], next_cursor=cursor)

    def get(self, event_id: str, viewer: Viewer) -> Event | None:
        statement = select(events.c.body).where(
            events.c.event_id == event_id, *self._visible(viewer)
        )
        with self.engine.connect() as connection:
            body = connection.execute(statement).scalar_one_or_none()
        return None if body is None else decode_event(body)

    def timeline(self, kind: str, value: str, viewer: Viewer) -> list[Event]:
        """Everything the viewer may see about one booking (BKG), transport document (TRD) or
        container (EQ), in the order it happened (eventDateTime, then arrival)."""
        if kind not in ("BKG", "TRD", "EQ"):
            raise ValueError(f"a timeline is of a BKG, TRD or EQ, not {kind}")
        statement = (
            select(events.c.body)
            .where(_has_reference(kind, value), *self._visible(viewer))
            .order_by(events.c.event_datetime, events.c.seq)
        )
        with self.engine.connect() as connection:
            return [decode_event(body) for body in connection.execute(statement).scalars()]

    def changes_after(self, seq: int, limit: int = 500) -> list[Change]:
        """The change feed: newest versions and retractions with ``seq`` beyond ``seq``."""
        statement = (
            select(
                events.c.seq,
                events.c.event_id,
                events.c.publisher,
                events.c.retracted,
                events.c.body,
            )
            .where(events.c.seq > seq)
            .order_by(events.c.seq)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [
                Change(
                    seq=r.seq,
                    event_id=r.event_id,
                    publisher=r.publisher,
                    retracted=r.retracted,
                    body=r.body,
                )
                for r in connection.execute(statement)
            ]

    def audience(self, event_id: str) -> Audience | None:
        """Who may see an event: its publisher, the parties entitled to one of its references
        and the agencies whose policy grants its type. None when there is no such event (or
        it was retracted)."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(events.c.publisher, events.c.event_type, events.c.seq).where(
                    events.c.event_id == event_id, events.c.retracted == false()
                )
            ).first()
            if row is None:
                return None
            parties = connection.execute(
                select(entitlements.c.party_id)
                .select_from(
                    event_refs.join(
                        entitlements,
                        and_(
                            event_refs.c.kind == entitlements.c.kind,
                            event_refs.c.value == entitlements.c.value,
                        ),
                    )
                )
                .where(event_refs.c.event_id == event_id)
            ).scalars()
            entitled = frozenset({row.publisher, *parties})
        agencies = frozenset(
            a for a, types in self.agency_policy.items() if row.event_type in types
        )
        return Audience(seq=row.seq, parties=entitled, agencies=agencies)

    # --- internals ----------------------------------------------------------------------

    def _visible(self, viewer: Viewer) -> list[ColumnElement[bool]]:
        granted = self.agency_policy.get(viewer.agency or "", frozenset())
        if granted == frozenset(codes.EventType):
            return [events.c.retracted == false()]
        entitled = exists(
            select(entitlements.c.party_id)
            .select_from(
                event_refs.join(
                    entitlements,
                    and_(
                        event_refs.c.kind == entitlements.c.kind,
                        event_refs.c.value == entitlements.c.value,
                    ),
                )
            )
            .where(
                event_refs.c.event_id == events.c.event_id,
                entitlements.c.party_id == viewer.party_id,
            )
        )
        allowed = [events.c.publisher == viewer.party_id, entitled]
        if granted:
            allowed.append(events.c.event_type.in_(sorted(granted)))
        return [events.c.retracted == false(), or_(*allowed)]

    @staticmethod
    def _serialise_writers(connection: Connection) -> None:
        # seq must follow commit order or a cursor could skip a row committed late; SQLite's
        # BEGIN IMMEDIATE already serialises writers, PostgreSQL needs the lock
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('tw.logistics'))"))

    @staticmethod
    def _stored_versions(
        connection: Connection, ids: list[str]
    ) -> dict[str, tuple[str, datetime, bytes]]:
        found: dict[str, tuple[str, datetime, bytes]] = {}
        for start in range(0, len(ids), 500):
            rows = connection.execute(
                select(
                    events.c.event_id, events.c.publisher, events.c.event_created, events.c.body
                ).where(events.c.event_id.in_(ids[start : start + 500]))
            )
            for row in rows:
                found[row.event_id] = (row.publisher, row.event_created, row.body)
        return found


class _Writes:
    """The rows one ``publish`` writes, in order, sent as one bulk insert per table: a few
    statements per call instead of four per event."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, object]] = {}
        self.refs: dict[str, list[dict[str, str]]] = {}

    def add(
        self,
        event_id: str,
        event: Event,
        body: bytes,
        publisher: str,
        related: Sequence[tuple[str, str]],
        now: datetime,
    ) -> None:
        known = facts(event)
        self.rows.pop(event_id, None)  # a later version in the same call: it goes last
        self.rows[event_id] = _row(event_id, event, known, body, publisher, now)
        references = set(known.references) | set(related)
        if known.transport_call_id:
            references.add(("CALL", known.transport_call_id))
        self.refs[event_id] = [
            {"event_id": event_id, "kind": k, "value": v} for k, v in sorted(references)
        ]

    def flush(self, connection: Connection, on_file: set[str]) -> None:
        """Replace the versions on file and insert the rest (``seq`` in call order)."""
        replaced = [event_id for event_id in self.rows if event_id in on_file]
        for start in range(0, len(replaced), 500):
            chunk = replaced[start : start + 500]
            connection.execute(delete(events).where(events.c.event_id.in_(chunk)))
            connection.execute(delete(event_refs).where(event_refs.c.event_id.in_(chunk)))
        if self.rows:
            connection.execute(insert(events), list(self.rows.values()))
        refs = [ref for event_id in self.rows for ref in self.refs[event_id]]
        if refs:
            connection.execute(insert(event_refs), refs)


def _row(
    event_id: str, event: Event, known: EventFacts, body: bytes, publisher: str, now: datetime
) -> dict[str, object]:
    return {
        "event_id": event_id,
        "event_type": known.event_type,
        "type_code": known.type_code,
        "classifier": event.event_classifier_code,
        "document_type_code": known.document_type_code,
        "transport_call_id": known.transport_call_id,
        "vessel_imo_number": known.vessel_imo_number,
        "export_voyage_number": known.export_voyage_number,
        "carrier_service_code": known.carrier_service_code,
        "equipment_reference": known.equipment_reference,
        "event_created": event.event_created_date_time,
        "event_datetime": event.event_date_time,
        "publisher": publisher,
        "retracted": False,
        "body": body,
        "received_at": now,
    }


def _has_reference(kind: str, value: str) -> ColumnElement[bool]:
    return exists(
        select(event_refs.c.event_id).where(
            event_refs.c.event_id == events.c.event_id,
            event_refs.c.kind == kind,
            event_refs.c.value == value,
        )
    )


_OPERATORS: dict[str, Callable[[ColumnElement[datetime], datetime], ColumnElement[bool]]] = {
    "gte": lambda column, value: column >= value,
    "gt": lambda column, value: column > value,
    "lte": lambda column, value: column <= value,
    "lt": lambda column, value: column < value,
    "eq": lambda column, value: column == value,
}


def _conditions(query: EventQuery) -> list[ColumnElement[bool]]:
    wanted = query.filter
    found: list[ColumnElement[bool]] = []
    types = wanted.types()
    if types != frozenset(codes.EventType):
        found.append(events.c.event_type.in_(sorted(types)))
    for values in (
        wanted.shipment_event_type_codes,
        wanted.transport_event_type_codes,
        wanted.equipment_event_type_codes,
    ):
        if values:
            found.append(events.c.type_code.in_(values))
    if wanted.document_type_codes:
        found.append(events.c.document_type_code.in_(wanted.document_type_codes))
    for column, value in (
        (events.c.transport_call_id, wanted.transport_call_id),
        (events.c.vessel_imo_number, wanted.vessel_imo_number),
        (events.c.export_voyage_number, wanted.export_voyage_number),
        (events.c.carrier_service_code, wanted.carrier_service_code),
    ):
        if value is not None:
            found.append(column == value)
    for kind, value in (
        ("BKG", wanted.carrier_booking_reference),
        ("TRD", wanted.transport_document_reference),
        ("EQ", wanted.equipment_reference),
        ("LOC", wanted.un_location_code),
    ):
        if value is not None:
            found.append(_has_reference(kind, value))
    for bound in query.created:
        found.append(_OPERATORS[bound.operator](events.c.event_created, bound.value))
    return found


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


def _taken(event_id: str) -> Violation:
    return Violation(
        path="eventID",
        code="TNT.eventID.taken",
        en=f"eventID {event_id} belongs to an event of another publisher",
        zh=f"事件标识 {event_id} 已被其他发布方使用",
    )


def _shapeless(refused: strict_json.JsonRefused) -> Exception:
    """A body that is not the array (2.2) or ``{"events": [...]}`` (3.0) of the spec is the
    schema's refusal, as before; one that is not JSON at all stays ``json.*``."""
    if refused.kind == "structure":
        return Rejected([_schema("$", refused.en)])
    return refused


def _unreadable(error: msgspec.DecodeError | strict_json.JsonRefused) -> Violation:
    """Why one event of a bulk was not read: its JSON refused (``json.*``, a path inside
    the event) or not the schema (``TNT.event.schema``)."""
    if isinstance(error, msgspec.DecodeError):
        return _schema("", str(error))
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.where)
    return Violation(path=path.removeprefix("."), code=error.code, en=error.en, zh=error.zh)


def _schema(path: str, detail: str) -> Violation:
    return Violation(
        path=path,
        code="TNT.event.schema",
        en=f"does not fit the Track & Trace schema: {detail}",
        zh=f"不符合 Track & Trace 数据结构：{detail}",
    )


def _at_index(outcome: Outcome) -> Outcome:
    prefix = f"$[{outcome.index}]"
    violations = tuple(
        msgspec.structs.replace(v, path=f"{prefix}.{v.path}" if v.path else prefix)
        for v in outcome.violations
    )
    return msgspec.structs.replace(outcome, violations=violations)
