"""Service trade over HTTP: a professional applies, the licence is verified through the
connector, an officer decides, the public register and the employers' check show the result;
the rule-integration editors' workflow and the public registry; coded refusals; BOLA."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from api_world import World, decoded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


SERVICE_GETS = (
    "/services/", "/services/register", "/services/statistics", "/services/rules/{a}/{b}",
    "/api/v1/services/rules", "/api/v1/services/rules.csv", "/api/v1/services/rules/{a}/{b}",
    "/api/v1/services/register", "/api/v1/services/professions", "/api/v1/services/stats",
    "/v1/services/applications", "/v1/services/applications/{a}",
    "/v1/services/applications/{a}/documents/{b}", "/v1/services/my-applications",
    "/v1/services/my-applications/{a}", "/v1/services/rules/worklist",
    "/v1/services/rules/{a}/{b}/history",
)  # fmt: skip
_values = st.text(max_size=12) | st.sampled_from(
    ["", "0", "-1", "99999999999999999999", "\x00", "中文", "律師", "%", "_", "../..", "x" * 300,
     "in_force", "legal", "shenzhen", "gz-72", "1"]
)  # fmt: skip
_names = st.sampled_from(["q", "field", "city", "status", "department", "list", "limit",
                          "offset", "page", "state", "lang"])  # fmt: skip


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(SERVICE_GETS),
    st.dictionaries(_names, _values, max_size=4),
    _values,
    _values,
    st.sampled_from(["platform", "sz-housing-office", None]),
)
def test_every_services_get_answers_coded_whatever_it_is_given(
    world: World,
    officers: dict[str, str],
    route: str,
    params: dict[str, str],
    a: str,
    b: str,
    who: str | None,
) -> None:
    path = route.format(a=quote(a.encode("utf-8", "surrogatepass"), safe="") or "x",
                        b=quote(b.encode("utf-8", "surrogatepass"), safe="") or "x")  # fmt: skip
    query = urlencode([(k, v.encode("utf-8", "surrogatepass")) for k, v in params.items()])
    headers = {}
    if who == "platform":
        headers = world.auth("platform")
    elif who:
        headers = bearer(officers["housing"])
    answer = world.client.get(f"{path}?{query}", headers=headers, follow_redirects=False)
    assert answer.status_code < 500, (path, query, answer.text[:300])


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(
        ["/v1/services/my-applications", "/v1/services/rules", "/v1/services/verifications"]
    ),
    st.sampled_from(["documents", "licence", "listCode", "milestones", "employer", "filingNumber"]),
    _json,
)
def test_every_services_post_answers_coded_whatever_a_field_holds(
    world: World, officers: dict[str, str], path: str, field: str, value: Any
) -> None:
    body = (application_body() if "applications" in path else item_body("9")) | {field: value}
    headers = {**bearer(officers["justice-li"]), "Idempotency-Key": world.key()}
    if "applications" in path or "verifications" in path:
        headers = {**world.auth("platform"), "Idempotency-Key": world.key()}
    answer = world.client.post(path, json=body, headers=headers)
    assert answer.status_code < 500, (path, field, answer.text[:300])
    if answer.status_code >= 400:
        assert decoded(answer)["code"]
