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
from portal_browser import add_line, shot
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
        add_line(page, f"#line-{n}")
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


# what a list needs that its order does not say: the waybill, the weights, each line's HS
# code and legal quantity
NOT_IN_ORDER = ("logisticsNo", "packNo", "grossWeight", "netWeight")
LINE_NOT_IN_ORDER = ("gcode", "qty1", "unit1")


def test_a_list_starts_from_the_order_the_platform_filed_for_the_firm(
    world: World, page: Any
) -> None:
    first = builders.import_set(order_no="SO-LANE-1", logistics_no="SF9990000204")
    _file_all(world, first)  # the firm's last list: its trade lane (platform, office …)
    parcel = builders.import_set(order_no="SO-FROM-ORDER-1", logistics_no="SF9990000205")
    with TestClient(world.app, base_url="http://127.0.0.1:8000") as client:
        world.file_by_api(client, parcel)  # the platform filed the order naming the firm
    sign_in(page, "clerk")
    page.goto("/portal/file/inventory")
    page.fill(".order-form input[name=order]", "SO-FROM-ORDER-1")
    page.click(".order-form button[type=submit]")
    expect(page.locator("[data-from-order]")).to_be_visible()
    wanted = form_values(parcel)
    head = parcel.order.head
    expect(page.locator("[name='head.orderNo']")).to_have_value("SO-FROM-ORDER-1")
    expect(page.locator("[name='head.buyerName']")).to_have_value(head.buyer_name)
    expect(page.locator("[name='head.buyerIdNumber']")).to_have_value(head.buyer_id_number)
    lines = len(parcel.order.items)
    for n in range(1, lines + 1):
        expect(page.locator(f"[name='line.{n}.itemName']")).to_have_value(
            parcel.order.items[n - 1].item_name
        )
    typed = {f"head.{name}": wanted[f"head.{name}"] for name in NOT_IN_ORDER}
    typed |= {
        f"line.{n}.{name}": wanted[f"line.{n}.{name}"]
        for n in range(1, lines + 1)
        for name in LINE_NOT_IN_ORDER
    }
    for name, value in typed.items():
        page.fill(f"[name='{name}']", value)
    expect(page.locator(".check-ok")).to_be_visible()
    shot(page, "portal-form-from-order")
    page.click(".submit-bar button[type=submit]")
    expect(page.locator("tr[data-type=CEB622]").first).to_be_visible()
    assert page.problems == []


def test_an_order_of_another_firm_cannot_start_a_list(world: World, page: Any) -> None:
    parcel = builders.import_set(order_no="SO-NOT-YOURS-1", logistics_no="SF9990000206")
    with TestClient(world.app, base_url="http://127.0.0.1:8000") as client:
        world.file_by_api(client, parcel)  # names the firm, not the rival
    sign_in(page, "rival-clerk")
    page.goto(f"/portal/file/inventory?order={builders.EBP_CODE}|SO-NOT-YOURS-1")
    expect(page.locator("[data-from-order-missing]")).to_be_visible()
    expect(page.locator("[name='head.buyerName']")).to_have_value("")
    assert page.problems == []
