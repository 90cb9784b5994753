"""The paperless last mile: customs decisions become Track & Trace events and gate rights.

When clearance releases, holds or selects goods for inspection, the platform itself publishes
a shipment event for the customs document (``documentTypeCode`` CUS; ``RELS`` released or
``HOLD`` on hold) and, for each known container, the 3.0 equipment event ``CUSR`` (released),
``CUSI`` (selected for inspection) or ``CUSS`` (selected for scan). The decision on each
container is kept: a laden gate-out is allowed only with a release on file
(``logistics.gate_out``). Event IDs derive from the document, decision and container, so telling
the same decision twice publishes nothing twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec

from tradewindow.clock import utc_now
from tradewindow.logistics import gate_out
from tradewindow.logistics.events import EventService, Outcome, Viewer
from tradewindow.logistics.gate_out import CustomsDecision, Decision, GateAlert
from tradewindow.logistics.model import (
    EquipmentEvent,
    Event,
    Location,
    Reference,
    ShipmentEvent,
)

_NAMESPACE = uuid.UUID("5b0e2a8c-3f0e-4d6e-9a55-6c1d0f1b7e21")
CUSTOMS_PARTY = "customs"


class CustomsRuling(msgspec.Struct, frozen=True, kw_only=True):
    """A customs decision on one document and the goods it covers."""

    document_id: str  # e.g. the CBEC inventory list number (invtNo) or declaration number
    decided_at: datetime
    equipment_references: tuple[str, ...] = ()
    carrier_booking_reference: str | None = None
    transport_document_reference: str | None = None
    un_location_code: str | None = None
    reason: str | None = None


class CustomsEvents:
    def __init__(
        self,
        events: EventService,
        *,
        publisher: str = CUSTOMS_PARTY,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.events = events
        self.publisher = publisher
        self.clock = clock

    def released(self, ruling: CustomsRuling) -> list[Outcome]:
        """Shipment event RELS and, per container, CUSR; the containers may gate out."""
        return self.record([(ruling, CustomsDecision.RELEASED)])

    def held(self, ruling: CustomsRuling) -> list[Outcome]:
        """Shipment event HOLD; the containers may not gate out (DCSA has no equipment code
        for a customs hold, so no equipment event)."""
        return self.record([(ruling, CustomsDecision.HELD)])

    def selected_for_inspection(
        self, ruling: CustomsRuling, *, scan: bool = False
    ) -> list[Outcome]:
        """Shipment event HOLD and, per container, CUSI (or CUSS for a scan)."""
        return self.record([(ruling, CustomsDecision.INSPECTION)], scan=scan)

    def may_gate_out(self, equipment_reference: str) -> Decision:
        """Yes only with a customs release on file for the container."""
        on_file = self.events.records.decision_on_file(equipment_reference)
        return gate_out.may_gate_out(on_file, equipment_reference)

    def alerts(self) -> list[GateAlert]:
        """Refused gate-outs, oldest first: what customs must look into."""
        return self.events.records.gate_alerts()

    def record(
        self, rulings: Sequence[tuple[CustomsRuling, CustomsDecision]], *, scan: bool = False
    ) -> list[Outcome]:
        """Many decisions at once (one transaction for the events, one for the gate): what
        ``released``, ``held`` and ``selected_for_inspection`` do for one (``scan``: CUSS
        rather than CUSI). The outcomes of every event made, in order."""
        made: list[Event] = []
        related: list[list[tuple[str, str]]] = []
        counts: list[int] = []
        for ruling, decision in rulings:
            shipment_code, equipment_code = _CODES[decision]
            if scan and decision is CustomsDecision.INSPECTION:
                equipment_code = "CUSS"
            events = self._events_of(ruling, shipment_code, equipment_code)
            made.extend(events)
            related.extend([_links(ruling)] * len(events))
            counts.append(len(events))
        outcomes = self.events.publish(made, publisher=self.publisher, related_each=related)
        kept: list[tuple[str, str, str, datetime]] = []
        position = 0
        for (ruling, decision), count in zip(rulings, counts, strict=True):
            mine = outcomes[position : position + count]
            position += count
            if all(o.status != "rejected" for o in mine):
                kept.extend(
                    (container, decision.value, ruling.document_id, ruling.decided_at)
                    for container in ruling.equipment_references
                )
        self.events.records.record_decisions(kept)
        return outcomes

    def _events_of(
        self, ruling: CustomsRuling, shipment_code: str, equipment_code: str | None
    ) -> list[Event]:
        now = self.clock()
        made: list[Event] = [
            ShipmentEvent(
                event_id=_event_id(ruling.document_id, shipment_code, ""),
                event_created_date_time=now,
                event_date_time=ruling.decided_at,
                event_classifier_code="ACT",
                shipment_event_type_code=shipment_code,
                document_id=ruling.document_id,
                document_type_code="CUS",
                reason=ruling.reason,
                references=tuple(
                    Reference(reference_type="EQ", reference_value=container)
                    for container in ruling.equipment_references
                ),
            )
        ]
        location = (
            Location(un_location_code=ruling.un_location_code) if ruling.un_location_code else None
        )
        if equipment_code is not None:
            made.extend(
                EquipmentEvent(
                    event_id=_event_id(ruling.document_id, equipment_code, container),
                    event_created_date_time=now,
                    event_date_time=ruling.decided_at,
                    event_classifier_code="ACT",
                    equipment_event_type_code=equipment_code,
                    equipment_reference=container,
                    empty_indicator_code="LADEN",
                    event_location=location,
                )
                for container in ruling.equipment_references
            )
        return made


# decision → (shipment event code, equipment event code)
_CODES: dict[CustomsDecision, tuple[str, str | None]] = {
    CustomsDecision.RELEASED: ("RELS", "CUSR"),
    CustomsDecision.HELD: ("HOLD", None),
    CustomsDecision.INSPECTION: ("HOLD", "CUSI"),
}


def _links(ruling: CustomsRuling) -> list[tuple[str, str]]:
    return [
        (kind, value)
        for kind, value in (
            ("BKG", ruling.carrier_booking_reference),
            ("TRD", ruling.transport_document_reference),
        )
        if value
    ]


def _event_id(document_id: str, code: str, container: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{document_id}|{code}|{container}"))


def timeline(
    events: EventService,
    viewer: Viewer,
    *,
    booking: str | None = None,
    transport_document: str | None = None,
    equipment: str | None = None,
) -> list[Event]:
    """Everything the viewer may see about one booking, transport document or container, in
    the order it happened; holds and inspections included."""
    chosen = [
        (k, v) for k, v in (("BKG", booking), ("TRD", transport_document), ("EQ", equipment)) if v
    ]
    if len(chosen) != 1:
        raise ValueError("a timeline is of exactly one booking, transport document or container")
    kind, value = chosen[0]
    return events.timeline(kind, value, viewer)
