"""Publishing to the event store: 2.2 events or the 3.0 ``POST /events`` body, retractions, and
the entitlements that let a party follow a call, container, booking or transport document.

Each event gets an outcome. One publication is one transaction: the versions on file are read,
every event judged (validation, ownership of its eventID, newer or older than the one on file,
the customs gate for a laden gate-out), and what is kept written at the end in a few bulk
statements.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

import msgspec

from tradewindow.clock import utc_now
from tradewindow.formats import strict_json
from tradewindow.logistics import gate_out, v3
from tradewindow.logistics.filters import facts
from tradewindow.logistics.model import Event, decode_event, decode_raw_list, encode
from tradewindow.logistics.ports import EventRecords, EventRow, StoredVersion
from tradewindow.logistics.validation import LocationCheck, validate_event
from tradewindow.reference.locode import is_locode
from tradewindow.violations import Rejected, Violation

ENTITLEMENT_KINDS = ("CALL", "EQ", "BKG", "TRD")


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """What became of one published event: ``stored``, ``superseded`` (a later version
    replaced the stored one), ``duplicate``, ``stale`` (an older version, ignored),
    ``retracted`` or ``rejected`` (with its violations)."""

    index: int
    event_id: str | None
    status: str
    violations: tuple[Violation, ...] = ()


class EventPublisher:
    def __init__(
        self,
        records: EventRecords,
        *,
        clock: Callable[[], datetime] = utc_now,
        is_location: LocationCheck = is_locode,
    ) -> None:
        self.records = records
        self.clock = clock
        self.is_location = is_location

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
        with self.records.publishing() as transaction:
            stored = transaction.stored_versions(
                [e.event_id for e in items if e.event_id is not None]
            )
            on_file = set(stored)
            rows: dict[str, EventRow] = {}
            for index, event in enumerate(items):
                if event.event_id is None:  # 2.2 makes eventID optional: assign one
                    event = msgspec.structs.replace(event, event_id=str(uuid.uuid4()))
                event_id = event.event_id or ""
                outcome, body = self._judge(index, event, event_id, publisher, stored, now)
                if body is not None:
                    refused = gate_out.refuse_unreleased_gate_out(
                        transaction, event, event_id, publisher, now
                    )
                    if refused:
                        outcome = Outcome(
                            index=index,
                            event_id=event_id,
                            status="rejected",
                            violations=tuple(refused),
                        )
                    else:
                        extra = related if related_each is None else related_each[index]
                        rows.pop(event_id, None)  # a later version in the same call goes last
                        rows[event_id] = _row(event_id, event, body, publisher, extra, now)
                        stored[event_id] = StoredVersion(
                            publisher, event.event_created_date_time, body
                        )
                outcomes.append(outcome)
            transaction.write(list(rows.values()), [i for i in rows if i in on_file])
        return outcomes

    def _judge(
        self,
        index: int,
        event: Event,
        event_id: str,
        publisher: str,
        stored: dict[str, StoredVersion],
        now: datetime,
    ) -> tuple[Outcome, bytes | None]:
        """The outcome of one event before the gate, and its body when it is to be kept."""
        violations = validate_event(event, now=now, is_location=self.is_location)
        if violations:
            return Outcome(
                index=index, event_id=event_id, status="rejected", violations=tuple(violations)
            ), None
        body = encode(event)
        status = "stored"
        if event_id in stored:
            on_file = stored[event_id]
            if on_file.publisher != publisher:
                return Outcome(
                    index=index,
                    event_id=event_id,
                    status="rejected",
                    violations=(_taken(event_id),),
                ), None
            if body == on_file.body:
                return Outcome(index=index, event_id=event_id, status="duplicate"), None
            if event.event_created_date_time <= on_file.created:
                return Outcome(index=index, event_id=event_id, status="stale"), None
            status = "superseded"
        return Outcome(index=index, event_id=event_id, status=status), body

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
        return self.records.retract(event_id, publisher, self.clock())

    def entitle(self, party_id: str, kind: str, value: str) -> None:
        """Let ``party_id`` see events of a call (CALL), container (EQ), booking (BKG) or
        transport document (TRD)."""
        self.entitle_many([(party_id, kind, value)])

    def entitle_many(self, grants: Iterable[tuple[str, str, str]]) -> None:
        """:meth:`entitle` for many (party, kind, value) at once, in one transaction; grants
        already on file are kept as they are."""
        wanted = set(grants)
        for _, kind, _ in wanted:
            if kind not in ENTITLEMENT_KINDS:
                raise ValueError(f"entitlement kind must be one of {ENTITLEMENT_KINDS}, not {kind}")
        self.records.entitle(wanted)

    def may_grant(self, party_id: str, kind: str, value: str) -> bool:
        """Whether ``party_id`` may let others follow this call, container, booking or
        transport document: it is a party to it — the first to publish an event about it
        (a carrier that names another's container afterwards is not), or entitled to it
        (a customs release named it, or that first publisher let it follow)."""
        if kind not in ENTITLEMENT_KINDS:
            return False
        return self.records.first_publisher(kind, value) == party_id or self.records.is_entitled(
            party_id, kind, value
        )


def _row(
    event_id: str,
    event: Event,
    body: bytes,
    publisher: str,
    related: Sequence[tuple[str, str]],
    now: datetime,
) -> EventRow:
    known = facts(event)
    references = set(known.references) | set(related)
    if known.transport_call_id:
        references.add(("CALL", known.transport_call_id))
    return EventRow(
        event_id=event_id,
        event_type=known.event_type,
        type_code=known.type_code,
        classifier=event.event_classifier_code,
        document_type_code=known.document_type_code,
        transport_call_id=known.transport_call_id,
        vessel_imo_number=known.vessel_imo_number,
        export_voyage_number=known.export_voyage_number,
        carrier_service_code=known.carrier_service_code,
        equipment_reference=known.equipment_reference,
        event_created=event.event_created_date_time,
        event_datetime=event.event_date_time,
        publisher=publisher,
        body=body,
        received_at=now,
        references=tuple(sorted(references)),
    )


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
