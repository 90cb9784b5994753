"""GET /v2/events query parameters: parsing, coded errors and in-memory matching."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tnt_samples import CONTAINER, IMO, equipment, shipment, transport

from tradewindow.logistics.filters import EventFilter, facts, matches, parse_query
from tradewindow.violations import Rejected


def rejected_codes(params: dict[str, str]) -> list[str]:
    with pytest.raises(Rejected) as caught:
        parse_query(params)
    return [v.code for v in caught.value.violations]


def test_lists_are_split_on_commas() -> None:
    query = parse_query({"eventType": "SHIPMENT,EQUIPMENT", "limit": "10"})
    assert query.filter.event_types == ("SHIPMENT", "EQUIPMENT")
    assert query.limit == 10


def test_time_operators() -> None:
    query = parse_query(
        {
            "eventCreatedDateTime:gte": "2025-03-01T00:00:00+08:00",
            "eventCreatedDateTime:lt": "2025-04-01T00:00:00+08:00",
        }
    )
    assert [b.operator for b in query.created] == ["gte", "lt"]
    assert parse_query({"eventCreatedDateTime": "2025-03-01T00:00:00Z"}).created[0].operator == "eq"


def test_invalid_event_type() -> None:
    assert rejected_codes({"eventType": "SHIPMENT,PARCEL"}) == ["TNT.query.invalidCode"]


def test_invalid_codes_of_each_list() -> None:
    assert (
        rejected_codes(
            {
                "shipmentEventTypeCode": "XXXX",
                "documentTypeCode": "ABC",
                "equipmentEventTypeCode": "GATE",
            }
        )
        == ["TNT.query.invalidCode"] * 3
    )


def test_contradictory_type_filters() -> None:
    assert rejected_codes({"shipmentEventTypeCode": "DRFT", "equipmentEventTypeCode": "GTIN"}) == [
        "TNT.query.contradictory"
    ]
    assert rejected_codes({"eventType": "TRANSPORT", "documentTypeCode": "BKG"}) == [
        "TNT.query.contradictory"
    ]
    assert rejected_codes({"shipmentEventTypeCode": "DRFT", "transportCallID": "C1"}) == [
        "TNT.query.contradictory"
    ]


def test_contradictory_time_bounds() -> None:
    assert rejected_codes(
        {
            "eventCreatedDateTime:gt": "2025-03-02T00:00:00Z",
            "eventCreatedDateTime:lte": "2025-03-01T00:00:00Z",
        }
    ) == ["TNT.query.contradictory"]
    # touching bounds are fine when both include the instant
    parse_query(
        {
            "eventCreatedDateTime:gte": "2025-03-01T00:00:00Z",
            "eventCreatedDateTime:lte": "2025-03-01T00:00:00Z",
        }
    )


def test_bad_values_are_all_reported() -> None:
    assert sorted(
        rejected_codes(
            {
                "vesselIMONumber": "9074728",
                "eventCreatedDateTime:between": "x",
                "eventCreatedDateTime:gte": "2025-03-01T00:00:00",
                "limit": "0",
                "colour": "red",
            }
        )
    ) == [
        "TNT.query.invalidDateTime",
        "TNT.query.invalidLimit",
        "TNT.query.invalidOperator",
        "TNT.query.invalidValue",
        "TNT.query.unknownParameter",
    ]


@pytest.mark.parametrize(
    ("wanted", "shipment_hit", "transport_hit", "equipment_hit"),
    [
        (EventFilter(), True, True, True),
        (EventFilter(event_types=("SHIPMENT", "TRANSPORT")), True, True, False),
        (EventFilter(shipment_event_type_codes=("CONF",)), True, False, False),
        (EventFilter(document_type_codes=("TRD",)), False, False, False),
        (EventFilter(transport_event_type_codes=("ARRI", "DEPA")), False, True, False),
        (EventFilter(equipment_event_type_codes=("LOAD",)), False, False, True),
        (EventFilter(carrier_booking_reference="BKG-0001"), True, True, True),
        (EventFilter(transport_document_reference="TRD-0001"), False, False, True),
        (EventFilter(transport_call_id="CALL-YTN-001"), False, True, True),
        (EventFilter(vessel_imo_number=IMO), False, True, True),
        (EventFilter(export_voyage_number="2411W"), False, True, True),
        (EventFilter(carrier_service_code="FE1"), False, True, True),
        (EventFilter(un_location_code="CNYTN"), False, True, True),
        (EventFilter(equipment_reference=CONTAINER), False, False, True),
        (
            EventFilter(carrier_booking_reference="BKG-0001", equipment_reference=CONTAINER),
            False,
            False,
            True,
        ),
        (EventFilter(carrier_service_code="XX9"), False, False, False),
    ],
)
def test_matching(
    wanted: EventFilter, shipment_hit: bool, transport_hit: bool, equipment_hit: bool
) -> None:
    assert matches(wanted, facts(shipment())) is shipment_hit
    assert matches(wanted, facts(transport())) is transport_hit
    assert matches(wanted, facts(equipment())) is equipment_hit


def test_created_bound_values_keep_their_zone() -> None:
    query = parse_query({"eventCreatedDateTime:gt": "2025-03-01T08:00:00+08:00"})
    assert query.created[0].value == datetime(2025, 3, 1, 0, 0, tzinfo=UTC)
