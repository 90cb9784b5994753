"""Publishing events with bad input, on SQLite and PostgreSQL: one unreadable event (a NUL,
a control character, a duplicate member) is rejected alone and the others are stored; a body
that cannot be read as a whole is one coded 400; nothing reaches storage that it refuses."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dcsa_world import World, body, fresh


def post(db_world: World, path: str, data: bytes) -> Any:
    headers = {**db_world.auth("terminal"), "Content-Type": "application/json"}
    return db_world.client.post(path, content=data, headers=headers)


def three_events() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(
        body(fresh("equipment"), fresh("equipment"), fresh("equipment"))
    )
    return events


def test_one_unreadable_event_is_rejected_alone_and_the_others_are_stored(db_world: World) -> None:
    events = three_events()
    events[1]["equipmentReference"] = "APZU\u00004896307"
    twice = b'"eventClassifierCode":"PLN","eventClassifierCode":'
    data = json.dumps(events).encode().replace(b'"eventClassifierCode":', twice, 1)
    answer = post(db_world, "/v2/events", data).json()
    assert [o["status"] for o in answer["outcomes"]] == ["rejected", "rejected", "stored"]
    assert [(v["path"], v["code"]) for o in answer["outcomes"] for v in o["violations"]] == [
        ("$[0].eventClassifierCode", "json.duplicate_key"),
        ("$[1].equipmentReference", "json.character"),
    ]
    stored = db_world.events("terminal").json()
    assert [e["eventID"] for e in stored] == [events[2]["eventID"]]


def v3_event(event_id: str) -> dict[str, Any]:
    at = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    return {
        "eventID": event_id,
        "eventDateTime": at,
        "eventUpdatedDateTime": at,
        "eventClassification": {
            "eventTypeCode": "EQUIPMENT",
            "eventClassifierCode": "ACT",
            "equipmentEventTypeCode": "GTIN",
        },
        "equipmentDetails": {"equipmentReference": "APZU4812090", "emptyIndicatorCode": "LADEN"},
        "eventLocation": {"UNLocationCode": "CNYTN"},
    }


def test_v3_gives_feedback_for_the_unreadable_event_and_takes_the_others(db_world: World) -> None:
    events = [v3_event("v3-a\u001bb"), v3_event("v3-ok")]
    response = post(db_world, "/v3/events", json.dumps({"events": events}).encode())
    assert response.status_code == 200, response.text
    assert [
        (f["propertyPath"], f["message"][:16]) for f in response.json()["feedbackElements"]
    ] == [("$.events[0].eventID", "[json.character]")]
    assert db_world.logistics.events.audience("v3-ok") is not None


@pytest.mark.parametrize("path", ["/v2/events", "/v3/events"])
def test_a_body_unreadable_as_a_whole_is_one_coded_400(db_world: World, path: str) -> None:
    wrap = (lambda d: d) if path == "/v2/events" else (lambda d: b'{"events": ' + d + b"}")
    for data, code in [
        (b"[" * 10_000 + b"]" * 10_000, "json.too_deep"),
        ('[{"eventID": "中"}]'.encode("gbk"), "json.encoding"),
        (b"[{}", "json.malformed"),
    ]:
        response = post(db_world, path, wrap(data))
        assert response.status_code == 400, response.text
        assert response.json()["code"] == code
    assert db_world.events("terminal").json() == []
