"""The 3.0 POST /events body: translation to 2.2 and feedback paths."""

from __future__ import annotations

import msgspec

from tradewindow.logistics import v3
from tradewindow.logistics.model import EquipmentEvent, ShipmentEvent, TransportEvent
from tradewindow.violations import Violation

EQUIPMENT_3_0 = {
    "eventID": "e-1",
    "eventDateTime": "2025-03-14T07:00:00+08:00",
    "eventUpdatedDateTime": "2025-03-14T07:05:00+08:00",
    "eventClassification": {
        "eventTypeCode": "EQUIPMENT",
        "eventClassifierCode": "ACT",
        "equipmentEventTypeCode": "CUSR",
    },
    "eventLocation": {"UNLocationCode": "CNYTN", "facility": {"facilityCode": "YICT"}},
    "equipmentDetails": {
        "equipmentReference": "CSQU3054383",
        "ISOEquipmentCode": "45G1",
        "emptyIndicatorCode": "LADEN",
        "seals": [{"number": "SL1", "type": "BLT", "source": "CUS"}],
    },
    "transportDetails": {
        "transportCall": {
            "transportCallReference": "CALL-1",
            "modeOfTransport": "VESSEL",
            "exportVoyageNumberOrReference": {"carrierVoyageNumber": "2411W"},
            "vesselTransport": {"vesselIMONumber": "9074729", "vesselName": "KENDAL"},
        }
    },
    "shipmentDetails": {"documentReference": {"typeCode": "BKG", "reference": "BKG-1"}},
}


def decode(value: dict[str, object]) -> v3.Event:
    return v3.decode_event(msgspec.json.encode(value))


def test_equipment_event_translates_to_2_2() -> None:
    event, found = v3.to_v2(decode(EQUIPMENT_3_0))
    assert found == []
    assert isinstance(event, EquipmentEvent)
    assert event.equipment_event_type_code == "CUSR"
    assert event.equipment_reference == "CSQU3054383"
    assert event.transport_call is not None
    assert event.transport_call.transport_call_id == "CALL-1"
    assert event.transport_call.export_voyage_number == "2411W"
    assert event.transport_call.vessel is not None
    assert event.transport_call.vessel.vessel_imo_number == "9074729"
    assert event.event_location is not None
    assert event.event_location.facility_code == "YICT"
    assert event.document_references[0].document_reference_value == "BKG-1"
    assert event.seals[0].seal_number == "SL1"
    # the update time orders versions, as eventCreatedDateTime does in 2.2
    assert event.event_created_date_time.isoformat() == "2025-03-14T07:05:00+08:00"


def test_shipment_event_translates_to_2_2() -> None:
    body = {
        "eventID": "s-1",
        "eventDateTime": "2025-03-14T07:00:00Z",
        "eventUpdatedDateTime": "2025-03-14T07:00:00Z",
        "eventClassification": {
            "eventTypeCode": "SHIPMENT",
            "eventClassifierCode": "ACT",
            "shipmentEventTypeCode": "RELS",
        },
        "shipmentDetails": {
            "documentReference": {"typeCode": "TRD", "reference": "TRD-9"},
            "shipmentReferences": [{"typeCode": "EQ", "reference": "CSQU3054383"}],
        },
    }
    event, found = v3.to_v2(decode(body))
    assert found == []
    assert isinstance(event, ShipmentEvent)
    assert (event.document_type_code, event.document_id) == ("TRD", "TRD-9")
    assert event.references[0].reference_value == "CSQU3054383"


def test_transport_event_needs_a_transport_call() -> None:
    body = {
        "eventID": "t-1",
        "eventDateTime": "2025-03-14T07:00:00Z",
        "eventUpdatedDateTime": "2025-03-14T07:00:00Z",
        "eventClassification": {
            "eventTypeCode": "TRANSPORT",
            "eventClassifierCode": "ACT",
            "transportEventTypeCode": "ARRI",
        },
    }
    event, found = v3.to_v2(decode(body))
    assert event is None
    assert [v.code for v in found] == ["TNT.transportCall.missing"]


def test_missing_basics_are_all_reported() -> None:
    event, found = v3.to_v2(decode({"eventClassification": {"eventTypeCode": "IOT"}}))
    assert event is None
    assert [v.code for v in found] == [
        "TNT.eventID.missing",
        "TNT.eventCreatedDateTime.missing",
        "TNT.eventDateTime.missing",
        "TNT.eventClassifierCode.missing",
        "TNT.eventTypeCode.unsupported",
    ]


def test_transport_translation_keeps_location_and_vessel() -> None:
    body = dict(EQUIPMENT_3_0)
    body["eventClassification"] = {
        "eventTypeCode": "TRANSPORT",
        "eventClassifierCode": "EST",
        "transportEventTypeCode": "DEPA",
    }
    event, found = v3.to_v2(decode(body))
    assert found == []
    assert isinstance(event, TransportEvent)
    assert event.transport_call.un_location_code == "CNYTN"


def test_feedback_paths_name_the_3_0_property() -> None:
    violation = Violation(path="transportCall.vessel.vesselIMONumber", code="X", en="e", zh="z")
    [element] = v3.feedback(2, [violation])
    assert element.severity == "ERROR"
    assert element.property_path == (
        "$.events[2].transportDetails.transportCall.vesselTransport.vesselIMONumber"
    )
    assert (
        v3.property_path(0, "equipmentReference")
        == "$.events[0].equipmentDetails.equipmentReference"
    )
    assert v3.property_path(1, "references[0].referenceValue") == (
        "$.events[1].shipmentDetails.shipmentReferences[0].referenceValue"
    )
