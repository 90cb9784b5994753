"""Authorisation: object level (another party's resources are 404 on every route), function
level (every role lacking an action gets 403), and who may send what."""

from __future__ import annotations

import re
from urllib.parse import quote

import msgspec
import pytest
from api_world import OTHER_PLATFORM_CODE, World, decoded
from data_world import seed_data
from procurement_world import seed_procurement
from services_world import seed_services

import builders
from tradewindow.parties.commissions import GrantCommission
from tradewindow.parties.principal import PartyKind, Principal
from tradewindow.parties.roles import Action, Role, may


def _parcel_of_b(world: World) -> dict[str, str]:
    """Party B (the other platform) files an order; the platform files a whole parcel."""
    world.file_set(builders.import_set())
    assert world.release_all() >= 1
    order = builders.order(ebp_code=OTHER_PLATFORM_CODE, order_no="SO-B-1", guid=builders.guid("b"))
    message = builders.order_message(order)
    message = msgspec.structs.replace(
        message, base_transfer=builders.base_transfer(cop_code=OTHER_PLATFORM_CODE)
    )
    answer = world.post_json("other-platform", message)
    assert answer.status_code == 201, answer.text
    key = f"{builders.EBP_CODE}|{builders.ORDER_NO}"
    filing = decoded(
        world.client.get(f"/v1/cbec/filings/inventory/{quote(key)}", headers=world.auth("broker"))
    )
    tasks = decoded(
        world.client.get("/v1/agency/tasks", headers=world.auth("gacc-guangdong-quarantine"))
    )
    notices = decoded(world.client.get("/v1/agency/notices", headers=world.auth("guangdong-tax")))
    guid = builders.import_set().messages[3].guid
    answer = decoded(
        world.client.get(f"/v1/cbec/messages/{guid}/receipts", headers=world.auth("broker"))
    )
    return {
        "guid": guid,
        "receipt_guid": answer["receipts"][0]["guid"],
        "kind": "inventory",
        "key": key,
        "invt_no": filing["invtNo"],
        "task_id": str(tasks["tasks"][0]["id"]),
        "notice_id": str(notices["notices"][0]["id"]),
        "commission_id": world.commission_id,  # given by the enterprise, held by the broker
    }


def test_another_partys_resources_are_404_on_every_route_of_the_openapi_document(
    world: World,
) -> None:
    owned = _parcel_of_b(world)  # owned by platform / broker / quarantine / taxation
    owned |= seed_services(world)  # the broker's application, a justice bureau's draft item
    owned |= seed_procurement(world)  # the broker's sale and shipment (as operator, buyer, agent)
    owned |= seed_data(world)  # a research-data project of two campuses, its transfer released
    schema = decoded(world.client.get("/schema/openapi.json"))
    walked = []
    for path, operations in schema["paths"].items():
        names = re.findall(r"{(\w+)}", path)
        if not path.startswith("/v1/") or not names:
            continue
        url = path
        for name in names:
            url = url.replace(f"{{{name}}}", quote(owned[name], safe=""))
        for method in operations:
            # the other platform for enterprise routes, another agency for agency routes
            # (each holding the role the route needs, so only ownership can stop it)
            intruder = "customs" if "/agency/" in path else "other-platform"
            party = {"customs": "gacc-guangdong"}.get(intruder, intruder)
            if "/tax-bills/" in path:
                party = "enterprise"
            if "/commissions/" in path:
                party = "other-enterprise"
            # a service-trade department's resources: another department's officer
            if path.startswith(("/v1/services/applications/", "/v1/services/rules/")):
                party = "sz-health-office"
            headers = {**world.auth(party), "Idempotency-Key": world.key()}
            response = world.client.request(
                method.upper(), url, headers=headers, json={"decision": "release"}
            )
            walked.append((method, path))
            assert response.status_code == 404, (method, url, response.text)
            problem = decoded(response)
            assert problem["code"].endswith("not_found")
            del problem["instance"]  # the caller's own URL, echoed
            text = msgspec.json.encode(problem).decode()
            for secret in (owned["key"], "王小明", builders.BUYER_ID):
                assert secret not in text
            # the owner gets it
            owner = "gacc-guangdong-quarantine" if intruder == "customs" else "broker"
            if "/agency/notices/" in path:
                owner = "guangdong-tax"  # informed, not deciding: its notices, not tasks
            if path.startswith("/v1/services/applications/"):
                owner = "sz-housing-office"
            if path.startswith("/v1/services/rules/"):
                owner = "gz-justice-office"
            if path.startswith("/v1/data/"):
                owner = "data-recipient"  # a project member, the transfer's named recipient
            if method == "get":
                mine = world.client.get(url, headers=world.auth(owner))
                assert mine.status_code == 200, (url, mine.text)
    assert len(walked) >= 7
    assert ("get", "/v1/agency/notices/{notice_id}") in walked
    assert ("post", "/v1/services/applications/{application_id}/decision") in walked
    assert ("get", "/v1/services/my-applications/{application_id}") in walked
    assert ("post", "/v1/procurement/shipments/{shipment_id}/decision") in walked
    assert ("get", "/v1/data/transfers/{transfer_id}/content") in walked


def test_a_stranger_resending_another_partys_message_learns_nothing_of_it(world: World) -> None:
    world.file_set(builders.import_set())
    order = builders.order_message()  # the platform's own message, sent again by party B
    stolen = msgspec.structs.replace(
        order, base_transfer=builders.base_transfer(cop_code=OTHER_PLATFORM_CODE)
    )
    answer = world.post_json("other-platform", stolen)
    fresh = world.post_json(
        "other-platform", msgspec.structs.replace(stolen, guid=builders.guid("never-used"))
    )
    assert answer.status_code == fresh.status_code == 403
    assert decoded(answer)["code"] == decoded(fresh)["code"] == "auth.not_commissioned"
    assert decoded(answer)["violations"] == decoded(fresh)["violations"]


def test_a_document_is_refused_to_a_stranger_as_if_it_did_not_exist(world: World) -> None:
    world.file_set(builders.import_set())
    # the enterprise (a legitimate CEB311 filer) re-declares the platform's order, and
    # declares one the platform never filed: the same answer, the ebpCode is not its to write
    answers = []
    for order_no, app_type in ((builders.ORDER_NO, "2"), ("SO-NEVER-FILED", "1")):
        order = builders.order(app_type=app_type, order_no=order_no)
        message = builders.order_message(order, guid_=builders.guid(f"again-{order_no}"))
        message = msgspec.structs.replace(
            message, base_transfer=builders.base_transfer(cop_code=builders.EBC_CODE)
        )
        answers.append(world.post_json("enterprise", message))
    assert [a.status_code for a in answers] == [403, 403]
    assert [decoded(a)["code"] for a in answers] == ["auth.not_commissioned"] * 2
    assert [v["path"] for a in answers for v in decoded(a)["violations"]] == [
        "Order[1]/OrderHead/ebpCode"
    ] * 2


def test_a_commissioned_agent_cannot_redeclare_its_principals_document(world: World) -> None:
    world.file_set(builders.import_set())
    # the platform commissions the express operator to file its orders (受委托)
    world.window.commissions.grant(
        "platform", GrantCommission(agent="carrier", scope=("CEB311",)), by="platform"
    )
    order = builders.order(app_type="2")
    message = builders.order_message(order, guid_=builders.guid("again"))
    message = msgspec.structs.replace(
        message, base_transfer=builders.base_transfer(cop_code=builders.LOGISTICS_CODE)
    )
    answer = world.post_json("carrier", message)
    assert answer.status_code == 403
    assert decoded(answer)["code"] == "auth.not_owner"


def test_the_sender_code_must_be_the_partys_own(world: World) -> None:
    answer = world.post_json("other-platform", builders.order_message())  # copCode of platform
    assert answer.status_code == 403
    body = decoded(answer)
    assert body["code"] == "auth.sender_mismatch"
    assert body["violations"][0]["path"] == "BaseTransfer/copCode"


# --- function level ----------------------------------------------------------------------

_MESSAGES = {
    Action.FILE_ORDER: lambda: builders.order_message(),
    Action.FILE_PAYMENT: lambda: builders.payment_message(),
    Action.FILE_WAYBILL: lambda: builders.waybill_message(),
    Action.FILE_INVENTORY: lambda: builders.inventory_message(),
}
_ROUTES = {
    Action.READ_OWN_FILINGS: [("GET", "/v1/cbec/filings")],
    Action.READ_TAX_BILLS: [("GET", "/v1/cbec/tax-bills/53492026I000000001")],
    Action.VIEW_QUEUE: [
        ("GET", "/v1/agency/tasks"),
        ("GET", "/v1/agency/notices"),
        ("GET", "/v1/agency/notices/1"),
    ],
    Action.DECIDE: [("POST", "/v1/agency/tasks/1/claim")],
}
_PARTY_OF_ROLE = {
    Role.ECOMMERCE_PLATFORM: "platform",
    Role.PAYMENT_FIRM: "payer",
    Role.LOGISTICS_FIRM: "carrier",
    Role.BROKER: "broker",
    Role.ECOMMERCE_ENTERPRISE: "enterprise",
    Role.CUSTOMS: "gacc-guangdong",
    Role.INSPECTION_QUARANTINE: "gacc-guangdong-quarantine",
}


def _lacking() -> list[tuple[Role, Action]]:
    cases = []
    for role, _party in _PARTY_OF_ROLE.items():
        agency = role.value if role in (Role.CUSTOMS, Role.INSPECTION_QUARANTINE) else None
        principal = Principal(
            party_id="x",
            kind=PartyKind.AGENCY if agency else PartyKind.ENTERPRISE,
            roles=(role.value,),
            agency=agency,
            credential_id="c",
        )
        cases += [(role, a) for a in (*_MESSAGES, *_ROUTES) if not may(principal, a)]
    return cases


@pytest.mark.parametrize(("role", "action"), _lacking(), ids=lambda v: str(v))
def test_each_role_calling_an_action_it_lacks_gets_403(
    world: World, role: Role, action: Action
) -> None:
    party = _PARTY_OF_ROLE[role]
    if action in _MESSAGES:
        responses = [world.post_json(party, _MESSAGES[action](), sign=True)]
    else:
        responses = [
            world.client.request(method, path, headers=world.auth(party))
            for method, path in _ROUTES[action]
        ]
    for response in responses:
        assert response.status_code == 403, response.text
        assert decoded(response)["code"] == "auth.forbidden"


def test_the_table_has_cases_for_the_issues_examples() -> None:
    cases = _lacking()
    assert (Role.PAYMENT_FIRM, Action.FILE_INVENTORY) in cases  # cannot file a list
    assert (Role.ECOMMERCE_PLATFORM, Action.DECIDE) in cases  # an enterprise cannot decide
    assert (Role.CUSTOMS, Action.FILE_ORDER) in cases
    assert (Role.ECOMMERCE_ENTERPRISE, Action.VIEW_QUEUE) in cases  # no notices either


def test_no_credential_or_a_wrong_one_is_401_problem(world: World) -> None:
    for headers in ({}, {"Authorization": "Bearer tw_nope"}, {"Authorization": "Basic x"}):
        response = world.client.get("/v1/cbec/filings", headers=headers)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert decoded(response)["code"] == "auth.unauthenticated"


def test_an_oauth_client_gets_a_bearer_token_that_works(world: World) -> None:
    client = world.window.registry.register_client("platform")
    form = {
        "grant_type": "client_credentials",
        "client_id": client.client_id,
        "client_secret": client.secret,
    }
    token = world.client.post("/v1/oauth/token", data=form)
    assert token.status_code == 200, token.text
    access = decoded(token)["access_token"]
    listed = world.client.get("/v1/cbec/filings", headers={"Authorization": f"Bearer {access}"})
    assert listed.status_code == 200
    json_token = world.client.post("/v1/oauth/token", json={**form, "client_secret": "wrong"})
    assert json_token.status_code == 401
    assert decoded(json_token)["code"] == "credential.invalid_client"
