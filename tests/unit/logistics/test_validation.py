"""One test per event rule, named after it; each asserts the exact codes it reports."""

from __future__ import annotations

from datetime import timedelta

from tnt_samples import NOW, call, equipment, shipment, transport

from tradewindow.logistics.model import DocumentReference, Location, Reference, Vessel
from tradewindow.logistics.validation import validate_event


def codes(event: object) -> list[str]:
    return [v.code for v in validate_event(event, now=NOW)]  # type: ignore[arg-type]


def test_sample_events_are_valid() -> None:
    assert codes(shipment()) == []
    assert codes(transport()) == []
    assert codes(equipment()) == []


def test_classifier_must_be_act_pln_or_est() -> None:
    assert codes(shipment(event_classifier_code="REQ")) == ["TNT.eventClassifierCode.invalid"]


def test_event_type_code_must_belong_to_the_event_type() -> None:
    assert codes(shipment(shipment_event_type_code="GTIN")) == ["TNT.shipmentEventTypeCode.invalid"]
    assert codes(transport(transport_event_type_code="LOAD")) == [
        "TNT.transportEventTypeCode.invalid"
    ]
    assert codes(equipment(equipment_event_type_code="ARRI")) == [
        "TNT.equipmentEventTypeCode.invalid"
    ]


def test_3_0_customs_codes_are_equipment_codes() -> None:
    for code in ("CUSR", "CUSI", "CUSS"):
        assert codes(equipment(equipment_event_type_code=code)) == []


def test_document_type_must_be_a_dcsa_code() -> None:
    assert codes(shipment(document_type_code="XYZ")) == ["TNT.documentTypeCode.invalid"]


def test_equipment_reference_check_digit() -> None:
    assert codes(equipment(equipment_reference="CSQU3054384")) == [
        "TNT.equipmentReference.checkDigit"
    ]


def test_equipment_reference_category() -> None:
    assert codes(equipment(equipment_reference="CSQX3054383")) == [
        "TNT.equipmentReference.category"
    ]


def test_equipment_reference_shape() -> None:
    assert codes(equipment(equipment_reference="CSQU305438")) == ["TNT.equipmentReference.shape"]


def test_eq_references_are_checked_too() -> None:
    found = validate_event(
        equipment(references=(Reference(reference_type="EQ", reference_value="CSQU3054384"),)),
        now=NOW,
    )
    assert [(v.path, v.code) for v in found] == [
        ("references[0].referenceValue", "TNT.equipmentReference.checkDigit")
    ]


def test_iso_equipment_code_must_be_on_the_iso_6346_list() -> None:
    assert codes(equipment(iso_equipment_code="22G1")) == []
    assert codes(equipment(iso_equipment_code="45GP")) == []  # a type group
    assert codes(equipment(iso_equipment_code="99X9")) == ["TNT.ISOEquipmentCode.unknown"]


def test_empty_indicator_must_be_empty_or_laden() -> None:
    assert codes(equipment(empty_indicator_code="FULL")) == ["TNT.emptyIndicatorCode.invalid"]


def test_imo_number_check_digit() -> None:
    event = transport(transport_call=call(vessel=Vessel(vessel_imo_number="9074728")))
    found = validate_event(event, now=NOW)
    assert [(v.path, v.code) for v in found] == [
        ("transportCall.vessel.vesselIMONumber", "TNT.vesselIMONumber.checkDigit")
    ]


def test_un_location_codes_must_exist() -> None:
    event = equipment(
        transport_call=call(un_location_code="CNXXQ"),
        event_location=Location(un_location_code="ZZZZZ"),
    )
    found = validate_event(event, now=NOW)
    assert [(v.path, v.code) for v in found] == [
        ("transportCall.UNLocationCode", "TNT.UNLocationCode.unknown"),
        ("eventLocation.UNLocationCode", "TNT.UNLocationCode.unknown"),
    ]


def test_times_need_a_time_zone() -> None:
    naive = NOW.replace(tzinfo=None)
    assert codes(shipment(event_date_time=naive)) == ["TNT.eventDateTime.noTimeZone"]


def test_created_in_the_future_is_refused() -> None:
    later = NOW + timedelta(hours=1)
    assert codes(transport(event_created_date_time=later, event_date_time=NOW)) == [
        "TNT.eventCreatedDateTime.future"
    ]


def test_actual_event_cannot_be_in_the_future() -> None:
    assert codes(transport(event_date_time=NOW + timedelta(hours=2))) == [
        "TNT.eventDateTime.actualInFuture"
    ]


def test_planned_event_may_be_in_the_future() -> None:
    assert (
        codes(transport(event_classifier_code="PLN", event_date_time=NOW + timedelta(days=3))) == []
    )


def test_actual_event_cannot_happen_after_it_was_reported() -> None:
    event = transport(event_created_date_time=NOW - timedelta(hours=2), event_date_time=NOW)
    assert codes(event) == ["TNT.eventDateTime.afterCreated"]


def test_clock_skew_of_a_few_minutes_is_tolerated() -> None:
    assert codes(transport(event_date_time=NOW + timedelta(minutes=4))) == []


def test_every_violation_is_reported_at_once() -> None:
    event = equipment(
        event_classifier_code="XXX",
        equipment_event_type_code="ZZZZ",
        equipment_reference="CSQU3054384",
        iso_equipment_code="99X9",
        transport_call=call(vessel=Vessel(vessel_imo_number="1234568"), un_location_code="ZZZZZ"),
    )
    found = validate_event(event, now=NOW)
    assert len(found) == 6
    assert all(v.en and v.zh for v in found)


def test_lengths_within_schema() -> None:
    """The TNT 2.2 maxLength of each property; found by fuzzing PostgreSQL (a 6-character
    carrierServiceCode made the whole bulk fail on its varchar(5) column)."""
    assert codes(transport(transport_call=call(carrier_service_code="FE1234"))) == [
        "TNT.carrierServiceCode.tooLong"
    ]
    assert codes(transport(transport_call=call(carrier_service_code="FE123"))) == []
    long_reference = Reference(reference_type="FF", reference_value="R" * 101)
    assert codes(shipment(references=(long_reference,))) == ["TNT.referenceValue.tooLong"]
    found = validate_event(shipment(references=(long_reference,)), now=NOW)
    assert [v.path for v in found] == ["references[0].referenceValue"]


def test_document_references_valid() -> None:
    """Found by fuzzing PostgreSQL: a documentReferenceType of 5 characters broke the bulk."""
    wrong = DocumentReference(document_reference_type="00000", document_reference_value="B-1")
    assert codes(transport(document_references=(wrong,))) == ["TNT.documentReferenceType.invalid"]
