"""A clerk files an inventory list typing only what is new — the order and waybill numbers,
the buyer and the goods: the firm's codes, guarantor, customs office and trade lane come
from its account and its last list, the dates are today's. A refused submission lists every
problem with a link to its field, counted as the live check counts them; a list is copied
from a previous one; a draft is kept in the browser."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from litestar.testing import TestClient
from playwright.sync_api import expect
from portal_browser import shot
from portal_world import World, form_values
from test_portal_journeys import _file_all, sign_in

import builders
from tradewindow.cbec.documents import CHINA_TZ

PARCEL = ("orderNo", "logisticsNo", "buyerIdNumber", "buyerName", "buyerTelephone",
          "consigneeAddress", "freight", "packNo", "grossWeight", "netWeight")  # fmt: skip


def test_a_list_is_filed_by_typing_only_the_parcel_the_buyer_and_the_goods(
    world: World, page: Any
) -> None:
    first = builders.import_set(order_no="SO-FIRST-1", logistics_no="SF9990000201")
    _file_all(world, first)  # the firm's last list: its trade lane
    second = builders.import_set(order_no="SO-SECOND-1", logistics_no="SF9990000202")
    with TestClient(world.app, base_url="http://127.0.0.1:8000") as client:
        world.file_by_api(client, second)  # its order, payment and waybill are on file
    sign_in(page, "clerk")
    page.goto("/portal/file/inventory")
    today = datetime.now(CHINA_TZ).strftime("%Y%m%d")
    expect(page.locator("[name='head.declTime']")).to_have_value(today)
    expect(page.locator("[name='head.ebcCode']")).to_have_value(builders.EBC_CODE)
    expect(page.locator("[name='head.customsCode']")).to_have_value(
        first.inventory.head.customs_code
    )
    expect(page.locator("[data-code-name='f-head-currency']")).not_to_be_empty()  # 142 named
    typed = {name: value for name, value in form_values(second).items()
             if name.startswith("line.") or name.split(".", 1)[1] in PARCEL}  # fmt: skip
    lines = len(second.inventory.items)
    for n in range(2, lines + 1):
        page.click("#add-line")
        expect(page.locator(f"#line-{n}")).to_be_visible()
    for name, value in typed.items():
        page.fill(f"[name='{name}']", value)
    expect(page.locator(".check-ok")).to_be_visible()
    shot(page, "portal-form-prefilled")
    page.click(".submit-bar button[type=submit]")
    expect(page.locator("tr[data-type=CEB622]").first).to_be_visible()
    heads = {name.split(".", 1)[1] for name in typed if name.startswith("head.")}
    assert heads == set(PARCEL)  # nothing of the head typed but the parcel and the buyer
    assert page.problems == []


def test_a_refused_form_lists_each_problem_with_a_link_to_its_field(
    world: World, page: Any
) -> None:
    sign_in(page, "clerk")
    page.goto("/portal/file/inventory")
    page.fill("[name='head.orderNo']", "SO-BROKEN-1")
    page.fill("[name='line.1.gcode']", "1234567890")
    checked = page.locator("#check-summary .check-open")
    expect(checked).to_be_visible()
    live = int(checked.get_attribute("data-total") or "0")
    page.click(".submit-bar button[type=submit]")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("data-count", str(live))  # one count everywhere
    link = summary.locator("a[href='#f-line-1-gcode']")
    expect(link).to_be_visible()
    link.click()
    expect(page.locator("#f-line-1-gcode")).to_be_in_viewport()
    shot(page, "portal-form-summary")
    assert [p for p in page.problems if "status of 422" not in p] == []


def test_a_list_is_copied_goods_and_all_and_a_draft_survives_a_reload(
    world: World, page: Any
) -> None:
    first = builders.import_set(order_no="SO-COPY-1", logistics_no="SF9990000203")
    _file_all(world, first)
    sign_in(page, "clerk")
    page.goto("/portal/file/inventory")
    page.select_option("select[name=copy]", label="SO-COPY-1")
    page.click(".copy-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"copy="))
    gname = first.inventory.items[0].gname
    expect(page.locator("[name='line.1.gname']")).to_have_value(gname)
    expect(page.locator("[name='head.orderNo']")).to_have_value("")  # the parcel's own: new
    page.fill("[name='head.buyerName']", "李四")
    page.click("#draft-save")
    page.goto("/portal/file/inventory")
    expect(page.locator("[name='head.buyerName']")).to_have_value("")
    page.click("#draft-restore")
    expect(page.locator("[name='head.buyerName']")).to_have_value("李四")
    expect(page.locator("[name='line.1.gname']")).to_have_value(gname)
    assert page.problems == []
