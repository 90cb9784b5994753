"""Producers publishing (2.2 bulk, 3.0 with feedbackElements), and the last mile over HTTP:
gate-out question, refused gate-out with its alert for customs, the timeline."""

from __future__ import annotations

from datetime import timedelta

import msgspec
from dcsa_world import World, body, fresh, now
from tnt_samples import CONTAINER

from tradewindow.logistics.customs import CustomsRuling


def test_a_bulk_gets_an_outcome_per_event_and_partial_acceptance(world: World) -> None:
    good = fresh("equipment")
    bad_box = fresh("equipment", equipment_reference="CSQU3054384")  # wrong check digit
    raw = msgspec.json.decode(body(good, bad_box))
    raw.insert(1, {"eventType": "EQUIPMENT", "nonsense": True})
    response = world.client.post(
        "/v2/events", content=msgspec.json.encode(raw), headers=world.auth("terminal")
    )
    assert response.status_code == 200
    assert response.headers["API-Version"] == "2.2.0"
    answer = response.json()
    assert (answer["accepted"], answer["rejected"]) == (1, 2)
    statuses = [(o["index"], o["status"]) for o in answer["outcomes"]]
    assert statuses == [(0, "stored"), (1, "rejected"), (2, "rejected")]
    assert answer["outcomes"][1]["violations"][0]["code"] == "TNT.event.schema"
    assert {v["path"] for v in answer["outcomes"][2]["violations"]} == {"$[2].equipmentReference"}
    again = world.publish("terminal", good)
    assert again["outcomes"][0]["status"] == "duplicate"


def test_publishing_needs_the_publish_events_permission(world: World) -> None:
    refused = world.client.post(
        "/v2/events", content=body(fresh("shipment")), headers=world.auth("shipper")
    )
    assert refused.status_code == 403
    assert refused.headers["API-Version"] == "2.2.0"
    assert refused.json()["code"] == "auth.forbidden"


def test_a_body_that_is_no_array_is_400(world: World) -> None:
    refused = world.client.post("/v2/events", content=b'{"a":1}', headers=world.auth("terminal"))
    assert refused.status_code == 400
    assert refused.json()["code"] == "TNT.event.schema"


def test_v3_post_events_answers_feedback_elements_for_refused_events(world: World) -> None:
    at = (now() - timedelta(seconds=5)).isoformat()
    accepted = {
        "eventID": "v3-ok",
        "eventDateTime": at,
        "eventUpdatedDateTime": at,
        "eventClassification": {
            "eventTypeCode": "EQUIPMENT",
            "eventClassifierCode": "ACT",
            "equipmentEventTypeCode": "GTIN",
        },
        "equipmentDetails": {"equipmentReference": CONTAINER, "emptyIndicatorCode": "LADEN"},
        "eventLocation": {"UNLocationCode": "CNYTN"},
    }
    refused = {
        **accepted,
        "eventID": "v3-bad",
        "equipmentDetails": {"equipmentReference": "CSQU3054384", "emptyIndicatorCode": "LADEN"},
    }
    response = world.client.post(
        "/v3/events", json={"events": [accepted, refused]}, headers=world.auth("terminal")
    )
    assert response.status_code == 200, response.text
    assert response.headers["API-Version"] == "3.0.0"
    [feedback] = response.json()["feedbackElements"]
    assert feedback["severity"] == "ERROR"
    assert feedback["propertyPath"] == "$.events[1].equipmentDetails.equipmentReference"
    assert world.logistics.events.audience("v3-ok") is not None
    assert world.logistics.events.audience("v3-bad") is None
    broken = world.client.post("/v3/events", content=b"[]", headers=world.auth("terminal"))
    assert broken.status_code == 400
    assert broken.headers["API-Version"] == "3.0.0"


def gate_out(event_id: str) -> bytes:
    return body(
        fresh(
            "equipment",
            event_id=event_id,
            equipment_event_type_code="GTOT",
            event_date_time=now() - timedelta(seconds=10),
        )
    )


def test_gate_out_only_after_release_and_refusals_alert_customs(world: World) -> None:
    terminal, customs = world.auth("terminal"), world.auth("gacc-guangdong")
    url = f"/v1/lastmile/gate-out?equipment={CONTAINER}"
    asked = world.client.get(url, headers=terminal).json()
    assert (asked["allowed"], asked["customsDecision"]) == (False, None)
    refused = world.client.post("/v2/events", content=gate_out("g-1"), headers=terminal).json()
    assert refused["outcomes"][0]["violations"][0]["code"] == "TNT.gateOut.notReleased"
    [alert] = world.client.get("/v1/lastmile/alerts", headers=customs).json()
    assert (alert["equipmentReference"], alert["eventID"], alert["publisher"]) == (
        CONTAINER,
        "g-1",
        "terminal",
    )
    assert world.client.get("/v1/lastmile/alerts", headers=terminal).status_code == 403
    assert world.client.get(url, headers=world.auth("shipper")).status_code == 403

    world.logistics.customs.released(
        CustomsRuling(
            document_id="53492026I000000001",
            decided_at=now() - timedelta(minutes=1),
            equipment_references=(CONTAINER,),
            carrier_booking_reference="BKG-0001",
        )
    )
    asked = world.client.get(url, headers=terminal).json()
    assert (asked["allowed"], asked["documentId"]) == (True, "53492026I000000001")
    passed = world.client.post("/v2/events", content=gate_out("g-2"), headers=terminal).json()
    assert passed["outcomes"][0]["status"] == "stored"

    world.logistics.events.entitle("shipper", "BKG", "BKG-0001")
    line = world.client.get("/v1/lastmile/timeline?booking=BKG-0001", headers=world.auth("shipper"))
    kinds = [e.get("shipmentEventTypeCode") or e.get("equipmentEventTypeCode") for e in line.json()]
    assert kinds == ["RELS", "CUSR", "GTOT"]  # in the order it happened; CUSR is a 3.0 code
    nobody = world.client.get(
        "/v1/lastmile/timeline?booking=BKG-0001", headers=world.auth("stranger")
    )
    assert nobody.json() == []
    both = world.client.get(
        f"/v1/lastmile/timeline?booking=BKG-0001&equipment={CONTAINER}", headers=terminal
    )
    assert both.status_code == 400
    assert both.json()["code"] == "lastmile.timeline.reference"


def test_a_publisher_lets_the_parties_to_a_shipment_follow_it(world: World) -> None:
    terminal = world.auth("terminal")
    event = fresh("equipment", equipment_reference=CONTAINER, equipment_event_type_code="DISC")
    world.publish("terminal", event)
    url = f"/v2/events?equipmentReference={CONTAINER}"
    assert world.client.get(url, headers=world.auth("shipper")).json() == []

    grant = {"kind": "EQ", "value": CONTAINER, "parties": ["shipper"]}
    answer = world.client.post("/v1/lastmile/followers", json=grant, headers=terminal)
    assert answer.status_code == 200
    assert answer.json() == {"kind": "EQ", "value": CONTAINER, "parties": ["shipper"]}
    seen = world.client.get(url, headers=world.auth("shipper")).json()
    assert [e["equipmentEventTypeCode"] for e in seen] == ["DISC"]
    assert world.client.get(url, headers=world.auth("stranger")).json() == []


def test_nobody_shares_what_they_did_not_publish(world: World) -> None:
    world.publish("terminal", fresh("equipment", equipment_reference=CONTAINER))
    grant = {"kind": "EQ", "value": CONTAINER, "parties": ["stranger"]}
    by_line = world.client.post("/v1/lastmile/followers", json=grant, headers=world.auth("line"))
    assert by_line.status_code == 404
    assert by_line.json()["code"] == "lastmile.followers.unknown_reference"
    by_shipper = world.client.post(
        "/v1/lastmile/followers", json=grant, headers=world.auth("shipper")
    )
    assert by_shipper.status_code == 403
    url = f"/v2/events?equipmentReference={CONTAINER}"
    assert world.client.get(url, headers=world.auth("stranger")).json() == []
