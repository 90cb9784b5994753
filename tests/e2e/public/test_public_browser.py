"""Visitors' journeys through the public services in Debian's Chromium: check a faulty CEB
message in the sandbox and see each error, find an HS code by words and by code from the
keyboard, read the status page, switch language; no console errors, no sideways scrolling
on a phone. Screenshots go to ``$TRADEWINDOW_SCREENSHOTS`` (else a temporary folder)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from tradewindow.sandbox import check
from tradewindow.store.schema import documents, messages

SAMPLES = Path(__file__).parents[2] / "data" / "ceb"
PAGES = ("/lookup?q=milk", "/lookup/hs/0401", "/lookup/codes/countries", "/sandbox", "/status")


def faulty_order() -> bytes:
    data = (SAMPLES / "order_311.xml").read_bytes()
    data = data.replace(b"<ceb:goodsValue>500.00", b"<ceb:goodsValue>510.00")
    data = data.replace(b"<ceb:orderType>I<", b"<ceb:orderType>X<")
    return data.replace(
        b"<ceb:currency>142</ceb:currency>", b"<ceb:currency>1420</ceb:currency>", 1
    )


def test_a_visitor_checks_a_faulty_message_and_sees_each_error(page, screenshots) -> None:
    data = faulty_order()
    expected = check([("order.xml", data)]).messages[0]
    assert expected.rule_violations
    assert expected.xsd_errors
    page.goto("/sandbox")
    page.set_input_files(
        "#sandbox-files", [{"name": "order.xml", "mimeType": "application/xml", "buffer": data}]
    )
    page.get_by_role("button", name="Check", exact=True).click()
    report = page.locator('[data-source="order.xml"]')
    report.wait_for()
    for violation in [*expected.xsd_errors, *expected.rule_violations]:
        field = report.locator(f'li.fault[data-path="{violation.path}"]')
        assert field.count() >= 1, violation.path
        shown = field.locator(f'[data-code="{violation.code}"]')
        assert shown.count() >= 1, (violation.path, violation.code)
        assert violation.en in shown.first.inner_text()
    assert report.locator('[data-receipt="CEB900"]').count() == 1
    predicted = report.locator('ul.predicted[data-outcome="unreadable"]')
    assert "would get a CEB900" in predicted.inner_text()  # what filing it would answer
    assert page.locator("#sandbox-report").evaluate("e => e === document.activeElement")
    page.screenshot(path=str(screenshots / "sandbox-report-en.png"), full_page=True)
    assert page.problems == []


def test_the_sample_set_is_predicted_as_filing_would_decide_it(page) -> None:
    """The sandbox runs the agencies' routing: the sample list waits for inspection &
    quarantine (399), as ``clear`` and the API decide it; the page says so."""
    page.goto("/sandbox")
    samples = Path(__file__).parents[2] / "data" / "ceb"
    names = ["order_311.xml", "payment_411.xml", "waybill_511.xml", "inventory_621.xml"]
    page.set_input_files(
        "#sandbox-files",
        [
            {"name": n, "mimeType": "application/xml", "buffer": (samples / n).read_bytes()}
            for n in names
        ],
    )
    page.get_by_role("button", name="Check", exact=True).click()
    listed = page.locator('[data-source="inventory_621.xml"] li[data-document="inventory"]')
    listed.wait_for()
    assert listed.get_attribute("data-status") == "399"
    assert "inspection & quarantine" in listed.inner_text()
    signature = page.locator('[data-source="inventory_621.xml"] [data-signature]')
    assert signature.get_attribute("data-signature") == "intact"
    assert page.problems == []


def test_a_visitor_finds_an_hs_code_by_words_then_by_code_from_the_keyboard(page) -> None:
    page.goto("/lookup")
    search = page.get_by_label("Search codes")
    search.focus()
    page.keyboard.type("milk cream")
    page.locator('[data-hs-results] tr[data-code="0401"]').wait_for()
    rows = page.locator("[data-hs-results] tbody tr")
    assert all("milk" in t.casefold() for t in rows.all_inner_texts())
    page.wait_for_url("**q=milk%20cream")  # the search is in the address, to share or go back
    search.fill("")
    page.keyboard.type("040110")
    page.keyboard.press("Enter")  # the form works without waiting for the live search
    page.locator('[data-hs-results] tr[data-code="040110"]').wait_for()
    page.locator('[data-hs-results] a:text-is("040110")').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/lookup/hs/040110**")
    crumbs = page.locator(".breadcrumb li").all_inner_texts()
    assert crumbs[-3:] == ["04", "0401", "040110"]
    assert "not exceeding 1%" in page.locator(".hs-description").inner_text()
    assert page.problems == []


def test_ports_and_customs_codes_are_found_as_you_type(page) -> None:
    page.goto("/lookup/ports")
    page.locator("#ports-q").fill("yantian")
    page.locator("#ports-country").fill("CN")
    page.locator('[data-port-results] tr[data-code="CNYTN"]').wait_for()
    page.goto("/lookup/codes/currencies")
    page.get_by_label("Filter by code, name or ISO code").fill("USD")
    rows = page.locator('[data-code-table="currencies"] tbody tr')
    expect(rows).to_have_count(1)  # the table of 22 currencies narrowed to the US dollar
    assert rows.get_attribute("data-code") == "502"
    assert page.problems == []


def test_the_status_page_loads_with_the_api_figures(page, screenshots) -> None:
    page.goto("/status")
    api = page.request.get("/api/v1/status").json()
    assert page.locator("[data-healthy]").get_attribute("data-healthy") == "true"
    shown = page.locator('[data-total="documents"] .tile__value').inner_text()
    assert shown == str(api["throughput"]["documents"])
    assert page.locator(".minutes__bar").count() == 60
    rows = page.locator("tr[data-agency]")
    assert rows.count() == len(api["queues"]["agencies"])
    page.screenshot(path=str(screenshots / "status-en.png"), full_page=True)
    assert page.problems == []


def test_the_language_switch_works_on_each_public_page_and_is_remembered(page) -> None:
    page.goto("/lookup")
    page.locator('.language-switch a[data-lang="zh-Hans"]').click()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "HS编码与代码查询"
    page.locator('.site-nav a[href="/sandbox"]').click()
    assert page.locator("h1").inner_text() == "跨境电商报文符合性沙箱"  # the cookie holds
    page.locator('.language-switch a[data-lang="zh-Hant"]').click()
    assert page.locator("h1").inner_text() == "跨境電商報文符合性沙箱"
    page.locator('.site-nav a[href="/status"]').click()
    assert page.locator("h1").inner_text() == "服務狀態"
    page.locator('.language-switch a[data-lang="en"]').click()
    assert page.locator("h1").inner_text() == "Service status"
    assert page.problems == []


@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
def test_a_phone_sized_screen_needs_no_horizontal_scrolling(
    browser, base_url, language, screenshots
) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    phone = context.new_page()
    problems: list[str] = []
    phone.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    for path in PAGES:
        phone.goto(f"{path}{'&' if '?' in path else '?'}lang={language}")
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
        name = path.strip("/").split("?")[0].replace("/", "-")
        phone.screenshot(path=str(screenshots / f"phone-{name}-{language}.png"), full_page=True)
    phone.goto(f"/sandbox?lang={language}")
    phone.locator("#sandbox-pasted").fill(faulty_order().decode())
    phone.locator(".sandbox-form button[type=submit]").click()
    phone.locator('[data-source="pasted.xml"]').wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(screenshots / f"phone-sandbox-report-{language}.png"), full_page=True)
    context.close()
    assert problems == []


def test_the_throughput_chart_stays_inside_its_card(app, page) -> None:
    """A busy hour: each message carries many documents, and the bars (documents per minute)
    are scaled by the busiest minute's documents — none grows out of its card."""
    engine = app.state.window.app.store.engine
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for minute in range(1, 40, 3):
            at = now - timedelta(minutes=minute)
            guid = f"BUSY-{minute:03d}"
            connection.execute(
                insert(messages).values(guid=guid, message_type="CEB311", sender="4403960001",
                                        digest="d", received_at=at, document_count=60 + minute)
            )  # fmt: skip
            connection.execute(
                insert(documents),
                [
                    {"kind": "order", "key": f"{guid}|{n}", "status": "accepted",
                     "message_guid": guid, "version": 1, "body": b"{}", "received_at": at,
                     "updated_at": at}
                    for n in range(60 + minute)
                ],
            )  # fmt: skip
    page.goto("/status")
    card = page.locator("section.card:has(.minutes__bars)").bounding_box()
    chart = page.locator(".minutes__bars").bounding_box()
    bars = page.locator(".minutes__bar")
    assert bars.count() == 60
    tallest = 0.0
    for index in range(bars.count()):
        bar = bars.nth(index).bounding_box()
        if bar is None or bar["height"] == 0:
            continue
        tallest = max(tallest, bar["height"])
        assert bar["y"] >= chart["y"] - 0.5, index
        assert bar["y"] + bar["height"] <= chart["y"] + chart["height"] + 0.5, index
        assert card["y"] <= bar["y"] <= card["y"] + card["height"], index
    assert tallest >= 0.9 * chart["height"]  # the busiest minute fills the chart (less padding)
    assert page.problems == []
