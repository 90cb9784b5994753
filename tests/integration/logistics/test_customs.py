"""The paperless last mile: customs events, the gate-out decision and the timeline."""

from __future__ import annotations

from datetime import timedelta

from tnt_samples import CONTAINER, NOW, container, equipment

from tradewindow.logistics.customs import CustomsEvents, CustomsRuling, timeline
from tradewindow.logistics.events import EventService, Viewer
from tradewindow.logistics.model import EquipmentEvent, ShipmentEvent

TERMINAL = Viewer(party_id="terminal-ytn")
SHIPPER = Viewer(party_id="shipper-1")
SECOND = container(42)


def ruling(**overrides: object) -> CustomsRuling:
    values: dict[str, object] = {
        "document_id": "INVT-5141-2025-000001",
        "decided_at": NOW - timedelta(minutes=10),
        "equipment_references": (CONTAINER, SECOND),
        "carrier_booking_reference": "BKG-0001",
        "un_location_code": "CNYTN",
    }
    values.update(overrides)
    return CustomsRuling(**values)  # type: ignore[arg-type]


def gate_out(event_id: str, reference: str = CONTAINER) -> EquipmentEvent:
    return equipment(
        event_id=event_id,
        equipment_event_type_code="GTOT",
        equipment_reference=reference,
        event_date_time=NOW - timedelta(minutes=1),
    )


def test_release_publishes_rels_and_cusr_and_opens_the_gate(service: EventService) -> None:
    customs = CustomsEvents(service, clock=lambda: NOW)
    assert not customs.may_gate_out(CONTAINER).allowed
    outcomes = customs.released(ruling())
    assert [o.status for o in outcomes] == ["stored", "stored", "stored"]
    decision = customs.may_gate_out(CONTAINER)
    assert decision.allowed
    assert decision.document_id == "INVT-5141-2025-000001"
    assert [o.status for o in customs.released(ruling())] == ["duplicate"] * 3  # told twice
    [outcome] = service.publish([gate_out("g1")], publisher=TERMINAL.party_id)
    assert outcome.status == "stored"


def test_gate_out_without_release_is_refused_and_alerts_customs(service: EventService) -> None:
    customs = CustomsEvents(service, clock=lambda: NOW)
    [outcome] = service.publish([gate_out("g2")], publisher=TERMINAL.party_id)
    assert outcome.status == "rejected"
    assert [v.code for v in outcome.violations] == ["TNT.gateOut.notReleased"]
    [alert] = customs.alerts()
    assert (alert.equipment_reference, alert.event_id, alert.publisher, alert.reason) == (
        CONTAINER,
        "g2",
        "terminal-ytn",
        "none",
    )
    # an empty container or a planned gate-out needs no release
    empty = equipment(event_id="g3", equipment_event_type_code="GTOT", empty_indicator_code="EMPTY")
    planned = equipment(
        event_id="g4", equipment_event_type_code="GTOT", event_classifier_code="PLN"
    )
    assert [o.status for o in service.publish([empty, planned], publisher="t")] == ["stored"] * 2


def test_held_and_inspected_containers_stay(service: EventService) -> None:
    customs = CustomsEvents(service, clock=lambda: NOW)
    customs.selected_for_inspection(ruling(equipment_references=(SECOND,)))
    decision = customs.may_gate_out(SECOND)
    assert (decision.allowed, decision.customs) == (False, "inspection")
    [outcome] = service.publish([gate_out("g5", SECOND)], publisher=TERMINAL.party_id)
    assert [v.code for v in outcome.violations] == ["TNT.gateOut.notReleased"]
    assert customs.alerts()[0].reason == "inspection"
    customs.released(ruling(equipment_references=(SECOND,), decided_at=NOW - timedelta(minutes=5)))
    assert customs.may_gate_out(SECOND).allowed


def test_timeline_shows_holds_and_releases_in_order_to_entitled_parties(
    service: EventService,
) -> None:
    customs = CustomsEvents(service, clock=lambda: NOW)
    service.publish(
        [
            equipment(
                event_id="disc",
                equipment_event_type_code="DISC",
                event_date_time=NOW - timedelta(hours=3),
            )
        ],
        publisher=TERMINAL.party_id,
    )
    customs.selected_for_inspection(ruling(decided_at=NOW - timedelta(hours=2)), scan=True)
    customs.released(ruling(document_id="INVT-2", decided_at=NOW - timedelta(hours=1)))
    service.entitle(SHIPPER.party_id, "BKG", "BKG-0001")
    service.entitle(TERMINAL.party_id, "EQ", CONTAINER)

    by_container = timeline(service, TERMINAL, equipment=CONTAINER)
    assert [_code(e) for e in by_container] == ["DISC", "HOLD", "CUSS", "RELS", "CUSR"]
    by_booking = timeline(service, SHIPPER, booking="BKG-0001")
    # the booking covers both containers: each gets its customs equipment events
    assert [_code(e) for e in by_booking] == [
        "DISC",
        "HOLD",
        "CUSS",
        "CUSS",
        "RELS",
        "CUSR",
        "CUSR",
    ]
    assert timeline(service, Viewer(party_id="nobody"), equipment=CONTAINER) == []


def _code(event: object) -> str:
    if isinstance(event, ShipmentEvent):
        return event.shipment_event_type_code
    assert isinstance(event, EquipmentEvent)
    return event.equipment_event_type_code
