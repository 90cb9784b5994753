"""GET /v2/events in the DCSA conformance style: every answer valid against the TNT 2.2 schema
shipped in ``logistics/specs``, each filter and combinations, cursor pages with the spec's
headers, bad requests 400 problem+json, and API-Version on every answer."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from dcsa_world import World, body, fresh, schema_errors
from tnt_samples import call, container

from tradewindow.logistics.model import DocumentReference, Vessel

TERMINAL_CALL = "CALL-YTN-001"
OTHER_IMO = "9321483"  # a real IMO number (valid check digit)


def stocked(world: World) -> dict[str, str]:
    """Events of two calls by the terminal and the line; ids by name."""
    made = {
        "arrival": fresh("transport"),
        "departure": fresh(
            "transport",
            transport_event_type_code="DEPA",
            transport_call=call(
                transport_call_id="CALL-SHK-002",
                un_location_code="CNSHK",
                carrier_service_code="AE7",
                export_voyage_number="0912E",
                vessel=Vessel(vessel_imo_number=OTHER_IMO),
            ),
            document_references=(),
        ),
        "load": fresh("equipment"),
        "gate_in": fresh(
            "equipment",
            equipment_event_type_code="GTIN",
            equipment_reference=container(7),
            document_references=(
                DocumentReference(document_reference_type="TRD", document_reference_value="TRD-9"),
            ),
        ),
        "booking": fresh("shipment"),
        "draft_bl": fresh(
            "shipment",
            shipment_event_type_code="DRFT",
            document_type_code="TRD",
            document_id="TRD-0001",
        ),
    }
    world.publish("terminal", made["arrival"], made["departure"], made["load"], made["gate_in"])
    world.publish("line", made["booking"], made["draft_bl"])
    return {name: event.event_id or "" for name, event in made.items()}


def ids(response: Any) -> set[str]:
    return {event["eventID"] for event in response.json()}


def test_every_answer_is_valid_against_the_spec_and_carries_api_version(world: World) -> None:
    stocked(world)
    response = world.events(CUSTOMS := "gacc-guangdong")
    assert response.status_code == 200
    assert response.headers["API-Version"] == "2.2.0"
    assert len(response.json()) == 6
    assert schema_errors(response.json()) == []
    assert response.headers["Current-Page"].endswith("/v2/events")
    assert "Next-Page" not in response.headers
    del CUSTOMS


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?eventType=TRANSPORT", {"arrival", "departure"}),
        ("?eventType=SHIPMENT,EQUIPMENT", {"load", "gate_in", "booking", "draft_bl"}),
        (
            "?eventType=SHIPMENT&eventType=TRANSPORT",
            {"arrival", "departure", "booking", "draft_bl"},
        ),
        ("?shipmentEventTypeCode=DRFT", {"draft_bl"}),
        ("?shipmentEventTypeCode=DRFT,CONF", {"draft_bl", "booking"}),
        ("?documentTypeCode=BKG", {"booking"}),
        ("?transportEventTypeCode=DEPA", {"departure"}),
        ("?equipmentEventTypeCode=GTIN", {"gate_in"}),
        ("?carrierBookingReference=BKG-0001", {"arrival", "load", "booking"}),
        ("?bookingReference=BKG-0001", {"arrival", "load", "booking"}),
        ("?transportDocumentReference=TRD-0001", {"load", "draft_bl"}),
        ("?transportCallID=CALL-SHK-002", {"departure"}),
        (f"?vesselIMONumber={OTHER_IMO}", {"departure"}),
        ("?exportVoyageNumber=2411W", {"arrival", "load", "gate_in"}),
        ("?carrierVoyageNumber=0912E", {"departure"}),
        ("?carrierServiceCode=AE7", {"departure"}),
        ("?UNLocationCode=CNSHK", {"departure"}),
        (f"?equipmentReference={container(7)}", {"gate_in"}),
        ("?eventType=EQUIPMENT&transportDocumentReference=TRD-9", {"gate_in"}),
        ("?eventType=TRANSPORT&UNLocationCode=CNYTN", {"arrival"}),
        ("?carrierBookingReference=BKG-0001&eventType=SHIPMENT,EQUIPMENT", {"load", "booking"}),
        ("?transportCallID=CALL-YTN-001&equipmentEventTypeCode=LOAD,GTIN", {"load", "gate_in"}),
        ("?carrierBookingReference=NOPE", set()),
    ],
)
def test_each_filter_and_combination(world: World, query: str, expected: set[str]) -> None:
    made = stocked(world)
    response = world.events("gacc-guangdong", query)
    assert response.status_code == 200, response.text
    assert response.headers["API-Version"] == "2.2.0"
    assert schema_errors(response.json()) == []
    assert ids(response) == {made[name] for name in expected}


def test_event_created_date_time_operators(world: World) -> None:
    stocked(world)
    stamp = world.events("gacc-guangdong").json()[0]["eventCreatedDateTime"]
    quoted = stamp.replace("+", "%2B")
    for operator, count in (("gte", 6), ("gt", 0), ("lte", 6), ("lt", 0), ("eq", 6)):
        response = world.events("gacc-guangdong", f"?eventCreatedDateTime:{operator}={quoted}")
        assert response.status_code == 200, response.text
        assert len(response.json()) == count, operator
    assert len(world.events("gacc-guangdong", f"?eventCreatedDateTime={quoted}").json()) == 6


def test_cursor_pages_walk_every_event_once_with_the_spec_headers(world: World) -> None:
    stocked(world)
    seen: list[str] = []
    response = world.events("gacc-guangdong", "?limit=4")
    assert "First-Page" not in response.headers
    seen += [e["eventID"] for e in response.json()]
    following = response.headers["Next-Page"]
    assert "limit=4" in following
    assert "cursor=" in following
    second = world.client.get(following, headers=world.auth("gacc-guangdong"))
    assert second.status_code == 200
    assert second.headers["API-Version"] == "2.2.0"
    assert second.headers["Current-Page"] == following
    assert second.headers["First-Page"].endswith("/v2/events?limit=4")
    assert "Next-Page" not in second.headers
    seen += [e["eventID"] for e in second.json()]
    assert len(seen) == len(set(seen)) == 6


def test_visibility_each_party_sees_its_own_and_what_it_is_entitled_to(world: World) -> None:
    made = stocked(world)
    assert ids(world.events("stranger")) == set()
    assert ids(world.events("line")) == {made["booking"], made["draft_bl"]}
    world.logistics.events.entitle("shipper", "BKG", "BKG-0001")
    assert ids(world.events("shipper")) == {made["arrival"], made["load"], made["booking"]}
    one = world.client.get(f"/v2/events/{made['load']}", headers=world.auth("shipper"))
    assert one.status_code == 200
    assert one.json()["eventID"] == made["load"]
    hidden = world.client.get(f"/v2/events/{made['gate_in']}", headers=world.auth("shipper"))
    assert hidden.status_code == 404
    assert hidden.headers["API-Version"] == "2.2.0"


def problem_of(response: Any, status: int = 400) -> list[str]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["API-Version"] == "2.2.0"
    return [v["code"] for v in response.json()["violations"]]


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("?eventType=PARCEL", ["TNT.query.invalidCode"]),
        ("?equipmentEventTypeCode=GTXX", ["TNT.query.invalidCode"]),
        ("?shipmentEventTypeCode=DRFT&equipmentEventTypeCode=GTIN", ["TNT.query.contradictory"]),
        ("?eventType=SHIPMENT&transportCallID=CALL-1", ["TNT.query.contradictory"]),
        ("?vesselIMONumber=9074728", ["TNT.query.invalidValue"]),
        ("?UNLocationCode=CNYTNX", ["TNT.query.invalidValue"]),
        ("?eventCreatedDateTime:near=2025-01-01T00:00:00Z", ["TNT.query.invalidOperator"]),
        ("?eventCreatedDateTime:gte=yesterday", ["TNT.query.invalidDateTime"]),
        (
            "?eventCreatedDateTime:gt=2025-02-01T00:00:00Z&eventCreatedDateTime:lt=2025-01-01T00:00:00Z",
            ["TNT.query.contradictory"],
        ),
        ("?limit=0", ["TNT.query.invalidLimit"]),
        ("?cursor=forged", ["TNT.query.invalidCursor"]),
        ("?colour=blue", ["TNT.query.unknownParameter"]),
        ("?eventType=PARCEL&limit=5000", ["TNT.query.invalidCode", "TNT.query.invalidLimit"]),
    ],
)
def test_bad_requests_are_400_problems_with_every_reason(
    world: World, query: str, codes: list[str]
) -> None:
    assert problem_of(world.events("terminal", query)) == codes


def test_a_cursor_is_bound_to_its_query_and_viewer(world: World) -> None:
    stocked(world)
    following = world.events("gacc-guangdong", "?limit=2").headers["Next-Page"]
    cursor = following.split("cursor=")[1]
    other = world.events("gacc-guangdong", f"?limit=2&eventType=SHIPMENT&cursor={cursor}")
    assert problem_of(other) == ["TNT.query.invalidCursor"]


def test_unauthenticated_is_401_problem_with_api_version(world: World) -> None:
    response = world.client.get("/v2/events")
    assert problem_of(response, 401) == ["auth.unauthenticated"]


def test_the_schema_check_itself_refuses_what_2_2_does_not_define() -> None:

    valid = msgspec.json.decode(body(fresh("equipment")))
    assert schema_errors(valid) == []
    valid[0]["equipmentEventTypeCode"] = "CUSR"  # a 3.0 code: never in a /v2/events answer
    assert schema_errors(valid) != []
