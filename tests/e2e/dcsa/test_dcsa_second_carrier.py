"""A second carrier cannot make itself a follower of another's shipment: publishing one
event that names the first publisher's container does not make it a party to it, so it can
neither follow it nor let a third party follow it, and no logistics route then shows it the
first publisher's events. The first publisher still shares as before."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from dcsa_world import World, fresh
from tnt_samples import CONTAINER

THEIRS = "terminal-disc-1"
MINE = "line-gtin-1"


def test_a_second_carrier_naming_anothers_container_sees_none_of_its_events(
    world: World,
) -> None:
    world.publish(
        "terminal",
        fresh(
            "equipment",
            event_id=THEIRS,
            equipment_reference=CONTAINER,
            equipment_event_type_code="DISC",
        ),
    )
    world.publish(
        "line",
        fresh(
            "equipment",
            event_id=MINE,
            equipment_reference=CONTAINER,
            equipment_event_type_code="GTIN",
        ),
    )
    for parties in (["line"], ["stranger"]):
        grant = {"kind": "EQ", "value": CONTAINER, "parties": parties}
        answer = world.client.post("/v1/lastmile/followers", json=grant, headers=world.auth("line"))
        assert answer.status_code == 404, answer.text
        assert answer.json()["code"] == "lastmile.followers.unknown_reference"

    schema = world.client.get("/schema/openapi.json").json()
    walked = []
    for path, operations in schema["paths"].items():
        if "get" not in operations or not path.startswith(("/v2/", "/v1/lastmile")):
            continue
        if path.endswith("/stream"):
            continue  # Server-Sent Events: the same query and visibility as /v2/events
        url = re.sub(r"{event_id}", quote(THEIRS), path)
        url = re.sub(r"{\w+}", "unknown", url)
        query = {
            "/v2/events": f"equipmentReference={CONTAINER}",
            "/v1/lastmile/timeline": f"equipment={CONTAINER}",
            "/v1/lastmile/gate-out": f"equipment={CONTAINER}",
        }.get(path)
        for target in (url, f"{url}?{query}") if query else (url,):
            for party in ("line", "stranger"):
                response = world.client.get(target, headers=world.auth(party))
                walked.append((party, target))
                text = response.text
                if response.headers["content-type"].startswith("application/problem+json"):
                    problem = response.json()
                    assert response.status_code in (400, 403, 404), (target, text)
                    del problem["instance"]  # the caller's own URL, echoed
                    text = json.dumps(problem)
                assert THEIRS not in text, (party, target, text)
    assert {"/v2/events", "/v2/events/theirs", "/v1/lastmile/timeline"} <= {
        t.split("?")[0].replace(quote(THEIRS), "theirs") for _, t in walked
    }
    own = world.client.get(f"/v2/events?equipmentReference={CONTAINER}", headers=world.auth("line"))
    assert [e["eventID"] for e in own.json()] == [MINE]  # its own event, nothing more

    # the first publisher is a party to its container and still shares it
    grant = {"kind": "EQ", "value": CONTAINER, "parties": ["shipper"]}
    shared = world.client.post("/v1/lastmile/followers", json=grant, headers=world.auth("terminal"))
    assert shared.status_code == 200
