"""Track & Trace 2.2 events for tests: realistic defaults (Shenzhen Yantian, a real IMO number
and a container number with a valid ISO 6346 check digit), any field overridable."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tradewindow.logistics.identifiers import container_check_digit
from tradewindow.logistics.model import (
    DocumentReference,
    EquipmentEvent,
    Location,
    Reference,
    ShipmentEvent,
    TransportCall,
    TransportEvent,
    Vessel,
)

NOW = datetime(2025, 3, 14, 8, 30, tzinfo=UTC)
CONTAINER = "CSQU3054383"
IMO = "9074729"


def container(serial: int, owner: str = "MSK") -> str:
    """A valid ISO 6346 container number for ``serial``."""
    first = f"{owner}U{serial:06d}"
    return first + str(container_check_digit(first))


def call(**overrides: object) -> TransportCall:
    values: dict[str, object] = {
        "transport_call_id": "CALL-YTN-001",
        "mode_of_transport": "VESSEL",
        "carrier_service_code": "FE1",
        "export_voyage_number": "2411W",
        "un_location_code": "CNYTN",
        "vessel": Vessel(vessel_imo_number=IMO, vessel_name="MAERSK KENDAL"),
    }
    values.update(overrides)
    return TransportCall(**values)  # type: ignore[arg-type]


def shipment(**overrides: object) -> ShipmentEvent:
    values: dict[str, object] = {
        "event_id": str(uuid.uuid4()),
        "event_created_date_time": NOW,
        "event_date_time": NOW,
        "event_classifier_code": "ACT",
        "shipment_event_type_code": "CONF",
        "document_id": "BKG-0001",
        "document_type_code": "BKG",
    }
    values.update(overrides)
    return ShipmentEvent(**values)  # type: ignore[arg-type]


def transport(**overrides: object) -> TransportEvent:
    values: dict[str, object] = {
        "event_id": str(uuid.uuid4()),
        "event_created_date_time": NOW,
        "event_date_time": NOW - timedelta(hours=1),
        "event_classifier_code": "ACT",
        "transport_event_type_code": "ARRI",
        "transport_call": call(),
        "document_references": (
            DocumentReference(document_reference_type="BKG", document_reference_value="BKG-0001"),
        ),
    }
    values.update(overrides)
    return TransportEvent(**values)  # type: ignore[arg-type]


def equipment(**overrides: object) -> EquipmentEvent:
    values: dict[str, object] = {
        "event_id": str(uuid.uuid4()),
        "event_created_date_time": NOW,
        "event_date_time": NOW - timedelta(minutes=30),
        "event_classifier_code": "ACT",
        "equipment_event_type_code": "LOAD",
        "equipment_reference": CONTAINER,
        "iso_equipment_code": "22G1",
        "empty_indicator_code": "LADEN",
        "transport_call": call(),
        "event_location": Location(un_location_code="CNYTN"),
        "document_references": (
            DocumentReference(document_reference_type="BKG", document_reference_value="BKG-0001"),
            DocumentReference(document_reference_type="TRD", document_reference_value="TRD-0001"),
        ),
        "references": (Reference(reference_type="FF", reference_value="FWD-77"),),
    }
    values.update(overrides)
    return EquipmentEvent(**values)  # type: ignore[arg-type]
