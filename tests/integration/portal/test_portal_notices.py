"""The workbench of an agency that is informed but does not decide, over HTTP: a taxation
officer lands on the notices, reads a released filing's tax bill share read-only, and cannot
read another agency's notice; deciding agencies keep their queue; the demo's taxation officer
sees notices too."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from portal_world import World, csrf_of, form_values, open_world, sign_in
from sqlalchemy import func, select

import builders
from tradewindow.agencies.sharing_policy import Policy, parse_policy
from tradewindow.demo.accounts import seed_demo_accounts
from tradewindow.store.evidence.tables import records as evidence_records

KEY = f"{builders.EBP_CODE}|{builders.ORDER_NO}"


def file_parcel(world: World, client: Any) -> None:
    """Order, payment and waybill over the API, the list by the firm's form; signed out after."""
    parcel = builders.import_set()
    world.file_by_api(client, parcel)
    assert sign_in(client, "clerk").status_code == 303
    values = {**form_values(parcel), "csrf_token": csrf_of(client, "/portal/file/inventory")}
    answer = client.post("/portal/file/inventory", data=values, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    client.cookies.clear()


def release_all(world: World) -> None:
    """Every open task of every agency released, and the lists settled (the tax bill issued)."""
    desk = world.window.desk
    for agency in world.window.policy.agencies:
        for task in desk.list_tasks(agency, None, 1, 100).tasks:
            if task.status.value == "open":
                desk.claim(agency, "api-officer", task.id)
                desk.decide(agency, "api-officer", task.id, "release", None)
                world.window.app.clearance.settle([task.filing], reason=f"decision:{task.id}")


def notice_id(world: World) -> int:
    (notice,) = world.window.desk.notices.list("taxation").notices
    return notice.id


def test_a_taxation_officer_lands_on_the_notices_and_reads_the_tax_bill_share(
    world: World, client: Any
) -> None:
    file_parcel(world, client)
    release_all(world)
    assert sign_in(client, "officer-taxation").headers["location"] == "/workbench"
    queue = client.get("/workbench", follow_redirects=False)
    assert (queue.status_code, queue.headers["location"]) == (303, "/workbench/notices")

    listing = client.get("/workbench/notices")
    assert listing.status_code == 200
    assert f'data-filing="{KEY}"' in listing.text
    assert 'data-total="1"' in listing.text
    assert 'href="/workbench/notices"' in listing.text  # the bar: notices, not a queue
    assert 'href="/workbench/history"' not in listing.text

    page = client.get(f"/workbench/notices/{notice_id(world)}")
    assert page.status_code == 200
    bill = world.window.desk.notices.view("taxation", notice_id(world)).documents["tax_bill"]
    tax_no = bill["TaxHeadRd"]["taxNo"]
    assert f'data-field="TaxHeadRd/taxNo">{tax_no}<' in page.text
    assert "Tax bill number" in page.text  # labelled, not a raw key
    assert 'data-field="OrderHead/goodsValue"' in page.text
    assert "data-read-only" in page.text
    assert "/decision" not in page.text  # no decide form
    assert 'name="decision"' not in page.text
    for secret in ("王小明", builders.BUYER_ID, "13800138000"):
        assert secret not in page.text


def test_the_notice_listing_filters_and_sorts_like_the_queue(world: World, client: Any) -> None:
    file_parcel(world, client)
    sign_in(client, "officer-taxation")
    assert 'data-total="0"' in client.get("/workbench/notices?filing=nothing-like-it").text
    assert 'data-total="1"' in client.get("/workbench/notices?filing=so2026").text
    for sort in ("newest", "filing", "sideways"):  # an unknown order falls back to the oldest
        answer = client.get(f"/workbench/notices?sort={sort}&page=9")
        assert answer.status_code == 200
        assert f'data-filing="{KEY}"' in answer.text  # a page past the end shows the last
    chosen = client.get("/workbench/notices?sort=newest").text
    assert re.search(r'<option value="newest" selected>', chosen)


def test_another_agencys_notice_is_not_found_and_deciding_agencies_keep_their_queue(
    world: World, client: Any
) -> None:
    file_parcel(world, client)
    notice = notice_id(world)
    sign_in(client, "officer-customs")
    answer = client.get(f"/workbench/notices/{notice}")
    assert answer.status_code == 404
    assert 'data-status="404"' in answer.text
    assert KEY not in answer.text
    assert client.get("/workbench", follow_redirects=False).status_code == 200  # its queue
    assert 'data-total="0"' in client.get("/workbench/notices").text  # its own: none
    client.cookies.clear()
    sign_in(client, "clerk")
    assert client.get("/workbench/notices").status_code == 403
    assert client.get(f"/workbench/notices/{notice}").status_code == 403


def test_the_demos_taxation_officer_sees_notices(world: World, client: Any) -> None:
    file_parcel(world, client)
    (taxation,) = [a for a in seed_demo_accounts(world.window.app) if a.role == "taxation"]
    assert taxation.officer
    assert sign_in(client, taxation.username, taxation.password).status_code == 303
    listing = client.get("/workbench")  # followed to the notices
    assert str(listing.url).endswith("/workbench/notices")
    assert f'data-filing="{KEY}"' in listing.text


def taxation_sees_the_buyer() -> Policy:
    text = resources.files("tradewindow.agencies").joinpath("policy.toml").read_text("utf-8")
    table: dict[str, Any] = tomllib.loads(text)
    table["agencies"]["taxation"]["receives"]["order"]["OrderHead"].append("buyerName")
    return parse_policy(table)


def test_a_notice_page_with_personal_data_is_recorded_before_it_is_shown(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tradewindow.bootstrap.shipped_policy", taxation_sees_the_buyer)
    world = open_world(sqlite_url, tmp_path)

    def reads() -> int:
        query = select(func.count()).where(evidence_records.c.kind == "personal_data_read")
        with world.window.app.store.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    with TestClient(world.app, base_url="http://127.0.0.1:8000") as client:
        file_parcel(world, client)
        sign_in(client, "officer-taxation")
        before = reads()
        assert client.get("/workbench/notices").status_code == 200
        assert reads() == before  # the listing holds references only
        page = client.get(f"/workbench/notices/{notice_id(world)}")
        assert "王小明" in page.text
        assert 'data-personal="1"' in page.text
        assert reads() == before + 1
    world.window.close()


@pytest.mark.parametrize(
    ("lang", "engine"),
    [
        ("en", "CBEC risk engine (automated)"),
        ("zh-Hans", "跨境电商风险引擎（自动）"),
        ("zh-Hant", "跨境電商風險引擎（自動）"),
    ],
)
def test_who_decided_is_named_in_the_pages_language(
    world: World, client: Any, lang: str, engine: str
) -> None:
    """The engine that released the list for customs, in the customs officer's history, is
    named in the page's language; a person is named as registered."""
    file_parcel(world, client)
    assert sign_in(client, "officer-customs").status_code == 303
    history = client.get(f"/workbench/history?lang={lang}")
    assert history.status_code == 200
    assert 'data-officer="cbec-risk-engine"' in history.text
    cell = re.search(r'data-officer="cbec-risk-engine">([^<]*)<', history.text)
    assert cell is not None
    assert cell.group(1) == engine
