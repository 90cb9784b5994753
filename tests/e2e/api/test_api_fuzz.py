"""Fuzzing through HTTP, on SQLite and PostgreSQL (where storage is reached): query and path
parameters of every page and API route, any text in any field of a filed CEB message (events:
``tests/e2e/dcsa/test_dcsa_fuzz.py``). Every answer is below 500; every refusal is a coded
problem. Examples are bounded so the suite stays fast."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, urlencode

from api_world import World
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builders
from fuzz_edits import with_string
from tradewindow.formats import ceb_json

FUZZ = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
SKIPPED = ("/static", "/schema", "/v2/events/stream")  # files, the document, an endless stream
_PARAMETER = re.compile(r"\{(\w+):\w+\}")


def get_routes(db_world: World) -> list[str]:
    paths = {
        route.path
        for route in db_world.app.routes
        for handler in getattr(route, "route_handlers", [])
        if "GET" in handler.http_methods
    }
    return sorted(p for p in paths if not p.startswith(SKIPPED))


def coded(response: Any) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
        problem = response.json()
        assert problem["code"], problem
        assert problem["violations"], problem


_values = st.text(max_size=20) | st.sampled_from(
    ["", "1", "0", "-1", "99999999999999999999", "1e999", "NaN", "\x00", "a\x1bb", "\ud800",
     "2026-03-01T10:00:00Z", "2026-02-30", "open", "oldest", "order", "inventory", "x" * 400,
     "ZjE", "ZjEyMw", "eyJhZnRlciI6MX0", "中文", "%00", "../..", "SHIPMENT"]
)  # fmt: skip
_names = st.sampled_from(
    ["page", "size", "limit", "cursor", "status", "kind", "since", "until", "filing", "sort",
     "side", "equipment", "booking", "transportDocument", "q", "country", "port", "n", "after",
     "next", "expired", "signed_out", "eventType", "carrierBookingReference", "UNLocationCode",
     "equipmentReference", "eventCreatedDateTime", "eventCreatedDateTime:gte", "indicators",
     "lang"]
) | st.text(max_size=10)  # fmt: skip


def _quoted(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


@settings(FUZZ, max_examples=150)
@given(
    st.data(),
    st.dictionaries(_names, _values, max_size=4),
    st.sampled_from(["platform", "gacc-guangdong", "broker", None]),
)
def test_fuzz_query_and_path_parameters_of_every_get_route(
    db_world: World, data: st.DataObject, params: dict[str, str], party: str | None
) -> None:
    route = data.draw(st.sampled_from(get_routes(db_world)))
    path = _PARAMETER.sub(lambda _: _quoted(data.draw(_values)) or "x", route)
    query = urlencode(
        [(k.encode("utf-8", "surrogatepass"), v.encode("utf-8", "surrogatepass"))
         for k, v in params.items()]
    )  # fmt: skip
    headers = db_world.auth(party) if party else {}
    coded(db_world.client.get(f"{path}?{query}", headers=headers, follow_redirects=False))


_texts = st.text(max_size=40) | st.sampled_from(
    ["\x00", "王\x00小明", "\ud800", "\ufffe", "a" * 5000, "𠀀" * 40, "'; DROP TABLE x;--",
     "99999999999999999999", "-1", " ", "\u3000"]
)  # fmt: skip
FILERS = ("platform", "payer", "carrier", "broker")


@FUZZ
@given(st.integers(0, 3), st.integers(min_value=0), _texts, st.booleans())
def test_fuzz_any_text_in_any_field_of_a_filed_message(
    db_world: World, kind: int, which: int, text: str, ascii_only: bool
) -> None:
    message = builders.import_set(order_no=f"SO-F-{which}").messages[kind]
    tree = with_string(json.loads(ceb_json.write_message(message)), which, text)
    body = json.dumps(tree, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    coded(db_world.post_json(FILERS[kind], body))
