"""In Chromium: a small firm returns one tin from its released list's page — the live check
shows what the buyer gets back as it is typed, and a quantity above what was released is
refused with its code before anything is sent — then sends it and sees the CEB626."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from litestar.testing import TestClient
from playwright.sync_api import expect
from portal_browser import shot
from portal_world import World, csrf_of, form_values
from portal_world import sign_in as sign_in_http
from test_portal_journeys import sign_in

import builders

KEY = f"{builders.EBP_CODE}|{builders.ORDER_NO}"


def test_a_firm_returns_a_line_from_its_lists_page(world: World, page: Any) -> None:
    parcel = builders.import_set()
    with TestClient(world.app, base_url="http://127.0.0.1:8000") as client:
        world.file_by_api(client, parcel)
        assert sign_in_http(client, "clerk").status_code == 303
        token = csrf_of(client, "/portal/file/inventory")
        filed = client.post("/portal/file/inventory", data={**form_values(parcel),
                            "csrf_token": token}, follow_redirects=False)  # fmt: skip
        assert filed.status_code == 303
    for agency in world.window.policy.agencies:
        for task in world.window.desk.list_tasks(agency).tasks:
            if task.status.value == "open":
                world.window.desk.claim_and_decide(agency, "officer", task.id, "release", None)
    world.window.app.clearance.settle([KEY], reason="decided")

    sign_in(page, "clerk")
    expect(page).to_have_url(re.compile(r"/portal$"))
    page.goto(f"/portal/filings/inventory/{quote(KEY, safe='')}")
    form = page.locator("form[data-action=return]")
    form.locator("input[name='qty.2']").fill("4")
    form.locator("input[name=reason]").fill("不想要了")
    expect(page.locator("#return-check [data-code='CEB625.qty.exceeds']")).to_be_visible()
    form.locator("input[name='qty.2']").fill("1")
    ok = page.locator("#return-check [data-after-release=ok]")
    expect(ok).to_have_attribute("data-quota", "261.97")
    shot(page, "portal-return-check")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portal/messages/"))
    expect(page.locator("text=CEB626").first).to_be_visible()
