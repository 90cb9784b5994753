"""Bad input never gets a 500: unreadable bodies on every JSON route, NUL and control
characters anywhere, duplicate keys in a signed body, huge page numbers, ids and cursors —
each a coded 400 / 404 / 413 / 422 problem, on SQLite and PostgreSQL, and nothing stored."""

from __future__ import annotations

import base64
from typing import Any

from api_world import World, decoded

import builders
from tradewindow.formats import ceb_json, ceb_xml

DEEP = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
UNREADABLE = {
    "deep object": (DEEP, "json.too_deep"),
    "deep array": (b"[" * 100_000 + b"]" * 100_000, "json.too_deep"),
    "invalid UTF-8": (b'{"agent": "\xff\xfe"}', "json.encoding"),
    "GBK": ('{"agent": "湾区优选"}'.encode("gbk"), "json.encoding"),
    "byte-order mark": (b'\xef\xbb\xbf{"agent": "x"}', "json.encoding"),
    "NUL": (b'{"agent": "a\\u0000b", "scope": ["CEB621"]}', "json.character"),
    "control character": (b'{"decision": "release", "reason": "\\u001b[31m"}', "json.character"),
    "duplicate key": (b'{"decision": "release", "decision": "return"}', "json.duplicate_key"),
    "NaN": (b'{"agent": NaN}', "json.number"),
    "truncated": (b'{"agent": ', "json.malformed"),
}
JSON_ROUTES = [  # (path, party, method)
    ("/v1/parties/commissions", "enterprise", "POST"),
    ("/v2/event-subscriptions", "platform", "POST"),
    ("/v2/event-subscriptions/some-id", "platform", "PUT"),
    ("/v2/event-subscriptions/some-id/secret", "platform", "PUT"),
    ("/v1/lastmile/followers", "platform", "POST"),
    ("/v1/agency/tasks/1/decision", "gacc-guangdong", "POST"),
    ("/v1/oauth/token", None, "POST"),  # public: refused before any client is looked up
]


def send(
    db_world: World, method: str, path: str, party: str | None, body: bytes, **headers: str
) -> Any:
    sent = {"Content-Type": "application/json", "Idempotency-Key": db_world.key(), **headers}
    if party is not None:
        sent.update(db_world.auth(party))
    return db_world.client.request(method, path, content=body, headers=sent)


def problem(response: Any, status: int | tuple[int, ...]) -> dict[str, Any]:
    wanted = status if isinstance(status, tuple) else (status,)
    assert response.status_code in wanted, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    found: dict[str, Any] = decoded(response)
    assert found["code"], found
    assert found["violations"], found
    return found


def test_every_json_route_refuses_unreadable_bodies_with_a_coded_400(db_world: World) -> None:
    wrong = []
    for path, party, method in JSON_ROUTES:
        for name, (body, code) in UNREADABLE.items():
            response = send(db_world, method, path, party, body)
            if response.status_code != 400 or decoded(response)["code"] != code:
                wrong.append((path, name, response.status_code, response.text[:200]))
    assert not wrong


def test_a_declared_charset_other_than_utf8_is_refused(db_world: World) -> None:
    body = b'{"agent": "broker", "scope": ["CEB621"]}'
    response = send(
        db_world, "POST", "/v1/parties/commissions", "enterprise", body,
        **{"Content-Type": "application/json; charset=GBK"},
    )  # fmt: skip
    assert problem(response, 400)["code"] == "json.encoding"


def test_cbec_messages_refuse_unreadable_json_as_ceb900(db_world: World) -> None:
    for body, code in UNREADABLE.values():
        found = problem(db_world.post_json("platform", body), 422)
        assert found["code"] == f"CEB900.{code}"


def filings(db_world: World, party: str) -> list[dict[str, Any]]:
    listed = db_world.client.get("/v1/cbec/filings", headers=db_world.auth(party))
    assert listed.status_code == 200, listed.text
    items: list[dict[str, Any]] = decoded(listed)["items"]
    return items


def test_a_nul_in_a_filed_message_is_refused_with_its_path_and_nothing_is_stored(
    db_world: World,
) -> None:
    poisoned = builders.order_message(builders.order(buyer_name="王\x00小明"))
    found = problem(db_world.post_json("platform", poisoned), 422)
    assert [(v["path"], v["code"]) for v in found["violations"]] == [
        ("Order[1]/OrderHead/buyerName", "CEB900.json.character")
    ]
    assert filings(db_world, "platform") == []


def test_one_bad_message_of_a_bulk_costs_the_others_nothing(db_world: World) -> None:
    good = ceb_json.write_message(builders.order_message())
    bad = ceb_json.write_message(
        builders.order_message(builders.order(order_no="SO-NUL", buyer_name="a\x01"))
    )
    duplicated = good.replace(b'"guid":', b'"guid":"X","guid":', 1)
    response = db_world.post_json(
        "platform", b'{"messages": [' + b",".join([bad, good, duplicated]) + b"]}"
    )
    assert response.status_code == 200, response.text
    items = decoded(response)["items"]
    assert [i["status"] for i in items] == [422, 201, 422]
    assert items[0]["problem"]["code"] == "CEB900.json.character"
    assert items[2]["problem"]["code"] == "CEB900.json.duplicate_key"
    assert [f["key"] for f in filings(db_world, "platform")] == [
        f"{builders.EBP_CODE}|{builders.ORDER_NO}"
    ]


def test_a_bulk_whose_own_members_repeat_is_refused_whole(db_world: World) -> None:
    good = ceb_json.write_message(builders.order_message())
    body = b'{"messages": [' + good + b'], "messages": []}'
    found = problem(db_world.post_json("platform", body), 422)
    assert found["code"] == "CEB900.json.duplicate_key"
    assert filings(db_world, "platform") == []


def test_duplicate_keys_in_a_signed_list_are_refused_before_anything_is_filed(
    db_world: World,
) -> None:
    parcel = builders.import_set()
    *companions, inventory = parcel.messages
    for party, message in zip(("platform", "payer", "carrier"), companions, strict=True):
        assert db_world.post_json(party, message).status_code == 201
    body = ceb_json.write_message(inventory)
    # a second copCode: one parser would read the broker's own code, another a stranger's
    twice = body.replace(b'"copCode":', b'"copCode":"4403980099","copCode":', 1)
    found = problem(db_world.post_json("broker", twice), 422)  # signed over exactly these bytes
    assert found["code"] == "CEB900.json.duplicate_key"
    assert found["violations"][0]["path"] == "BaseTransfer/copCode"
    assert filings(db_world, "broker") == []


UNREADABLE_URLS = [
    "/v1/cbec/messages/a%00b/receipts",
    "/v1/cbec/filings/order/%00",
    "/v1/cbec/tax-bills/%01",
    "/v1/parties/commissions/%00",
    "/v2/events/a%00b",
    "/v2/event-subscriptions/%00",
    "/v2/events?carrierBookingReference=%00",
    "/v2/events?equipmentReference=a%1bb",
    "/v1/lastmile/timeline?booking=%00",
    "/v1/cbec/filings?kind=%00",
    "/v1/agency/notices?filing=%00",
    "/api/v1/lookup/hs?q=%00",
]


def test_nul_and_controls_in_paths_and_queries_are_refused(db_world: World) -> None:
    for url in UNREADABLE_URLS:
        for party in ("platform", "gacc-guangdong"):
            response = db_world.client.get(url, headers=db_world.auth(party))
            assert problem(response, 400)["code"] == "text.character", url


HUGE_NUMBERS = [
    ("/v1/agency/tasks?page=99999999999999999999", "gacc-guangdong", 400),
    ("/v1/agency/tasks?size=99999999999999999999", "gacc-guangdong", 400),
    ("/v1/agency/notices?page=99999999999999999999", "gacc-guangdong", 400),
    ("/v1/agency/tasks/99999999999999999999", "gacc-guangdong", 404),
    ("/v1/agency/notices/-99999999999999999999", "gacc-guangdong", 404),
    ("/v1/cbec/filings?limit=99999999999999999999", "platform", 400),
    ("/v2/events?limit=99999999999999999999", "platform", 400),
    ("/v2/event-subscriptions?limit=99999999999999999999", "platform", 400),
    ("/api/v1/lookup/hs?q=milk&limit=99999999999999999999", "platform", 400),
]


def test_huge_numbers_are_refused_not_overflowed(db_world: World) -> None:
    for url, party, status in HUGE_NUMBERS:
        problem(db_world.client.get(url, headers=db_world.auth(party)), status)


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


FOREIGN_CURSORS = [
    ("/v1/cbec/filings?cursor=" + cursor("f99999999999999999999"), "http.cursor_invalid"),
    ("/v1/cbec/filings?cursor=" + cursor("f-1"), "http.cursor_invalid"),
    ("/v1/cbec/filings?cursor=%E4%B8%AD", "http.cursor_invalid"),
    (
        "/v2/event-subscriptions?cursor=" + cursor("offset=99999999999999999999"),
        "TNT.query.invalidCursor",
    ),
    (
        "/v2/events?cursor=" + cursor('{"after":99999999999999999999,"query":"x"}'),
        "TNT.query.invalidCursor",
    ),
    ("/v2/events?cursor=" + cursor('{"after":1e999,"query":"x"}'), "TNT.query.invalidCursor"),
]


def test_huge_or_foreign_cursors_are_refused(db_world: World) -> None:
    for url, code in FOREIGN_CURSORS:
        response = db_world.client.get(url, headers=db_world.auth("platform"))
        assert problem(response, (400, 422))["code"] == code, url


def test_oauth_token_refuses_bad_input_before_looking_up_any_client(db_world: World) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    for body, headers, code in [
        (DEEP, {}, "json.too_deep"),
        (b'{"grant_type": "client_credentials", "client_id": "a\\u0000"}', {}, "json.character"),
        (b"grant_type=client_credentials&client_id=a%00b", form, "text.character"),
        (
            b"grant_type=client_credentials",
            {**form, "Authorization": "Basic " + base64.b64encode(b"a\x00b:secret").decode()},
            "text.character",
        ),
    ]:
        response = send(db_world, "POST", "/v1/oauth/token", None, body, **headers)
        assert problem(response, 400)["code"] == code, body[:80]


def test_a_ceb_message_declared_in_another_charset_is_refused_before_it_is_read(
    db_world: World,
) -> None:
    order = ceb_json.write_message(builders.order_message())
    gbk = {"Content-Type": "application/json; charset=GBK"}
    found = problem(db_world.post_json("platform", order, headers=gbk), 422)
    assert found["code"] == "CEB900.json.encoding"
    xml = ceb_xml.write_message(builders.order_message())
    for content_type, body in [
        ("application/xml; charset=GB18030", xml),
        ("application/xml", xml.replace(b'encoding="UTF-8"', b'encoding="GBK"')),
    ]:
        sent = {**db_world.auth("platform"), "Content-Type": content_type}
        response = db_world.client.post("/v1/cbec/messages", content=body, headers=sent)
        assert problem(response, 422)["code"] == "CEB900.xml.encoding"
    assert filings(db_world, "platform") == []
