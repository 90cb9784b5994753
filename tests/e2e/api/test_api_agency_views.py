"""Property level over HTTP: an agency's task and notice views hold no field outside its
policy, and every view with personal data is recorded in the evidence log."""

from __future__ import annotations

from typing import Any

import msgspec
from api_world import World, decoded

import builders
from tradewindow.agencies.fields import ANY
from tradewindow.agencies.policy_file import shipped_policy

POLICY = shipped_policy()


def key_paths(node: Any, prefix: str = "") -> set[str]:
    paths: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            paths.add(f"{prefix}{key}")
            paths |= key_paths(value, f"{prefix}{key}/")
    elif isinstance(node, list):
        for element in node:
            paths |= key_paths(element, f"{prefix.rstrip('/')}/{ANY}/")
    return paths


def allowed(agency: str, kind: str) -> set[str]:
    granted = POLICY.agencies[agency].grants[kind]
    containers = {"/".join(p.split("/")[:n]) for p in granted for n in range(1, p.count("/") + 1)}
    return set(granted) | containers


def test_every_task_view_holds_only_granted_fields_and_personal_reads_are_logged(
    world: World,
) -> None:
    for n in range(2):
        parcel = builders.import_set(order_no=f"SO-VIEW-{n}", logistics_no=f"SF-VIEW-{n}")
        assert all(r.status_code == 201 for r in world.file_set(parcel))
    checked = 0
    for party in world.agencies:
        agency = next(p for p in world.window.registry.parties() if p.id == party).agency
        assert agency is not None
        tasks = decoded(world.client.get("/v1/agency/tasks", headers=world.auth(party)))
        for task in tasks["tasks"]:
            view = decoded(
                world.client.get(f"/v1/agency/tasks/{task['id']}", headers=world.auth(party))
            )
            for kind, document in view["documents"].items():
                outside = key_paths(document) - allowed(agency, kind)
                assert not outside, (agency, kind, outside)
                checked += 1
            if view["personalData"]:
                reads = [
                    msgspec.json.decode(r.subjects)
                    for r in world.window.evidence.records()
                    if r.kind == "personal_data_read" and r.actor == party
                ]
                assert [task["filing"], f"task:{task['id']}"] in [r[:2] for r in reads]
    assert checked >= 2


def test_every_notice_view_and_listing_holds_only_granted_fields(world: World) -> None:
    for n in range(2):
        parcel = builders.import_set(order_no=f"SO-NOTE-{n}", logistics_no=f"SF-NOTE-{n}")
        assert all(r.status_code == 201 for r in world.file_set(parcel))
    assert world.release_all() >= 2  # released: the tax bills are issued
    checked: set[tuple[str, str]] = set()
    for party in world.agencies:
        agency = next(p for p in world.window.registry.parties() if p.id == party).agency
        assert agency is not None
        listing = world.client.get("/v1/agency/notices", headers=world.auth(party))
        assert listing.status_code == 200
        notices = decoded(listing)["notices"]
        # the listing is references only: no field of any document
        assert all(
            set(n) == {"id", "filing", "agency", "policyVersion", "createdAt"} for n in notices
        )
        assert (len(notices) == 2) is (agency == "taxation")  # informed: taxation only
        for notice in notices:
            view = decoded(
                world.client.get(f"/v1/agency/notices/{notice['id']}", headers=world.auth(party))
            )
            assert view["notice"] == notice
            for kind, document in view["documents"].items():
                outside = key_paths(document) - allowed(agency, kind)
                assert not outside, (agency, kind, outside)
                checked.add((agency, kind))
            text = msgspec.json.encode(view).decode()
            assert "王小明" not in text
            assert builders.BUYER_ID not in text
    assert checked == {("taxation", "order"), ("taxation", "inventory"), ("taxation", "tax_bill")}


def test_an_enterprise_reading_its_filing_with_personal_data_is_recorded(world: World) -> None:
    world.file_set(builders.import_set())
    key = f"{builders.EBP_CODE}|{builders.ORDER_NO}"
    response = world.client.get(f"/v1/cbec/filings/order/{key}", headers=world.auth("platform"))
    assert response.status_code == 200
    assert decoded(response)["document"]["OrderHead"]["buyerName"] == "王小明"
    reads = [r for r in world.window.evidence.records() if r.kind == "personal_data_read"]
    assert len(reads) == 1
    subjects = msgspec.json.decode(reads[0].subjects)
    assert subjects[0] == key
    assert "field:OrderHead/buyerIdNumber" in subjects
