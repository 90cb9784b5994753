"""Fuzzing event publishing through HTTP on SQLite and PostgreSQL: any text in any field of
one event of a bulk. The answer is 200 with an outcome per event (or a coded 400 for a body
unreadable as a whole), never a 500; the untouched event is judged on its own."""

from __future__ import annotations

import json

from dcsa_world import World, body, fresh
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_edits import with_string

_texts = st.text(max_size=40) | st.sampled_from(
    ["\x00", "APZU\x004896307", "\ud800", "\ufffe", "a" * 5000, "𠀀" * 40, "-1",
     "99999999999999999999", "2026-02-30T25:00:00Z", "CNYTN", ""]
)  # fmt: skip


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["shipment", "transport", "equipment"]), st.integers(0), _texts, st.booleans()
)
def test_fuzz_any_text_in_any_field_of_a_published_event(
    db_world: World, kind: str, which: int, text: str, ascii_only: bool
) -> None:
    events = json.loads(body(fresh(kind), fresh("equipment")))
    with_string(events[0], which, text)
    data = json.dumps(events, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    headers = {**db_world.auth("terminal"), "Content-Type": "application/json"}
    response = db_world.client.post("/v2/events", content=data, headers=headers)
    assert response.status_code in (200, 400), response.text[:500]
    if response.status_code == 400:  # only text that is not UTF-8 spoils the whole body
        assert response.json()["code"] == "json.encoding"
        return
    outcomes = response.json()["outcomes"]
    assert [o["index"] for o in outcomes] == [0, 1]
    assert outcomes[1]["status"] in ("stored", "duplicate", "superseded"), outcomes[1]
    for outcome in outcomes:
        assert all(v["code"] and v["en"] and v["zh"] for v in outcome["violations"])
