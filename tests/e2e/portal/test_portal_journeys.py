"""Browser journeys of the portals (Chromium): a small firm files an inventory list by form
and sees it released after the agencies decide; an officer decides a held filing; a taxation
officer reads a notice read-only; a wrong password and the lock-out; an expired session;
another party's filing URL."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import msgspec
from litestar.testing import TestClient
from playwright.sync_api import expect
from portal_browser import add_line, shot
from portal_world import PASSWORD, World, form_values

import builders
from tradewindow.formats import ceb_json


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def sign_out(page: Any) -> None:
    page.click(".portal-bar__out button")
    expect(page.locator("[data-notice=signed_out]")).to_be_visible()


def fill_inventory(page: Any, parcel: builders.ImportSet) -> None:
    values = form_values(parcel)
    lines = len(parcel.inventory.items)
    for n in range(2, lines + 1):
        add_line(page, f"#line-{n}")
    for name, value in values.items():
        page.fill(f"[name='{name}']", value)


def test_a_small_firm_files_a_list_by_form_and_sees_it_released(
    world: World, page: Any, browser: Any, base_url: str
) -> None:

    parcel = builders.import_set()
    with TestClient(world.app, base_url="http://127.0.0.1:8000") as client:
        world.file_by_api(client, parcel)  # the order, payment and waybill are on file

    sign_in(page, "clerk")
    expect(page).to_have_url(re.compile(r"/portal$"))
    page.click("a[href='/portal/file/inventory']")
    fill_inventory(page, parcel)
    # a wrong commodity code is refused beside its input as it is typed, in Chinese too
    page.fill("[name='line.2.gcode']", "1234567890")
    error = page.locator("#e-line-2-gcode .field__error")
    expect(error).to_have_attribute("data-code", re.compile(r"^CEB621\.gcode\."))
    shot(page, "portal-form-error")
    page.fill("[name='line.2.gcode']", parcel.inventory.items[1].gcode)
    expect(page.locator("#e-line-2-gcode .field__error")).to_have_count(0)
    expect(page.locator(".check-ok")).to_be_visible()
    page.click(".submit-bar button[type=submit]")
    expect(page.locator("tr[data-type=CEB622][data-status='399']")).to_be_visible()
    shot(page, "portal-receipts")

    page.click("a[href='/portal/filings']")
    key = f"{builders.EBP_CODE}|{builders.ORDER_NO}"
    row = page.locator(f"tr[data-key='{key}']")
    expect(row.locator("[data-agencies]")).to_have_attribute("data-agencies", "pending")

    officer = _open(browser, base_url)
    sign_in(officer, "officer-inspection-quarantine")
    expect(officer).to_have_url(re.compile(r"/workbench$"))
    officer.click(f"tr[data-filing='{key}'] a >> nth=0")
    shot(officer, "workbench-task")
    officer.check("input[name=decision][value=release]")
    officer.click("form[action$='/decision'] button[type=submit]")
    expect(officer.locator("[data-decision=release]")).to_be_visible()
    for agency in ("border_control", "taxation", "foreign_exchange"):
        _release_all_open(world, agency)
    officer.context.close()

    page.reload()
    expect(row.locator("[data-agencies]")).to_have_attribute("data-agencies", "released")
    expect(row).to_have_attribute("data-status", "released")
    shot(page, "portal-filings")
    row.locator("a").click()
    expect(page.locator("tr[data-type=CEB622][data-status='800']")).to_be_visible()
    expect(page.locator("a[href^='/portal/tax-bills/']")).to_be_visible()
    shot(page, "portal-filing")
    assert page.problems == []


def test_an_officer_decides_a_held_filing_with_a_reason(
    world: World, page: Any, browser: Any, base_url: str
) -> None:
    parcel = builders.import_set(order_no="SO-HELD-1", logistics_no="SF9990000001")
    _file_all(world, parcel)
    sign_in(page, "officer-inspection-quarantine")
    page.select_option("select[name=sort]", "newest")
    page.click(".scope-form button[type=submit]")
    key = f"{builders.EBP_CODE}|SO-HELD-1"
    page.click(f"tr[data-filing='{key}'] a >> nth=0")
    page.check("input[name=decision][value=hold]")
    page.click("form[action$='/decision'] button[type=submit]")  # a hold needs a reason
    expect(page.locator(".alert[data-code]")).to_have_attribute("data-code", re.compile("reason"))
    page.fill("textarea[name=reason]", "Infant formula: registration certificate needed")
    page.click("form[action$='/decision'] button[type=submit]")
    expect(page.locator("[data-decision=hold]")).to_be_visible()
    # a hold is not the end: the filing waits in the follow-up list for the next action
    page.click("a[href='/workbench/follow-up']")
    held = page.locator(f"tr[data-filing='{key}']")
    expect(held).to_contain_text("registration certificate")
    expect(held).to_have_attribute("data-status", "follow_up")
    shot(page, "workbench-follow-up")

    firm = _open(browser, base_url)
    sign_in(firm, "clerk")
    firm.goto(f"/portal/filings/inventory/{quote(key, safe='')}")
    expect(firm.locator("[data-agencies]")).to_have_attribute("data-agencies", "held")
    expect(firm.locator(".agencies")).to_contain_text("registration certificate needed")
    firm.context.close()

    held.locator("a[data-next]").click()
    expect(page.locator("input[name=decision]")).to_have_count(3)  # release, refuse, request
    page.check("input[name=decision][value=release]")
    page.click("form[action$='/decision'] button[type=submit]")
    expect(page.locator("[data-decision=release]")).to_be_visible()
    page.click("a[href='/workbench/history']")
    expect(page.locator(f"tr[data-filing='{key}']")).to_have_attribute("data-status", "decided")
    shot(page, "workbench-history")


def test_a_taxation_officer_reads_a_released_filings_notice_read_only(
    world: World, page: Any
) -> None:
    parcel = builders.import_set(order_no="SO-TAX-1", logistics_no="SF9990000004")
    _file_all(world, parcel)
    for agency in ("inspection_quarantine", "border_control", "foreign_exchange"):
        _release_all_open(world, agency)
    key = f"{builders.EBP_CODE}|SO-TAX-1"
    sign_in(page, "officer-taxation")
    expect(page).to_have_url(re.compile(r"/workbench/notices$"))
    expect(page.locator(".portal-bar__nav a[aria-current=page]")).to_have_attribute(
        "href", "/workbench/notices"
    )
    expect(page.locator("a[href='/workbench/history']")).to_have_count(0)
    shot(page, "workbench-notices")
    page.click(f"tr[data-filing='{key}'] a >> nth=0")
    expect(page.locator("[data-read-only]")).to_be_visible()
    expect(page.locator("#doc-tax_bill")).to_have_text("Tax bill")
    expect(page.locator("[data-field='TaxHeadRd/taxNo']")).not_to_be_empty()
    expect(page.locator("[data-field='OrderHead/goodsValue']")).to_be_visible()
    expect(page.locator("form[action$='/decision']")).to_have_count(0)
    expect(page.locator("input[name=decision]")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("王小明")
    shot(page, "workbench-notice")
    assert page.problems == []


def test_wrong_passwords_then_the_throttle(page: Any) -> None:
    sign_in(page, "clerk", "not my password")
    expect(page.locator(".alert")).to_have_attribute("data-code", "auth.sign_in_failed")
    for _ in range(5):
        sign_in(page, "clerk", "not my password")
    expect(page.locator(".alert")).to_have_attribute("data-code", "auth.throttled")
    shot(page, "sign-in-throttled")


def test_an_expired_session_is_sent_to_sign_in(world: World, page: Any) -> None:
    sign_in(page, "clerk")
    page.goto("/portal/filings")
    world.clock.shift = timedelta(minutes=31)  # idle past the limit
    page.goto("/portal/filings")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/portal/filings&expired=1$"))
    expect(page.locator("[data-notice=expired]")).to_be_visible()
    world.clock.shift = timedelta(0)
    sign_in_again = page.locator("input[name=username]")
    sign_in_again.fill("clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/portal/filings$"))  # back where it was


def test_another_partys_filing_url_is_the_not_found_page(world: World, page: Any) -> None:
    parcel = builders.import_set(order_no="SO-MINE-1", logistics_no="SF9990000002")
    _file_all(world, parcel)
    key = quote(f"{builders.EBP_CODE}|SO-MINE-1", safe="")
    sign_in(page, "rival-clerk")
    answer = page.goto(f"/portal/filings/inventory/{key}")
    assert answer.status == 404
    expect(page.locator("[data-status='404'] h1")).to_have_text("Not found")
    expect(page.locator("main")).not_to_contain_text("王小明")
    shot(page, "portal-not-found")


def test_pages_fit_a_phone_and_work_by_keyboard(world: World, phone: Any) -> None:
    sign_in(phone, "clerk")
    for path in ("/portal", "/portal/file/inventory", "/portal/filings", "/portal/keys",
                 "/portal/upload", "/sign-in?lang=zh-Hant"):  # fmt: skip
        phone.goto(path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    phone.goto("/portal/file/order?lang=zh-Hans")
    shot(phone, "phone-order-form-zh-Hans")
    phone.goto("/portal")
    phone.keyboard.press("Tab")  # the skip link first
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    focused = []
    for _ in range(25):
        phone.keyboard.press("Tab")
        focused.append(phone.evaluate("document.activeElement.getAttribute('href')"))
    assert "/portal/file/inventory" in focused


def _open(browser: Any, base_url: str) -> Any:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    return context.new_page()


def _file_all(world: World, parcel: builders.ImportSet) -> None:
    """Order, payment and waybill over the API and the list by the firm's form (HTTP)."""

    with TestClient(world.app, base_url="http://127.0.0.1:8000") as client:
        world.file_by_api(client, parcel)
        page = client.get("/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]  # type: ignore[index]
        client.post(
            "/sign-in", data={"username": "clerk", "password": PASSWORD, "csrf_token": token}
        )
        form = client.get("/portal/file/inventory").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]  # type: ignore[index]
        values = {**form_values(parcel), "csrf_token": token}
        filed = client.post("/portal/file/inventory", data=values, follow_redirects=False)
        assert filed.status_code == 303, filed.text


def _release_all_open(world: World, agency: str) -> None:
    """Release every open task of ``agency`` the way an officer's API client would."""
    officer = f"api:{agency}"
    for task in world.window.desk.list_tasks(agency, None, 1, 100).tasks:
        if task.status.value == "open":
            world.window.desk.claim(agency, officer, task.id)
            world.window.desk.decide(agency, officer, task.id, "release", None)
            world.window.app.clearance.settle([task.filing], reason=f"decision:{task.id}")


def test_uploading_many_files_shows_each_ones_receipts_or_refusal(page: Any) -> None:

    # the enterprise's own order (its own shop: ebpCode its code too, as the filing rights ask)
    own = builders.order(order_no="SO-UPLOAD-1", ebp_code=builders.EBC_CODE)
    sender = builders.base_transfer(cop_code=builders.EBC_CODE, cop_name="firm有限公司")
    order = msgspec.structs.replace(builders.order_message(own), base_transfer=sender)
    files = [
        {"name": "order.json", "mimeType": "application/json",
         "buffer": ceb_json.write_message(order)},
        {"name": "broken.xml", "mimeType": "application/xml", "buffer": b"<CEB311Message"},
    ]  # fmt: skip
    sign_in(page, "clerk")
    page.goto("/portal/upload")
    page.set_input_files("#upload-files", files)
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#upload-results")).to_have_attribute("data-done", "2")
    items = page.locator("#upload-results > li")
    expect(items.nth(0)).to_have_attribute("data-status", "201")
    expect(items.nth(0).locator("tr[data-type=CEB312]")).to_be_visible()
    expect(items.nth(1)).to_have_attribute("data-status", "422")
    expect(items.nth(1).locator(".alert")).to_have_attribute("data-code", re.compile("^CEB900"))
    shot(page, "portal-upload")
    # Chromium logs every non-2xx answer; the refused file's 422 is the one expected
    assert [p for p in page.problems if "status of 422" not in p] == []
