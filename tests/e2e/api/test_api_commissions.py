"""Commissions over HTTP: the principal grants, lists and revokes, the agent lists what it
holds; and the filing check — a broker's CEB621 for an e-commerce enterprise is accepted with
a live commission and refused without, after revocation, after valid_until, for another scope,
for an unregistered enterprise, or naming another agent; nothing is stored when refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from api_world import World, decoded

import builders
from tradewindow.evidence.recorder import CommissionRecords
from tradewindow.parties.commission_registry import CommissionRegistry
from tradewindow.parties.commissions import GrantCommission

URL = "/v1/parties/commissions"
BROKER_CODE = "4403980099"


def grant(
    world: World, body: dict[str, Any], party: str = "enterprise", key: str | None = None
) -> Any:
    headers = {**world.auth(party), "Idempotency-Key": key or f"grant-{uuid.uuid4()}"}
    return world.client.post(URL, json=body, headers=headers)


def revoke(world: World, commission_id: str, party: str = "enterprise") -> Any:
    return world.client.post(f"{URL}/{commission_id}/revoke", headers=world.auth(party))


def revoke_the_worlds(world: World) -> None:
    assert revoke(world, world.commission_id).status_code == 200


def parcel(number: int) -> builders.ImportSet:
    return builders.import_set(order_no=f"SO-C-{number}", logistics_no=f"SF-C-{number}")


def file_parcel(world: World, parcel_: builders.ImportSet) -> Any:
    """The order, payment and waybill (each accepted), then the broker's list: its answer."""
    *companions, listed = world.file_set(parcel_)
    assert [r.status_code for r in companions] == [201] * 3
    return listed


def refused(response: Any, code: str, path: str = "Inventory[1]/InventoryHead/ebcCode") -> Any:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = decoded(response)
    assert problem["code"] == code
    assert [(v["path"], v["code"]) for v in problem["violations"]] == [(path, code)]
    return problem


def inventory_filings(world: World) -> list[dict[str, Any]]:
    listed = world.client.get("/v1/cbec/filings?kind=inventory", headers=world.auth("broker"))
    items: list[dict[str, Any]] = decoded(listed)["items"]
    return items


# --- the filing check ---------------------------------------------------------------------


def test_a_list_is_accepted_under_a_live_commission(world: World) -> None:
    assert file_parcel(world, parcel(1)).status_code == 201
    assert len(inventory_filings(world)) == 1


def test_without_a_commission_the_list_is_refused_and_nothing_is_stored(world: World) -> None:
    revoke_the_worlds(world)
    one = parcel(1)
    problem = refused(file_parcel(world, one), "auth.not_commissioned")
    assert builders.EBC_CODE in problem["detail"]  # named, in English and Chinese
    assert "有效委托" in problem["violations"][0]["zh"]
    assert inventory_filings(world) == []
    guid = one.messages[3].guid
    receipts = world.client.get(f"/v1/cbec/messages/{guid}/receipts", headers=world.auth("broker"))
    assert receipts.status_code == 404
    accepted = [r for r in world.window.evidence.records() if r.kind == "message_accepted"]
    assert len(accepted) == 3  # the order, payment and waybill; not the list
    # commissioned again, the very same message is accepted: nothing of it was kept
    assert grant(world, {"agent": BROKER_CODE, "scope": ["CEB621"]}).status_code == 201
    again = world.post_json("broker", one.messages[3])
    assert again.status_code == 201, again.text
    assert len(inventory_filings(world)) == 1


def test_a_list_is_refused_once_the_commission_is_revoked(world: World) -> None:
    assert file_parcel(world, parcel(1)).status_code == 201
    revoke_the_worlds(world)
    refused(file_parcel(world, parcel(2)), "auth.not_commissioned")
    assert len(inventory_filings(world)) == 1


def test_a_list_is_refused_after_valid_until(world: World) -> None:
    revoke_the_worlds(world)
    earlier = datetime.now(UTC) - timedelta(days=30)
    registry = CommissionRegistry(
        world.app.state.window.app.store.parties,
        evidence=CommissionRecords(world.window.evidence),
        clock=lambda: earlier,
    )
    lapsed = registry.grant(
        "enterprise",
        GrantCommission(agent="broker", scope=("CEB621",), valid_until=earlier + timedelta(days=1)),
        by="enterprise",
    )
    shown = decoded(world.client.get(f"{URL}/{lapsed.id}", headers=world.auth("broker")))
    assert shown["state"] == "expired"
    refused(file_parcel(world, parcel(1)), "auth.not_commissioned")


def test_a_list_is_refused_before_valid_from(world: World) -> None:
    revoke_the_worlds(world)
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    pending = grant(world, {"agent": "broker", "scope": ["CEB621"], "validFrom": later})
    assert decoded(pending)["state"] == "pending"
    refused(file_parcel(world, parcel(1)), "auth.not_commissioned")


def test_a_commission_for_another_scope_does_not_cover_a_list(world: World) -> None:
    revoke_the_worlds(world)
    assert grant(world, {"agent": "broker", "scope": ["CEB623", "CEB625"]}).status_code == 201
    refused(file_parcel(world, parcel(1)), "auth.not_commissioned")


def test_a_list_for_an_unregistered_enterprise_is_refused(world: World) -> None:
    one = parcel(1)
    listed = builders.inventory_message(
        msgspec.structs.replace(
            one.inventory, head=msgspec.structs.replace(one.inventory.head, ebc_code="4403969999")
        )
    )
    problem = refused(world.post_json("broker", listed), "auth.ebc_unregistered")
    assert "4403969999" in problem["violations"][0]["en"]
    assert "未登记" in problem["violations"][0]["zh"]


def test_a_list_naming_another_agent_is_refused(world: World) -> None:
    one = parcel(1)
    head = msgspec.structs.replace(one.inventory.head, agent_code="4403980011")
    listed = builders.inventory_message(msgspec.structs.replace(one.inventory, head=head))
    path = "Inventory[1]/InventoryHead/agentCode"
    refused(world.post_json("broker", listed), "auth.agent_mismatch", path)


# --- the routes ---------------------------------------------------------------------------


def test_the_principal_grants_lists_and_revokes_and_the_agent_lists_what_it_holds(
    world: World,
) -> None:
    answer = grant(
        world,
        {
            "agent": f"cn.customs:{BROKER_CODE}",
            "scope": ["CEB625"],
            "validUntil": "2099-01-01T00:00:00+08:00",
        },
    )
    assert answer.status_code == 201, answer.text
    made = decoded(answer)
    assert made["principal"] == "enterprise"
    assert made["agent"] == "broker"
    assert made["scope"] == ["CEB625"]
    assert made["validUntil"] == "2098-12-31T16:00:00Z"
    assert made["state"] == "live"
    given = decoded(world.client.get(URL, headers=world.auth("enterprise")))["items"]
    held = decoded(world.client.get(f"{URL}?side=held", headers=world.auth("broker")))["items"]
    assert [c["id"] for c in given] == [c["id"] for c in held] == [world.commission_id, made["id"]]
    assert decoded(world.client.get(URL, headers=world.auth("broker")))["items"] == []
    gone = decoded(revoke(world, made["id"]))
    assert gone["state"] == "revoked"
    assert decoded(revoke(world, made["id"])) == gone  # idempotent
    one = decoded(world.client.get(f"{URL}/{made['id']}", headers=world.auth("broker")))
    assert one == gone
    records = [(r.kind, r.actor) for r in world.window.evidence.records()]
    assert records == [
        ("commission_granted", "enterprise"),  # the world's own
        ("commission_granted", "enterprise"),
        ("commission_revoked", "enterprise"),
    ]


def test_only_the_sides_see_a_commission_and_only_the_principal_revokes_it(
    world: World,
) -> None:
    url = f"{URL}/{world.commission_id}"
    for party in ("other-enterprise", "platform"):
        answer = world.client.get(url, headers=world.auth(party))
        assert answer.status_code == 404
        assert decoded(answer)["code"] == "commission.not_found"
    answer = revoke(world, world.commission_id, "other-enterprise")
    assert answer.status_code == 404
    answer = world.client.get(
        "/v1/parties/commissions/c-000000000000", headers=world.auth("broker")
    )
    assert answer.status_code == 404
    assert decoded(world.client.get(url, headers=world.auth("broker")))["state"] == "live"


def test_only_an_e_commerce_enterprise_may_commission_or_revoke(world: World) -> None:
    for party in ("broker", "platform", "gacc-guangdong"):
        answer = grant(world, {"agent": "broker", "scope": ["CEB621"]}, party)
        assert answer.status_code == 403
        assert decoded(answer)["code"] == "auth.forbidden"
    answer = revoke(world, world.commission_id, "broker")  # the agent cannot revoke it
    assert answer.status_code == 403
    answer = world.client.get(URL, headers=world.auth("gacc-guangdong"))
    assert answer.status_code == 403


def test_a_bad_grant_gets_every_violation_at_once(world: World) -> None:
    answer = grant(
        world,
        {
            "agent": "platform",
            "scope": ["CEB621", "CEB999"],
            "validFrom": "2099-01-01T00:00:00",
            "validUntil": "2098-01-01T00:00:00+08:00",
        },
    )
    assert answer.status_code == 422
    problem = decoded(answer)
    assert problem["code"] == "commission.invalid"
    assert [(v["path"], v["code"]) for v in problem["violations"]] == [
        ("scope[2]", "commission.scope.invalid"),
        ("agent", "commission.agent.role"),
        ("valid_from", "commission.valid_from.naive"),
    ]
    answer = grant(world, {"agent": "4403989999", "scope": []})
    assert [(v["path"], v["code"]) for v in decoded(answer)["violations"]] == [
        ("scope", "commission.scope.missing"),
        ("agent", "commission.agent.unknown"),
    ]
    answer = grant(world, {"scope": ["CEB621"]})  # no agent: not even a command
    assert answer.status_code == 400
    assert [e.kind for e in world.window.evidence.records()] == ["commission_granted"]


def test_a_grant_needs_an_idempotency_key_and_a_retry_registers_nothing_twice(
    world: World,
) -> None:
    body = {"agent": BROKER_CODE, "scope": ["CEB621"]}
    missing = world.client.post(URL, json=body, headers=world.auth("enterprise"))
    assert missing.status_code == 400
    assert missing.json()["code"] == "idempotency.key_missing"
    before = len(decoded(world.client.get(URL, headers=world.auth("enterprise")))["items"])
    first = grant(world, body, key="grant-once")
    again = grant(world, body, key="grant-once")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    given = decoded(world.client.get(URL, headers=world.auth("enterprise")))["items"]
    assert len(given) == before + 1
    other = grant(world, {**body, "scope": ["CEB623"]}, key="grant-once")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency.key_reused"
