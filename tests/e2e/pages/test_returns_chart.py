"""The dashboard's returns card: over a lake loaded from a store where a tin was returned and
a list cancelled, ``/stats/api/returns`` gives the rates per HS chapter, the page lists them,
and Chromium draws the chart."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient
from loopback import serve
from pages_app import make_app
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "clearance"))

from harness import Harness

import builders as b
import lifecycle_builders as lb
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.loading import rebuild
from tradewindow.store import open_store

D = Decimal


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}")
    try:
        harness = Harness(store)
        numbers = []
        for n in (1, 2):
            s = b.import_set(order_no=f"SO-R-{n}", logistics_no=f"SF-R-{n}")
            *_, listed = harness.send(*s.messages)
            (number,) = {msgspec.json.decode(r.body)["invtNo"] for r in listed.receipts
                         if r.receipt_type == "CEB622"}  # fmt: skip
            numbers.append((s, number))
        (kept, first), (gone, second) = numbers
        harness.send(lb.refund_message(lb.refund(kept.inventory, first, {2: D(1)})))
        harness.send(lb.cancel_message(lb.cancel(gone.inventory, second)))
        built = Lake(tmp_path / "lake")
        rebuild(store.lake_source, built)
        return built
    finally:
        store.close()


def test_the_returns_card_gives_each_chapters_rate(lake: Lake, browser: Any) -> None:
    app = make_app(lake.root)
    with TestClient(app) as client:
        body = client.get("/stats/api/returns?by=hs_chapter").json()
        items = {item["name"]: item for item in body["items"]}
        assert D(items["19"]["returned"]) == D("261.97")
        assert items["19"]["display"].endswith(" %")
        assert D(items["19"]["value"]) == (D("261.97") / D(items["19"]["released"]) * 100).quantize(
            D("0.01")
        )
        page_text = client.get("/stats").text
        assert "data-returns" in page_text
        assert items["19"]["display"] in page_text
    with serve(app) as url:
        context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto("/stats")
            chart = page.locator("[data-returns] [data-chart=rates]")
            expect(chart).to_have_attribute("data-rendered", "true")
        finally:
            context.close()
