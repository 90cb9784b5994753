"""Market procurement in Chromium: an operator records sales (Traditional Chinese; a refused
form lists its coded problems), the foreign buyer confirms, the agent consolidates and reviews
the simplified declaration before sending it (Simplified Chinese), customs releases it in the
workbench (English), and the operator sees the decision on its sales."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from playwright.sync_api import expect
from portal_browser import shot
from portal_world import World
from test_portal_journeys import sign_in, sign_out

from tradewindow.clock import utc_now
from tradewindow.procurement.model import BuyerDocument, LicenceKind
from tradewindow.procurement.registry import AgentForm, BuyerForm, MarketForm, OperatorForm


def seed(world: World) -> None:
    p = world.window.app.market_procurement.sales
    p.register_market(
        MarketForm(
            id="gz-shiling",
            name_zh="广州花都狮岭皮革皮具市场",
            name_en="Guangzhou Shiling",
            city="440100",
            valid_from=date(2020, 1, 1),
        )
    )
    p.register_operator(
        OperatorForm(
            market_id="gz-shiling",
            name="陈记皮具",
            licence_kind=LicenceKind.USCC,
            licence_number="914401017M4Y9K2P0M",
            stall="3F-318",
            bank_account="6222021234567890123",
        ),
        "firm",
    )
    buyer = p.register_buyer(
        BuyerForm(
            market_id="gz-shiling",
            name="Amina Okafor",
            country="NG",
            document_kind=BuyerDocument.PASSPORT,
            document_number="A01234567",
        ),
        "platform",
    )
    agent = p.register_agent(
        AgentForm(
            name="广州市场采购代理有限公司",
            uscc="914401046A1B2C3D11",
            customs_code="4401960ABC",
            markets=("gz-shiling",),
        ),
        "broker",
    )
    p.commission("platform", buyer.id, agent.id)


def record(page: Any, hs_code: str, name: str, quantity: str, price: str) -> None:
    page.fill("input[name=hs_code]", hs_code)
    page.fill("input[name=name]", name)
    page.fill("input[name=quantity]", quantity)
    page.fill("input[name=price]", price)
    page.click("[data-step=record]")


def test_operators_sales_to_the_customs_decision(world: World, page: Any) -> None:
    seed(world)
    sign_in(page, "clerk")
    page.goto("/portal/procurement?lang=zh-Hant")
    expect(page.locator("h1")).to_have_text("市場採購貿易")
    record(page, "0000", "手提包", "0", "2")
    problems = page.locator("[data-problems]")
    expect(problems).to_be_visible()
    codes = problems.locator("[data-code]")
    expect(codes.first).to_have_attribute("data-code", "MPT.sale.hs_code.unknown")
    expect(problems).to_contain_text("數量應大於零")
    record(page, "4202221000", "PU手提包", "1000", "12.50")
    record(page, "4203300000", "皮带", "200", "3.10")
    expect(page.locator("tr[data-sale] [data-state=recorded]")).to_have_count(2)
    shot(page, "procurement-operator-hant")
    sign_out(page)

    sign_in(page, "platform-clerk")  # the foreign buyer
    page.goto("/portal/procurement?lang=en")
    page.locator("#confirm [data-step=confirm]").first.click()
    expect(page.locator("#confirm [data-step=confirm]")).to_have_count(1)
    sign_out(page)

    sign_in(page, "broker-clerk")  # the agent confirms the other sale for the buyer
    page.goto("/portal/procurement?lang=zh-Hans")
    page.click("#confirm [data-step=confirm]")
    page.fill("input[name=containers]", "CSQU3054383")
    page.select_option("select[name=port_of_loading]", "CNNSA")
    page.fill("input[name=destination]", "NG")
    page.click("[data-step=consolidate]")
    expect(page).to_have_url(re.compile(r"/portal/procurement/shipments/sh-[0-9a-f]+$"))
    expect(page.locator("[data-value]")).to_have_text("13120.00")
    expect(page.locator("table[data-items]")).to_have_attribute("data-items", "2")
    expect(page.locator("tr[data-item='1']")).to_have_attribute("data-hs", "4202221000")
    shot(page, "procurement-declaration-hans")
    page.click("[data-step=declare]")
    expect(page.locator(".lead [data-state]")).to_have_attribute("data-state", "declared")
    shipment_id = page.url.rsplit("/", 1)[1]
    sign_out(page)

    sign_in(page, "officer-customs")
    page.goto("/workbench/procurement?lang=en")
    item = page.locator(f"li[data-shipment='{shipment_id}']")
    item.locator("input[name=note]").fill("document review")
    item.locator("[data-step=decide]").click()
    expect(page.locator("[data-empty]")).to_be_visible()
    sign_out(page)

    sign_in(page, "clerk")
    page.goto("/portal/procurement?lang=en")
    expect(page.locator("tr[data-sale] [data-state=declared]")).to_have_count(2)
    sign_out(page)

    sign_in(page, "officer-commerce")  # informed: its notices and the market's figures
    page.goto("/workbench/notices?lang=zh-Hans")
    page.click("a[href='/workbench/procurement/figures']")
    expect(page.locator("h1")).to_have_text("市场采购统计")
    figures = page.locator("tr[data-figure]")
    expect(figures).to_have_count(1)  # both goods are of chapter 42, one market, to NG
    expect(figures.first).to_have_attribute("data-figure", "gz-shiling/NG/42")
    expect(page.locator("[data-exemptions]")).to_have_count(0)  # not commerce's business
    expect(page.locator("body")).not_to_contain_text("陈记皮具")  # no operator's name
    page.goto("/workbench/procurement/figures?month=2001-01&lang=en")
    expect(page.locator("[data-empty]")).to_be_visible()
    sign_out(page)

    sign_in(page, "officer-taxation")  # the VAT-exempt sales per operator
    page.goto("/workbench/procurement/figures?lang=en")
    exempt = page.locator("tr[data-operator]")
    expect(exempt).to_have_count(1)  # one operator, its two sales of the month
    expect(exempt.locator("td").nth(1)).to_have_text("2")
    # the browser reports the refused form's answer (422) as a failed load: that one only
    assert [p for p in page.problems if "(Unprocessable Entity)" not in p] == []


def test_a_stranger_and_another_agency_find_nothing(world: World, page: Any) -> None:
    seed(world)
    sign_in(page, "rival-clerk")
    page.goto("/portal/procurement?lang=en")
    expect(page.locator("[data-empty]").first).to_be_visible()
    answer = page.goto("/portal/procurement/shipments/sh-0000")
    assert answer is not None
    assert answer.status == 404
    page.context.clear_cookies()
    sign_in(page, "officer-taxation")
    answer = page.goto("/workbench/procurement")
    assert answer is not None
    assert answer.status == 403


def _sales_csv(buyer: str, *rows: str) -> dict[str, Any]:
    header = "sale_ref,buyer_id,sold_on,currency,hs_code,name,quantity,unit,price"
    body = "\n".join((header, *(row.format(buyer=buyer, day=utc_now().date()) for row in rows)))
    return {"name": "sales.csv", "mimeType": "text/csv", "buffer": body.encode()}


def test_an_operator_uploads_sales_then_corrects_and_cancels_with_history(
    world: World, page: Any
) -> None:
    seed(world)
    buyer = world.window.app.market_procurement.sales.buyers_for_operators("firm")[0].id
    sign_in(page, "clerk")
    page.goto("/portal/procurement?lang=en")
    template = page.request.get("/portal/procurement/sales.csv")
    assert template.text().startswith("sale_ref,buyer_id,sold_on,")
    assert buyer in template.text()

    bad = _sales_csv(
        buyer,
        "A,{buyer},{day},USD,4202221000,PU handbag,100,011,12.50",
        "B,{buyer},{day},USD,4202221000,PU handbag",
    )
    page.set_input_files("#upload input[type=file]", bad)
    page.click("[data-step=upload]")
    expect(page.locator("[data-problems] [data-code]")).to_have_attribute(
        "data-code", "MPT.csv.columns"
    )
    expect(page.locator("tr[data-sale]")).to_have_count(0)  # all or none

    good = _sales_csv(
        buyer,
        "A,{buyer},{day},USD,4202221000,PU handbag,100,011,12.50",
        "A,{buyer},{day},USD,4203300000,Belt,20,011,3.10",
        "B,{buyer},{day},USD,4202310000,Wallet,50,011,4.00",
    )
    page.set_input_files("#upload input[type=file]", good)
    page.click("[data-step=upload]")
    expect(page.locator("[data-recorded]")).to_have_attribute("data-recorded", "2")
    expect(page.locator("tr[data-sale] [data-state=recorded]")).to_have_count(2)

    page.locator("tr[data-sale]", has_text="1312.00").locator("a").click()  # sale A
    expect(page.locator("table[data-lines]")).to_have_attribute("data-lines", "2")
    expect(page.locator("[data-total]")).to_have_text("USD 1312.00")
    page.fill("input[name=line-0-quantity]", "80")
    page.check("input[name=line-1-drop]")
    page.fill("#correct input[name=note]", "the buyer took 80 bags and no belts")
    page.click("[data-step=correct]")
    expect(page.locator("[data-total]")).to_have_text("USD 1000.00")
    expect(page.locator("table[data-lines]")).to_have_attribute("data-lines", "1")
    expect(page.locator("li[data-action]")).to_have_count(2)
    expect(page.locator("li[data-action=corrected]")).to_contain_text("no belts")

    page.fill("#correct input[name=line-0-price]", "-1")
    page.fill("#correct input[name=note]", "wrong price")
    page.click("[data-step=correct]")
    expect(page.locator("[data-problems]")).to_be_visible()  # refused by the sale's rules
    expect(page.locator("[data-total]")).to_have_text("USD 1000.00")  # nothing changed

    page.goto("/portal/procurement?lang=en")
    page.locator("tr[data-sale]", has_text="200.00").locator("a").click()  # sale B
    page.fill("#cancel input[name=note]", "stall closed")
    page.click("[data-step=cancel]")
    expect(page.locator(".lead [data-state]")).to_have_attribute("data-state", "cancelled")
    expect(page.locator("#correct")).to_have_count(0)  # no more changes
    sign_out(page)

    sign_in(page, "platform-clerk")  # the buyer sees the history, cannot change it
    page.goto("/portal/procurement?lang=zh-Hans")
    expect(page.locator("#confirm li[data-sale]")).to_have_count(1)
    sale_a = page.locator("#confirm li[data-sale]").get_attribute("data-sale")
    page.goto(f"/portal/procurement/sales/{sale_a}?lang=zh-Hans")
    expect(page.locator("li[data-action=corrected]")).to_contain_text("更正")
    expect(page.locator("#correct")).to_have_count(0)
    assert [p for p in page.problems if "(Unprocessable Entity)" not in p] == []
