"""The agencies' workbench in Chromium at a real queue's size: the whole queue counted,
newest first, and a search that finds task 19,000 of 19,420 — then a decision the page
refuses (no reason for a hold) leaves the task open and nobody's, as it was."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import TestClient
from playwright.sync_api import expect
from portal_browser import shot
from portal_world import World
from sqlalchemy import insert
from test_portal_journeys import _file_all, sign_in

import builders
from tradewindow.store.agencies.tables import agency_tasks

QUEUE = 19_420
T0 = datetime(2026, 12, 1, tzinfo=UTC)


def test_the_workbench_finds_task_19000_of_19420(world: World, page: Any) -> None:
    rows = [
        {"filing": f"{builders.EBP_CODE}|SO{n:08d}", "agency": "customs", "status": "open",
         "policy_version": "2026.1", "created_at": T0 + timedelta(seconds=n)}
        for n in range(1, QUEUE + 1)
    ]  # fmt: skip
    with world.window.app.store.engine.begin() as connection:
        connection.execute(insert(agency_tasks), rows)
    sign_in(page, "officer-customs")
    expect(page).to_have_url(re.compile(r"/workbench$"))
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(QUEUE))
    first = page.locator("tr[data-task]").first
    expect(first).to_have_attribute("data-filing", f"{builders.EBP_CODE}|SO{QUEUE:08d}")
    page.fill("input[name=filing]", "SO00019000")
    page.click(".scope-form button[type=submit]")
    found = page.locator("tr[data-task]")
    expect(found).to_have_count(1)
    expect(found).to_have_attribute("data-filing", f"{builders.EBP_CODE}|SO00019000")
    expect(page.locator("[data-total]")).to_have_attribute("data-total", "1")
    shot(page, "workbench-search-19000")
    page.goto("/workbench?sort=oldest&page=777")  # the last page, as fast as the first
    expect(page.locator("tr[data-task]").last).to_have_attribute(
        "data-filing", f"{builders.EBP_CODE}|SO{QUEUE:08d}"
    )
    assert page.problems == []


def test_a_refused_decision_leaves_the_task_open_for_anyone(world: World, page: Any) -> None:
    parcel = builders.import_set(order_no="SO-REFUSED-1", logistics_no="SF9990000009")
    _file_all(world, parcel)
    key = f"{builders.EBP_CODE}|SO-REFUSED-1"
    sign_in(page, "officer-inspection-quarantine")
    row = page.locator(f"tr[data-filing='{key}']")
    expect(row).to_have_attribute("data-status", "open")
    expect(row.locator("td").nth(2)).not_to_be_empty()  # the goods it may see
    expect(row.locator(".work-why")).to_contain_text(re.compile(r"\d{4}"))  # its HS code
    row.locator("a").first.click()
    page.check("input[name=decision][value=hold]")
    page.click("form[action$='/decision'] button[type=submit]")  # no reason: refused
    expect(page.locator(".alert[data-code]")).to_have_attribute(
        "data-code", "agency.decision.reason_required"
    )
    page.goto("/workbench")
    expect(row).to_have_attribute("data-status", "open")
    expect(row.locator("td").last).to_be_empty()  # no officer holds it
    with TestClient(world.app, base_url="http://127.0.0.1:8000"):
        (task,) = [
            t
            for t in world.window.desk.list_tasks("inspection_quarantine").tasks
            if t.filing == key
        ]
    assert (task.status.value, task.officer, task.claimed_at) == ("open", None, None)
    assert page.problems == [p for p in page.problems if "status of 422" in p]
