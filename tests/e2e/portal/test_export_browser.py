"""A Shenzhen seller's export clerk in Chromium: files an export list typing only the parcel
and the goods (the firm's codes and lane come from its last list), sees a 9710 list over
5,000 yuan refused as typed, follows a departed list to the summary preview — merged lines,
the deadline, the overdue list — and files it, reading the CEB792 declaration. Under the
strict CSP, without a console error."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from loopback import serve
from playwright.sync_api import expect
from portal_browser import add_line, open_page, shot
from test_every_page_browser import OWN_TEXT, simplified_only
from test_portal_journeys import sign_in

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "export"))

import export_set as s
from export_world import SELLER_CLERK, World, exporters_world, file_as, form_of

from tradewindow.cbec.documents import CHINA_TZ

PARCEL = ("orderNo", "logisticsNo", "copNo", "billNo", "grossWeight", "netWeight")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    opened = exporters_world(f"sqlite:///{tmp_path / 'portal.db'}", tmp_path)
    yield opened
    opened.window.close()


@pytest.fixture
def base_url(world: World) -> Iterator[str]:
    with serve(world.app) as url:
        yield url


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    opened = open_page(browser, base_url)
    yield opened
    opened.context.close()


def api(world: World) -> TestClient[Any]:
    return TestClient(world.app, base_url="http://127.0.0.1:8000")


def test_an_export_list_is_filed_by_typing_the_parcel_and_the_goods(
    world: World, page: Any
) -> None:
    with api(world) as client:  # the firm's last list: its lane
        file_as(world, client, "seller", "CEB603", s.inventory(agent_code=s.EBC_CODE))
    second = s.inventory(agent_code=s.EBC_CODE, order_no="EXP20261205000002",
                         logistics_no="SZX2612050002", cop_no="EXPCOP202612050002")  # fmt: skip
    sign_in(page, SELLER_CLERK)
    page.goto("/portal")
    page.click("a[data-export]")
    page.click("a[href='/portal/export/file']")
    today = datetime.now(CHINA_TZ).strftime("%Y%m%d")
    expect(page.locator("[name='head.ieDate']")).to_have_value(today)
    expect(page.locator("[name='head.ebcCode']")).to_have_value(s.EBC_CODE)
    expect(page.locator("[name='head.portCode']")).to_have_value("5141")  # the lane
    expect(page.locator("[name='head.country']")).to_have_value("502")
    typed = {name: value for name, value in form_of(second).items()
             if name.startswith("line.") or name.split(".", 1)[1] in PARCEL}  # fmt: skip
    add_line(page, "#line-2")
    for name, value in typed.items():
        page.fill(f"[name='{name}']", value)
    expect(page.locator(".check-ok")).to_be_visible()
    shot(page, "export-form")
    page.click(".submit-bar button[type=submit]")
    expect(page.locator("[data-filed] tr[data-type=CEB604]")).to_be_visible()
    expect(page.locator(f"tr[data-order='{second.head.order_no}']")).to_have_attribute(
        "data-status", "waiting"
    )
    shot(page, "export-lists")
    assert page.problems == []


def test_a_b2b_list_over_5000_yuan_is_refused_as_it_is_typed(world: World, page: Any) -> None:
    sign_in(page, SELLER_CLERK)
    page.goto("/portal/export/file")
    for name, value in form_of(s.inventory(agent_code=s.EBC_CODE)).items():
        if page.locator(f"[name='{name}']").count() == 0:
            add_line(page, f"[name='{name}']")
        page.fill(f"[name='{name}']", value)
    expect(page.locator(".check-ok")).to_be_visible()
    page.fill("[name='head.tradeMode']", "9710")
    page.fill("[name='line.1.qty']", "100")
    page.fill("[name='line.1.totalPrice']", "12000.00")
    found = page.locator("#check-summary li[data-code='CEB603.tradeMode.b2b_declaration_required']")
    expect(page.locator("#check-summary .check-open")).to_be_visible()
    expect(found.first).to_be_attached()  # in the summary's folded list
    beside = page.locator(
        "#e-head-tradeMode [data-code='CEB603.tradeMode.b2b_declaration_required']"
    )
    expect(beside.first).to_be_visible()  # and beside the field
    shot(page, "export-form-9710")
    assert page.problems == []


def test_the_summary_is_previewed_then_filed(world: World, page: Any) -> None:
    with api(world) as client:
        for party, code, document in (
            ("seller", "CEB603", s.inventory(agent_code=s.EBC_CODE)),
            ("export-platform", "CEB303", s.order()),
            ("export-payer", "CEB403", s.receipt()),
            ("export-carrier", "CEB505", s.waybill()),
            ("export-site", "CEB507", s.arrival()),
            ("export-carrier", "CEB509", s.departure()),
        ):
            file_as(world, client, party, code, document)
    sign_in(page, SELLER_CLERK)
    page.goto("/portal/export/summaries")
    summary = page.locator("[data-summary='1']")
    expect(summary).to_have_attribute("data-lines", "2")
    expect(summary.locator("[data-due]")).to_have_attribute("data-due", "2026-04-15")
    expect(page.locator("[data-overdue]").first).to_be_visible()  # departed in March
    shot(page, "export-summary-preview")
    page.click("[data-file-summaries]")
    result = page.locator("[data-filed-summaries] tr[data-type=CEB792]")
    expect(result).to_be_visible()
    expect(result.locator("[data-sumNo]")).to_be_visible()
    expect(result.locator("[data-declSeqNo]")).to_be_visible()
    shot(page, "export-summary-filed")
    page.goto("/portal/export")
    expect(page.locator(f"tr[data-order='{s.ORDER_NO}'] [data-sum]")).to_be_visible()
    assert page.problems == []


def test_every_export_page_fits_a_phone_and_speaks_traditional_chinese(
    world: World, browser: Any, base_url: str
) -> None:
    food = s.inventory(agent_code=s.EBC_CODE, order_no="EXP-FOOD-9", logistics_no="SZX-FOOD-9",
                       guid=s.guid("food-9"))  # fmt: skip
    food.items[0].gcode = "2106909090"  # waits for inspection & quarantine
    with api(world) as client:
        for party, code, document in (
            ("seller", "CEB603", food),
            ("export-platform", "CEB303", s.order(order_no="EXP-FOOD-9")),
            ("export-payer", "CEB403", s.receipt(order_no="EXP-FOOD-9")),
            ("export-carrier", "CEB505", s.waybill(logistics_no="SZX-FOOD-9")),
        ):
            file_as(world, client, party, code, document)
    visits = [(SELLER_CLERK, path) for path in (
        "/portal", "/portal/export", "/portal/export/file", "/portal/export/summaries",
        "/portal/export/warehouses")]  # fmt: skip
    visits += [("officer-inspection-quarantine", "/workbench/export")]
    phones: dict[str, Any] = {}
    try:
        for who, path in visits:
            if who not in phones:
                phones[who] = open_page(browser, base_url, width=390, height=844)
                phones[who].goto("/?lang=zh-Hant")
                sign_in(phones[who], who)
            phone = phones[who]
            phone.goto(path)
            expect(phone.locator("html")).to_have_attribute("lang", "zh-Hant")
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
            simplified = {c for c in phone.evaluate(OWN_TEXT) if c in simplified_only()}
            assert not simplified, (path, "".join(sorted(simplified)))
            shot(phone, "phone-zh-Hant" + path.replace("/", "-"))
        expect(phones["officer-inspection-quarantine"].locator("tr[data-invt]")).to_have_count(1)
        for phone in phones.values():
            assert phone.problems == []
    finally:
        for phone in phones.values():
            phone.context.close()
