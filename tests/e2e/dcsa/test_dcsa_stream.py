"""The live stream (Server-Sent Events) through a real server: a published event arrives,
with the same visibility and filters as GET /v2/events."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from dcsa_world import World, body, fresh
from loopback import serve
from tnt_samples import container


@pytest.fixture
def served(world: World) -> Iterator[str]:
    with serve(world.app, lifespan="off") as url:
        yield url


def first_message(base: str, world: World, party: str, query: str, publish: bytes) -> list[str]:
    """The lines of the first event the stream sends after ``publish`` is posted."""
    with (
        httpx.Client(base_url=base, timeout=10) as client,
        client.stream("GET", f"/v2/events/stream{query}", headers=world.auth(party)) as stream,
    ):
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["API-Version"] == "2.2.0"
        posted = client.post("/v2/events", content=publish, headers=world.auth("terminal"))
        assert posted.json()["rejected"] == 0
        lines: list[str] = []
        for line in stream.iter_lines():
            if not line and any(x.startswith("data:") for x in lines):
                return lines
            if line and not line.startswith((":", "retry:")):
                lines.append(line)
    return lines


def test_a_published_event_reaches_an_entitled_viewer_only(served: str, world: World) -> None:
    world.logistics.events.entitle("shipper", "BKG", "BKG-0001")
    hidden = fresh("equipment", equipment_reference=container(9), document_references=())
    transport = fresh("transport")  # visible to the shipper, but filtered out
    shown = fresh("equipment")
    lines = first_message(
        served, world, "shipper", "?eventType=EQUIPMENT", body(hidden, transport, shown)
    )
    fields = dict(line.split(": ", 1) for line in lines)
    assert fields["event"] == "EQUIPMENT"
    assert fields["id"].isdigit()
    assert f'"eventID":"{shown.event_id}"' in fields["data"]


def test_bad_stream_filters_are_400_problems(served: str, world: World) -> None:
    with httpx.Client(base_url=served, timeout=10) as client:
        bad = client.get("/v2/events/stream?limit=5", headers=world.auth("shipper"))
        assert bad.status_code == 400
        assert bad.headers["API-Version"] == "2.2.0"
        assert bad.json()["code"] == "TNT.query.notForStream"
        code = client.get("/v2/events/stream?eventType=PARCEL", headers=world.auth("shipper"))
        assert code.json()["code"] == "TNT.query.invalidCode"
