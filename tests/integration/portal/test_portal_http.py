"""The portals over HTTP: cookies, CSRF, and pages that authorise exactly as the API does."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import TestClient
from portal_world import PASSWORD, World, csrf_of, decoded, form_values, sign_in
from sqlalchemy import func, select

import builders
from tradewindow.settings import PortalLimits
from tradewindow.store.evidence.tables import records as evidence_records
from tradewindow.store.web.accounts import SqlAccountRecords
from tradewindow.web.portal.accounts import Accounts
from tradewindow.web.portal.session import STATE_KEY


@pytest.fixture
def filed(world: World, client: Any) -> tuple[builders.ImportSet, str]:
    """The firm's inventory list filed by form (order, payment and waybill over the API)."""
    parcel = builders.import_set()
    world.file_by_api(client, parcel)
    assert sign_in(client, "clerk").status_code == 303
    token = csrf_of(client, "/portal/file/inventory")
    values = {**form_values(parcel), "csrf_token": token}
    answer = client.post("/portal/file/inventory", data=values, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    client.cookies.clear()
    return parcel, f"{parcel.inventory.head.ebp_code}|{parcel.inventory.head.order_no}"


def test_signing_in_sets_an_httponly_lax_session_cookie(client: Any) -> None:
    answer = sign_in(client, "clerk")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("tw_session="))
    assert all(flag in cookie for flag in ("HttpOnly", "SameSite=lax", "Path=/"))
    assert "Secure" not in cookie  # plain http to loopback, allowed by the test settings


def test_over_https_the_cookie_is_secure_and_host_bound(world: World) -> None:
    with TestClient(world.app, base_url="https://portal.example") as client:
        answer = sign_in(client, "clerk")
        cookie = answer.headers.get_list("set-cookie")[0]
        assert cookie.startswith("__Host-tw_session=")
        assert "Secure" in cookie
        assert client.get("/portal").status_code == 200


def test_plain_http_elsewhere_still_gets_secure_cookies(world: World) -> None:
    records = SqlAccountRecords(world.window.app.store.engine)
    world.app.state[STATE_KEY] = Accounts(
        records, world.window.registry, PortalLimits(allow_http=False)
    )
    with TestClient(world.app, base_url="http://127.0.0.1:8000") as client:
        cookie = client.get("/sign-in").headers["set-cookie"]
        assert "Secure" in cookie  # so a browser will not sign in over plain http


def test_an_officer_lands_on_the_workbench(client: Any) -> None:
    assert sign_in(client, "officer-customs").headers["location"] == "/workbench"
    assert client.get("/portal", follow_redirects=False).headers["location"] == "/workbench"


@pytest.mark.parametrize("username", ["clerk", "nobody-at-all"])
def test_wrong_passwords_are_throttled_alike_for_known_and_unknown_accounts(
    client: Any, username: str
) -> None:
    """Issue 15: the same answers whether the account exists or not (no 423 oracle), then
    429 with Retry-After from this address, instead of a lock anyone could trigger."""
    answers = [sign_in(client, username, "not the password") for _ in range(6)]
    assert [a.status_code for a in answers] == [401] * 5 + [429]
    assert all('data-code="auth.sign_in_failed"' in a.text for a in answers[:5])
    assert 'data-code="auth.throttled"' in answers[5].text
    assert answers[5].headers["Retry-After"] == "1"


def test_a_stranger_elsewhere_does_not_lock_the_officer_out(world: World, client: Any) -> None:
    keys = world.app.state.window.throttle.keys("portal", "203.0.113.9", "officer-customs")
    for _ in range(50):  # guesses at the officer's password from another address
        world.app.state.window.throttle.failed(keys)
    assert sign_in(client, "officer-customs").status_code == 303


def test_sign_in_without_its_csrf_token_is_refused(client: Any) -> None:
    client.get("/sign-in")
    answer = client.post("/sign-in", data={"username": "clerk", "password": PASSWORD,
                                           "csrf_token": "forged"})  # fmt: skip
    assert answer.status_code == 403
    assert 'data-code="auth.csrf"' in answer.text


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/portal/file/order", {"head.orderNo": "X"}),
        ("/portal/keys/", {"label": "x"}),
        ("/sign-out", {}),
    ],
)
def test_state_changing_forms_need_the_sessions_csrf_token(
    client: Any, path: str, data: dict[str, str]
) -> None:
    sign_in(client, "clerk")
    for token in (None, "forged"):
        sent = data if token is None else {**data, "csrf_token": token}
        answer = client.post(path, data=sent, follow_redirects=False)
        assert answer.status_code == 403
        assert "<code>auth.csrf</code>" in answer.text
    assert client.get("/portal").status_code == 200  # still signed in


def test_signing_out_ends_the_session_on_the_server(client: Any) -> None:
    sign_in(client, "clerk")
    secret = client.cookies.get("tw_session")
    token = csrf_of(client, "/portal")
    assert client.post("/sign-out", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303  # fmt: skip
    client.cookies.set("tw_session", secret)  # the old cookie, replayed
    answer = client.get("/portal/filings", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/portal/filings&expired=1"


def test_live_check_puts_each_violation_beside_its_input(
    world: World, client: Any, filed: Any
) -> None:
    sign_in(client, "clerk")
    token = csrf_of(client, "/portal/file/inventory")
    values = form_values(builders.import_set(order_no="SO-CHECK-1"))
    values["line.2.gcode"] = "3304"
    answer = client.post("/portal/file/inventory/check?lang=zh-Hans",
                         data={**values, "csrf_token": token})  # fmt: skip
    assert answer.status_code == 200
    beside = re.search(r'id="e-line-2-gcode" hx-swap-oob="true">(.*?)</span>\n', answer.text)
    assert beside is not None
    assert 'data-code="CEB621.gcode' in beside[1]
    assert re.search(r"[\u4e00-\u9fff]", beside[1])  # the Chinese message
    assert re.search(r'id="e-line-1-gcode" hx-swap-oob="true"></span>', answer.text)


def test_a_form_refused_by_the_rules_shows_every_violation(client: Any) -> None:
    sign_in(client, "clerk")
    token = csrf_of(client, "/portal/file/inventory")
    values = form_values(builders.import_set(order_no="SO-BAD-1"))
    values |= {"head.freight": "twenty", "line.1.gcode": "0000000000"}
    answer = client.post("/portal/file/inventory", data={**values, "csrf_token": token})
    assert answer.status_code == 422
    assert 'data-code="portal.form.decimal"' in answer.text
    assert 'data-code="CEB621.gcode' in answer.text


# --- a page never shows what the API would refuse ------------------------------------------


def page_and_api(world: World, client: Any, key: str) -> list[tuple[str, str]]:
    quoted = quote(key, safe="")
    return [
        (f"/portal/filings/inventory/{quoted}", f"/v1/cbec/filings/inventory/{quoted}"),
        (f"/portal/filings/order/{quote(builders.ORDER_NO)}",
         f"/v1/cbec/filings/order/{quote(builders.ORDER_NO)}"),
    ]  # fmt: skip


@pytest.mark.parametrize("party", ["firm", "rival", "platform"])
def test_page_404_exactly_when_api_404(world: World, client: Any, filed: Any, party: str) -> None:
    _, key = filed
    username = {"firm": "clerk", "rival": "rival-clerk", "platform": "platform-clerk"}[party]
    sign_in(client, username)
    for page_path, api_path in page_and_api(world, client, key):
        page = client.get(page_path)
        api = client.get(api_path, headers=world.auth(party))
        assert (page.status_code == 404) == (api.status_code == 404), (page_path, party)
        assert page.status_code == api.status_code, (page_path, party)
        if page.status_code == 404:
            assert "<code>http.not_found</code>" in page.text
            assert builders.BUYER_ID not in page.text
            assert "王小明" not in page.text


def test_the_firm_sees_its_list_and_the_rival_does_not(
    world: World, client: Any, filed: Any
) -> None:
    _, key = filed
    sign_in(client, "clerk")
    assert client.get(f"/portal/filings/inventory/{quote(key, safe='')}").status_code == 200
    mine = client.get("/portal/filings").text
    client.cookies.clear()
    sign_in(client, "rival-clerk")
    assert key in mine
    assert key not in client.get("/portal/filings").text


def test_reading_a_filing_with_personal_data_is_recorded(
    world: World, client: Any, filed: Any
) -> None:
    _, key = filed
    sign_in(client, "clerk")

    def reads() -> int:
        query = select(func.count()).where(evidence_records.c.kind == "personal_data_read")
        with world.window.app.store.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    before = reads()
    assert client.get(f"/portal/filings/inventory/{quote(key, safe='')}").status_code == 200
    assert reads() == before + 1


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("platform-clerk", "/portal/file/inventory", 403),  # a platform does not file lists
        ("clerk", "/portal/file/payment", 403),  # an e-commerce enterprise pays nothing
        ("clerk", "/workbench", 403),
        ("officer-customs", "/portal/filings", 403),
        ("clerk", "/portal/file/manifest", 404),
    ],
)
def test_roles_gate_the_pages_as_the_api(
    client: Any, username: str, path: str, status: int
) -> None:
    sign_in(client, username)
    answer = client.get(path)
    assert answer.status_code == status
    assert f'data-status="{status}"' in answer.text


def test_another_agencys_task_is_not_found_on_page_and_api(
    world: World, client: Any, filed: Any
) -> None:
    tasks = decoded(client.get("/v1/agency/tasks", headers=world.auth("gacc-guangdong-quarantine")))
    task = tasks["tasks"][0]["id"]
    sign_in(client, "officer-taxation")
    assert client.get(f"/workbench/tasks/{task}").status_code == 404
    api = client.get(f"/v1/agency/tasks/{task}", headers=world.auth("guangdong-tax"))
    assert api.status_code == 404


def test_keys_created_on_the_page_work_on_the_api_until_revoked(world: World, client: Any) -> None:
    sign_in(client, "clerk")
    token = csrf_of(client, "/portal/keys")
    created = client.post("/portal/keys/", data={"label": "ERP", "csrf_token": token})
    assert created.status_code == 201
    key = re.search(r'id="issued-key">([^<]+)<', created.text)[1]  # type: ignore[index]
    bearer = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/cbec/filings", headers=bearer).status_code == 200
    assert key not in client.get("/portal/keys").text  # shown once
    credential = key.split("_")[1]
    revoked = client.post(f"/portal/keys/{credential}/revoke", data={"csrf_token": token},
                          follow_redirects=False)  # fmt: skip
    assert revoked.status_code == 303
    assert client.get("/v1/cbec/filings", headers=bearer).status_code == 401


def test_another_partys_key_cannot_be_revoked_from_the_page(world: World, client: Any) -> None:
    rival_key = world.keys["rival"].split("_")[1]
    sign_in(client, "clerk")
    token = csrf_of(client, "/portal/keys")
    answer = client.post(f"/portal/keys/{rival_key}/revoke", data={"csrf_token": token})
    assert answer.status_code == 404
    assert client.get("/v1/cbec/filings", headers=world.auth("rival")).status_code == 200
