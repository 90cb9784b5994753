"""The TNT 2.2 subscription API over HTTP, and callbacks from the worker loop: the secret only
goes in, signatures verified with an independent HMAC, visibility kept."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from typing import Any

import msgspec
from dcsa_world import SUBSCRIPTION_SCHEMA, World, fresh, schema_errors
from tnt_samples import container

from tradewindow.logistics.worker import run_worker

SECRET = b"a-shared-secret-of-32-bytes-long"
PATH = "/v2/event-subscriptions"


def secret(raw: bytes = SECRET) -> str:
    return base64.b64encode(raw).decode()


def create(world: World, party: str, **filters: Any) -> Any:
    body = {"callbackUrl": "http://127.0.0.1:9/hook", "secret": secret(), **filters}
    return world.client.post(PATH, json=body, headers=world.auth(party))


def test_lifecycle_create_list_get_update_rotate_delete(world: World) -> None:
    made = create(world, "shipper", eventType=["EQUIPMENT"], carrierBookingReference="BKG-0001")
    assert made.status_code == 201, made.text
    assert made.headers["API-Version"] == "2.2.0"
    subscription = made.json()
    assert "secret" not in subscription
    assert schema_errors(subscription, SUBSCRIPTION_SCHEMA) == []
    url = f"{PATH}/{subscription['subscriptionID']}"
    assert create(world, "shipper").status_code == 201

    first = world.client.get(f"{PATH}?limit=1", headers=world.auth("shipper"))
    assert first.status_code == 200
    assert [s["subscriptionID"] for s in first.json()] == [subscription["subscriptionID"]]
    second = world.client.get(first.headers["Next-Page"], headers=world.auth("shipper"))
    assert len(second.json()) == 1
    assert "Next-Page" not in second.headers
    assert all("secret" not in s for s in first.json() + second.json())

    got = world.client.get(url, headers=world.auth("shipper"))
    assert got.json() == subscription
    assert world.client.get(url, headers=world.auth("stranger")).status_code == 404

    changed = {**subscription, "eventType": ["SHIPMENT"], "carrierBookingReference": "BKG-0002"}
    updated = world.client.put(url, json=changed, headers=world.auth("shipper"))
    assert updated.status_code == 200, updated.text
    assert updated.json()["eventType"] == ["SHIPMENT"]
    with_secret = world.client.put(
        url, json={**changed, "secret": secret()}, headers=world.auth("shipper")
    )
    assert with_secret.status_code == 400  # the secret changes only by rotation
    assert with_secret.headers["API-Version"] == "2.2.0"

    rotated = world.client.put(
        f"{url}/secret", json={"secret": secret(b"x" * 32)}, headers=world.auth("shipper")
    )
    assert rotated.status_code == 204
    assert rotated.headers["API-Version"] == "2.2.0"
    short = world.client.put(
        f"{url}/secret", json={"secret": secret(b"tiny")}, headers=world.auth("shipper")
    )
    assert [v["code"] for v in short.json()["violations"]] == ["TNT.secret.invalid"]

    assert world.client.delete(url, headers=world.auth("shipper")).status_code == 204
    gone = world.client.get(url, headers=world.auth("shipper"))
    assert gone.status_code == 404
    assert gone.headers["API-Version"] == "2.2.0"


def test_bad_subscriptions_are_400_with_every_reason(world: World) -> None:
    refused = world.client.post(
        PATH,
        json={
            "callbackUrl": "http://10.0.0.7/hook",
            "secret": "not base64!",
            "eventType": ["PARCEL"],
        },
        headers=world.auth("shipper"),
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert sorted(v["code"] for v in refused.json()["violations"]) == [
        "TNT.callbackUrl.forbiddenAddress",
        "TNT.query.invalidCode",
        "TNT.secret.invalid",
    ]


def test_callbacks_are_signed_and_carry_only_visible_matching_events(world: World) -> None:
    received: list[tuple[dict[str, str], bytes]] = []

    async def scenario() -> None:
        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode().split("\r\n")[1:]
            headers = {
                k.strip().lower(): v.strip() for k, v in (x.split(":", 1) for x in lines if x)
            }
            body = await reader.readexactly(int(headers["content-length"]))
            received.append((headers, body))
            writer.write(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        hook = f"http://127.0.0.1:{port}/hook"
        for party in ("shipper", "stranger"):
            made = world.client.post(
                PATH,
                json={"callbackUrl": hook, "secret": secret(), "eventType": ["EQUIPMENT"]},
                headers=world.auth(party),
            )
            assert made.status_code == 201
        world.logistics.events.entitle("shipper", "BKG", "BKG-0001")
        seen = fresh("equipment")
        unseen = fresh("equipment", equipment_reference=container(9), document_references=())
        world.publish("terminal", seen, unseen, fresh("transport"))
        await run_worker(world.logistics, None, asyncio.Event(), rounds=3, poll_seconds=0.01)
        server.close()
        received.append(({"subscription": made.json()["subscriptionID"]}, b""))

    asyncio.run(scenario())
    *calls, (marker, _) = received
    assert len(calls) == 1  # the shipper's; the stranger may see nothing, TRANSPORT is filtered
    headers, body = calls[0]
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    assert headers["notification-signature"] == expected
    assert headers["subscription-id"] != marker["subscription"]  # not the stranger's
    assert headers["api-version"] == "2.2.0"
    events = msgspec.json.decode(body)
    assert schema_errors(events) == []
    assert [e["equipmentReference"] for e in events] == ["CSQU3054383"]


NON_GLOBAL = [
    "http://100.100.100.200/latest/meta-data/",  # a cloud metadata service (CGNAT range)
    "http://100.64.0.1/hook",
    "http://[::ffff:100.100.100.200]/hook",
    "http://[2002:a00:1::]/hook",  # 6to4 of 10.0.0.1
]


def test_non_global_callback_urls_are_refused_by_post_and_put(world: World) -> None:
    made = create(world, "shipper").json()
    url = f"{PATH}/{made['subscriptionID']}"
    for callback in NON_GLOBAL:
        posted = world.client.post(
            PATH, json={"callbackUrl": callback, "secret": secret()}, headers=world.auth("shipper")
        )
        put = world.client.put(
            url, json={**made, "callbackUrl": callback}, headers=world.auth("shipper")
        )
        for answer in (posted, put):
            assert answer.status_code == 400, (callback, answer.text)
            assert [v["code"] for v in answer.json()["violations"]] == [
                "TNT.callbackUrl.forbiddenAddress"
            ]
    assert world.client.get(url, headers=world.auth("shipper")).json() == made
