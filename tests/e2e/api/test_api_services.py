"""Service trade over HTTP: a professional applies, the licence is verified through the
connector, an officer decides, the public register and the employers' check show the result;
the rule-integration editors' workflow and the public registry; coded refusals; BOLA."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

import pytest
from api_world import World, decoded

import services_builders as sb
from tradewindow.parties.model import RegisterParty

LICENCE_UNTIL = date(2028, 3, 31)


def officer_keys(world: World, party_id: str, department: str, count: int) -> list[str]:
    parties = world.window.app.parties  # the bootstrap registry knows the departments
    parties.register(
        RegisterParty(
            id=party_id,
            name_zh=party_id,
            name_en=party_id,
            kind="agency",
            roles=(department,),
            jurisdictions=("CN",),
        )
    )
    return [parties.issue_key(party_id).api_key for _ in range(count)]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def officers(world: World) -> dict[str, str]:
    housing = officer_keys(world, "sz-housing-office", "sz_housing", 1)
    health = officer_keys(world, "sz-health-office", "sz_health", 1)
    justice = officer_keys(world, "gz-justice-office", "gz_justice", 2)
    trade = world.window.app.service_trade
    trade.recognitions.load_professions([sb.profession()])
    trade.registers["HK"].enrol("hk-arb", "ARB-1234", "CHAN Tai Man", LICENCE_UNTIL)
    return {
        "housing": housing[0],
        "health": health[0],
        "justice-li": justice[0],
        "justice-wang": justice[1],
    }


def application_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "profession": "hk-architect",
        "identityKind": "hk_identity_card",
        "identityNumber": "A123456(3)",
        "nameEn": "CHAN Tai Man",
        "nameZh": "陳大文",
        "licence": {"authority": "hk-arb", "number": "ARB-1234", "validUntil": "2028-03-31"},
        "employer": {"uscc": sb.EMPLOYER_USCC, "name": "华为技术有限公司"},
        "city": "shenzhen",
        "documents": [
            {
                "kind": upload.kind,
                "filename": upload.filename,
                "mediaType": upload.media_type,
                "content": base64.b64encode(upload.content).decode(),
            }
            for upload in sb.uploads()
        ],
    }
    return body | changes


def apply(world: World, party: str, body: dict[str, Any]) -> Any:
    headers = {**world.auth(party), "Idempotency-Key": world.key()}
    return world.client.post("/v1/services/my-applications", json=body, headers=headers)


def test_apply_verify_decide_register_and_employer_check(
    world: World, officers: dict[str, str]
) -> None:
    client = world.client
    professions = decoded(client.get("/api/v1/services/professions"))["items"]
    assert [p["code"] for p in professions] == ["hk-architect"]
    applied = apply(world, "platform", application_body())
    assert applied.status_code == 201, applied.text
    application = decoded(applied)
    assert (application["state"], application["identityNumber"]) == ("verified", "A123456(3)")
    url = f"/v1/services/applications/{application['id']}"
    decided = client.post(
        f"{url}/decision",
        json={"decision": "approve", "reasons": "conditions met"},
        headers=bearer(officers["housing"]),
    )
    assert decided.status_code == 200, decided.text
    detail = decoded(decided)
    assert detail["application"]["state"] == "recognised"
    assert [e["action"] for e in detail["events"]] == ["submitted", "verified", "approved"]
    filing = detail["application"]["filingNumber"]
    [entry] = decoded(client.get("/api/v1/services/register?q=陈大文"))["items"]
    assert entry["filingNumber"] == filing
    assert "identityNumber" not in entry
    assert "id" not in entry
    checked = client.post(
        "/v1/services/verifications",
        json={"filingNumber": filing, "licenceNumber": "ARB-1234"},
        headers=world.auth("enterprise"),
    )
    assert checked.status_code == 200, checked.text
    assert decoded(checked)["employerUscc"] == sb.EMPLOYER_USCC
    wrong = client.post(
        "/v1/services/verifications",
        json={"filingNumber": filing, "licenceNumber": "ARB-9999"},
        headers=world.auth("enterprise"),
    )
    assert (wrong.status_code, decoded(wrong)["code"]) == (404, "services.recognition.not_found")
    document = client.get(f"{url}/documents/2", headers=bearer(officers["housing"]))
    assert (document.status_code, document.content) == (200, sb.PNG)
    assert document.headers["content-type"] == "image/png"
    stats = decoded(client.get("/api/v1/services/stats"))
    assert stats["professionals"] == [
        {
            "profession": "hk-architect",
            "home": "HK",
            "city": "shenzhen",
            "state": "recognised",
            "applications": 1,
        }
    ]


def test_bola(world: World, officers: dict[str, str]) -> None:
    client = world.client
    application = decoded(apply(world, "platform", application_body()))
    mine = f"/v1/services/my-applications/{application['id']}"
    theirs = f"/v1/services/applications/{application['id']}"
    assert client.get(mine, headers=world.auth("platform")).status_code == 200
    for answer in (
        client.get(mine, headers=world.auth("other-platform")),
        client.post(f"{mine}/withdraw", headers=world.auth("other-platform")),
        client.get(theirs, headers=bearer(officers["health"])),
        client.get(f"{theirs}/documents/1", headers=bearer(officers["health"])),
        client.post(
            f"{theirs}/decision",
            json={"decision": "approve"},
            headers=bearer(officers["health"]),
        ),
    ):
        assert (answer.status_code, decoded(answer)["code"]) == (
            404,
            "services.application.not_found",
        )
    assert (
        decoded(client.get("/v1/services/my-applications", headers=world.auth("other-platform")))[
            "items"
        ]
        == []
    )
    assert (
        decoded(client.get("/v1/services/applications", headers=bearer(officers["health"])))[
            "items"
        ]
        == []
    )
    refused = client.get("/v1/services/applications", headers=world.auth("platform"))
    assert (refused.status_code, decoded(refused)["code"]) == (403, "services.officer_only")
    customs = client.get("/v1/services/applications", headers=world.auth(world.agencies[0]))
    assert customs.status_code == 403
    assert client.get("/v1/services/applications").status_code == 401
    still = decoded(client.get(mine, headers=world.auth("platform")))
    assert still["application"]["state"] == "verified"


def test_bad_input_is_refused_with_codes(world: World, officers: dict[str, str]) -> None:
    body = application_body(identityNumber="A123456(4)", city="macao")
    body["documents"] = body["documents"][:2]
    body["documents"][1]["mediaType"] = "application/pdf"
    refused = apply(world, "platform", body)
    assert refused.status_code == 422
    assert [(v["path"], v["code"]) for v in decoded(refused)["violations"]] == [
        ("identity/number", "services.identity.hkid.check"),
        ("city", "services.applicant.city"),
        ("documents[2]/mediaType", "services.document.type_mismatch"),
        ("documents", "services.document.missing.employment"),
    ]
    not_base64 = application_body()
    not_base64["documents"][0]["content"] = "%%%"
    assert apply(world, "platform", not_base64).status_code == 400
    application = decoded(apply(world, "platform", application_body()))
    decision = world.client.post(
        f"/v1/services/applications/{application['id']}/decision",
        json={"decision": "maybe"},
        headers=bearer(officers["housing"]),
    )
    assert (decision.status_code, decoded(decision)["code"]) == (422, "services.decision.unknown")


def item_body(number: str = "1") -> dict[str, Any]:
    return {
        "listCode": "gz-72",
        "number": number,
        "field": "legal",
        "titleEn": "Hong Kong and Macao lawyers in partnership firms",
        "titleZh": "粤港澳合伙联营律师事务所",
        "mainlandRule": "《律师事务所管理办法》",
        "counterpart": ["HK", "MO"],
        "counterpartRule": "Legal Practitioners Ordinance (Cap. 159)",
        "measureEn": "Partnership firms may take Hong Kong and Macao partners",
        "measureZh": "合伙联营律师事务所可吸收港澳律师为合伙人",
        "departments": ["gz_justice"],
        "cities": ["guangzhou"],
        "status": "planned",
    }


def test_the_editors_workflow_and_the_public_registry(
    world: World, officers: dict[str, str]
) -> None:
    client = world.client
    li, wang = bearer(officers["justice-li"]), bearer(officers["justice-wang"])
    drafted = client.post("/v1/services/rules", json=item_body(), headers=li)
    assert drafted.status_code == 201, drafted.text
    assert decoded(client.get("/api/v1/services/rules"))["total"] == 0
    elsewhere = client.post(
        "/v1/services/rules", json=item_body("2"), headers=bearer(officers["housing"])
    )
    assert (elsewhere.status_code, decoded(elsewhere)["code"]) == (
        403,
        "services.registry.not_responsible",
    )
    assert client.post("/v1/services/rules/gz-72/1/submit", headers=li).status_code == 200
    own = client.post("/v1/services/rules/gz-72/1/publish", json={}, headers=li)
    assert (own.status_code, decoded(own)["code"]) == (403, "services.registry.four_eyes")
    published = client.post("/v1/services/rules/gz-72/1/publish", json={"note": "ok"}, headers=wang)
    assert published.status_code == 200, published.text
    history = decoded(client.get("/v1/services/rules/gz-72/1/history", headers=li))["items"]
    assert [h["action"] for h in history] == ["drafted", "submitted", "published"]
    found = decoded(client.get("/api/v1/services/rules?q=律師&city=guangzhou&field=legal"))
    assert found["total"] == 1
    assert found["items"][0]["content"]["titleZh"] == "粤港澳合伙联营律师事务所"
    assert "author" not in found["items"][0]
    assert decoded(client.get("/api/v1/services/rules?status=in_force"))["total"] == 0
    assert decoded(client.get("/api/v1/services/rules?status=nonsense"))["total"] == 0
    detail = decoded(client.get("/api/v1/services/rules/gz-72/1"))
    assert detail["item"]["revision"] == 1
    assert client.get("/api/v1/services/rules/gz-72/9").status_code == 404
    exported = client.get("/api/v1/services/rules.csv")
    assert exported.status_code == 200
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("list,number,field,status")
    assert lines[1].startswith("gz-72,1,legal,planned")
    bad = item_body("3") | {"cities": ["hong-kong"], "titleEn": ""}
    refused = client.post("/v1/services/rules", json=bad, headers=li)
    assert refused.status_code == 422
    assert [v["code"] for v in decoded(refused)["violations"]] == [
        "services.registry.required",
        "services.registry.city",
    ]
