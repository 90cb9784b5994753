"""The research-data channel over HTTP: a transfer requested, uploaded in chunks (resumed),
approved, released, downloaded by range and verified; a transfer refused for a missing
mechanism; and BOLA — a credential outside the project gets 404 from every route, an enterprise
is refused the register, an agency reads the register and never a byte of the data."""

from __future__ import annotations

import hashlib
import os
from datetime import date

from api_world import World, decoded

from tradewindow.datachannel.model import (
    Classification,
    Dataset,
    Member,
    PersonalInformation,
    Project,
    ProjectApproval,
    Role,
)

CHUNK = 4096
YEAR = (date(2026, 1, 1), date(2099, 12, 31))


def people(world: World) -> dict[str, tuple[str, dict[str, str]]]:
    """Each person a credential of its own (id, headers): researchers and officers of two
    campuses, and a stranger."""
    registry = world.window.registry
    found = {}
    for person in ("li", "wang", "zhao", "chan", "wong", "stranger"):
        issued = registry.issue_key("enterprise", label=person)
        found[person] = (issued.credential.id, {"Authorization": f"Bearer {issued.api_key}"})
    return found


def seed(world: World, who: dict[str, tuple[str, dict[str, str]]]) -> None:
    ids = {person: credential for person, (credential, _) in who.items()}
    members = (
        Member(person=ids["li"], institution="NANSHA", role=Role.PRINCIPAL_INVESTIGATOR),
        Member(person=ids["wang"], institution="NANSHA", role=Role.DATA_OFFICER),
        Member(person=ids["zhao"], institution="NANSHA", role=Role.DATA_OFFICER),
        Member(person=ids["chan"], institution="HKMAIN", role=Role.MEMBER),
        Member(person=ids["wong"], institution="HKMAIN", role=Role.DATA_OFFICER),
    )
    world.window.app.data.save_project(
        Project(
            code="P-GENOME",
            title="Coastal genomes",
            purpose="joint analysis",
            sender="NANSHA",
            recipient="HKMAIN",
            members=members,
            approvals=tuple(
                ProjectApproval(kind=k, reference=k, valid_from=YEAR[0], valid_until=YEAR[1])
                for k in ("ethics", "data_office")
            ),
        )
    )


def dataset_json(code: str, kind: str = "none", persons: int = 0) -> dict[str, object]:
    import msgspec

    return msgspec.to_builtins(
        Dataset(
            code=code,
            project="P-GENOME",
            owner="li",
            description="reads",
            format="fastq",
            classification=Classification.GENERAL,
            personal_information=PersonalInformation(kind),
            persons=persons,
        )
    )


def test_a_transfer_over_http(world: World) -> None:
    who = people(world)
    seed(world, who)
    c = world.client
    li, wang, wong, chan = who["li"][1], who["wang"][1], who["wong"][1], who["chan"][1]
    assert c.post("/v1/data/datasets", json=dataset_json("D-1"), headers=li).status_code == 201
    asked = c.post(
        "/v1/data/transfers",
        json={
            "id": "T-1",
            "dataset": "D-1",
            "recipients": [who["chan"][0]],
            "retainUntil": "2099-01-01",
        },
        headers=li,
    )
    assert asked.status_code == 201, asked.text
    data = os.urandom(3 * CHUNK + 100)
    plan = c.post(
        "/v1/data/transfers/T-1/upload", json={"size": len(data), "chunkSize": CHUNK}, headers=li
    )
    assert decoded(plan)["missing"] == [0, 1, 2, 3]
    for index in (0, 2):
        piece = data[index * CHUNK : (index + 1) * CHUNK]
        put = c.put(
            f"/v1/data/transfers/T-1/chunks/{index}",
            content=piece,
            headers={
                **li,
                "X-Chunk-SHA256": hashlib.sha256(piece).hexdigest(),
                "Content-Type": "application/octet-stream",
            },
        )
        assert put.status_code == 201, put.text
    bad = c.put(
        "/v1/data/transfers/T-1/chunks/1",
        content=data[CHUNK : 2 * CHUNK],
        headers={**li, "X-Chunk-SHA256": "0" * 64, "Content-Type": "application/octet-stream"},
    )
    assert bad.status_code == 422
    assert decoded(bad)["code"] == "DATA.upload.digest"
    plan = c.post(
        "/v1/data/transfers/T-1/upload", json={"size": len(data), "chunkSize": CHUNK}, headers=li
    )
    assert decoded(plan)["missing"] == [1, 3]  # resumed
    for index in (1, 3):
        piece = data[index * CHUNK : (index + 1) * CHUNK]
        c.put(
            f"/v1/data/transfers/T-1/chunks/{index}",
            content=piece,
            headers={
                **li,
                "X-Chunk-SHA256": hashlib.sha256(piece).hexdigest(),
                "Content-Type": "application/octet-stream",
            },
        )
    manifest = c.post("/v1/data/transfers/T-1/manifest", headers=li)
    assert manifest.status_code == 201, manifest.text
    for body, headers in (
        ({"kind": "sender_officer"}, wang),
        ({"kind": "recipient_officer"}, wong),
    ):
        assert (
            c.post("/v1/data/transfers/T-1/approvals", json=body, headers=headers).status_code
            == 200
        )
    assert c.post("/v1/data/transfers/T-1/release", headers=wang).status_code == 200
    assert c.get("/v1/data/transfers/T-1/content", headers=chan).content == data
    part = c.get("/v1/data/transfers/T-1/content", headers={**chan, "Range": "bytes=4000-8199"})
    assert part.status_code == 206
    assert part.content == data[4000:8200]
    assert part.headers["content-range"] == f"bytes 4000-8199/{len(data)}"
    outside = c.get("/v1/data/transfers/T-1/content", headers={**chan, "Range": "bytes=99999-"})
    assert outside.status_code == 416
    root = decoded(manifest)["root"]
    verified = c.post(
        "/v1/data/transfers/T-1/verification", json={"root": root, "ok": True}, headers=chan
    )
    assert verified.status_code == 201
    detail = decoded(c.get("/v1/data/transfers/T-1", headers=li))
    assert [e["step"] for e in detail["evidence"]][-1] == "verification"


def test_a_transfer_over_the_threshold_without_a_contract_is_refused(world: World) -> None:
    who = people(world)
    seed(world, who)
    li = who["li"][1]
    world.client.post(
        "/v1/data/datasets", json=dataset_json("D-P", "personal", 150_000), headers=li
    )
    refused = world.client.post(
        "/v1/data/transfers",
        json={
            "id": "T-P",
            "dataset": "D-P",
            "recipients": [who["chan"][0]],
            "retainUntil": "2099-01-01",
        },
        headers=li,
    )
    assert refused.status_code == 422
    assert decoded(refused)["code"] == "DATA.transfer.mechanism.gba_standard_contract"


def test_nobody_outside_the_project_sees_anything_and_the_register_has_no_contents(
    world: World,
) -> None:
    who = people(world)
    seed(world, who)
    c = world.client
    li, stranger = who["li"][1], who["stranger"][1]
    c.post("/v1/data/datasets", json=dataset_json("D-1"), headers=li)
    c.post(
        "/v1/data/transfers",
        json={
            "id": "T-1",
            "dataset": "D-1",
            "recipients": [who["chan"][0]],
            "retainUntil": "2099-01-01",
        },
        headers=li,
    )
    assert decoded(c.get("/v1/data/projects", headers=stranger))["items"] == []
    assert decoded(c.get("/v1/data/transfers", headers=stranger))["items"] == []
    for method, path, body in (
        ("GET", "/v1/data/projects/P-GENOME/datasets", None),
        ("GET", "/v1/data/transfers/T-1", None),
        ("GET", "/v1/data/transfers/T-1/manifest", None),
        ("GET", "/v1/data/transfers/T-1/content", None),
        ("POST", "/v1/data/transfers/T-1/approvals", {"kind": "recipient_officer"}),
        ("POST", "/v1/data/transfers/T-1/upload", {"size": 10}),
        ("POST", "/v1/data/transfers/T-1/release", None),
        ("POST", "/v1/data/transfers/T-1/destruction", None),
        (
            "POST",
            "/v1/data/transfers",
            {"id": "T-9", "dataset": "D-1", "recipients": ["x"], "retainUntil": "2099-01-01"},
        ),
    ):
        answer = c.request(method, path, json=body, headers=stranger)
        assert answer.status_code == 404, (path, answer.text)
    assert c.get("/v1/data/register", headers=li).status_code == 403
    agency = world.auth(world.agencies[0])
    register = decoded(c.get("/v1/data/register", headers=agency))["items"]
    assert [(e["transfer"], e["mechanism"], e["state"]) for e in register] == [
        ("T-1", "exempt", "requested")
    ]
    assert c.get("/v1/data/transfers/T-1/content", headers=agency).status_code == 404
    assert c.get("/v1/data/transfers/T-1", headers=agency).status_code == 404


def test_a_data_officer_registers_a_project_and_nobody_else_changes_it(world: World) -> None:
    who = people(world)
    c = world.client
    ids = {person: credential for person, (credential, _) in who.items()}
    body = {
        "code": "P-NEW",
        "title": "Tide gauges",
        "purpose": "sea level",
        "sender": "NANSHA",
        "recipient": "HKMAIN",
        "members": [
            {"person": ids["wang"], "institution": "NANSHA", "role": "data_officer"},
            {"person": ids["chan"], "institution": "HKMAIN", "role": "member"},
        ],
    }
    researcher = {
        **body,
        "members": [{"person": ids["li"], "institution": "NANSHA", "role": "member"}],
    }
    refused = c.post("/v1/data/projects", json=researcher, headers=who["li"][1])
    assert refused.status_code == 422
    assert decoded(refused)["code"] == "DATA.project.role"
    assert c.post("/v1/data/projects", json=body, headers=who["wang"][1]).status_code == 201
    assert [
        p["code"] for p in decoded(c.get("/v1/data/projects", headers=who["chan"][1]))["items"]
    ] == ["P-NEW"]
    takeover = {
        **body,
        "members": [{"person": ids["stranger"], "institution": "NANSHA", "role": "data_officer"}],
    }
    assert c.post("/v1/data/projects", json=takeover, headers=who["stranger"][1]).status_code == 404
    assert c.post("/v1/data/projects", json=body, headers=who["chan"][1]).status_code == 422
