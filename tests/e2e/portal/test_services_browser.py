"""Service trade in Chromium, in all three scripts: a Hong Kong architect applies in the
portal (Traditional Chinese) with documents, the licence is verified through the simulated
register, a refused form lists every problem; the competent department's officer decides in
the workbench (Simplified Chinese); the public register shows the recognition (English)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from portal_browser import open_page, shot
from portal_world import PASSWORD, World
from test_every_page_browser import OWN_TEXT, simplified_only
from test_portal_journeys import sign_in, sign_out

import services_builders as sb
from tradewindow.parties.model import RegisterParty
from tradewindow.services.recognition import HomeLicence
from tradewindow.services.recognition_service import Officer
from tradewindow.services.registry import Editor


def seed(world: World) -> None:
    parties = world.window.app.parties  # the bootstrap registry knows the departments
    parties.register(
        RegisterParty(
            id="sz-housing-office",
            name_zh="深圳市住房和建设局",
            name_en="Shenzhen Housing and Construction Bureau",
            kind="agency",
            roles=("sz_housing",),
            jurisdictions=("CN",),
        )
    )
    world.accounts.add("sz-housing-office", "officer-sz-housing", PASSWORD)
    trade = world.window.app.service_trade
    trade.recognitions.load_professions([sb.profession()])
    trade.registers["HK"].enrol("hk-arb", "ARB-1234", "CHAN Tai Man", date(2028, 3, 31))


def fill(page: Any, tmp_path: Path, identity_number: str) -> None:
    page.select_option("select[name=identity_kind]", "hk_identity_card")
    page.fill("input[name=identity_number]", identity_number)
    page.fill("input[name=name_en]", "CHAN Tai Man")
    page.fill("input[name=name_zh]", "陳大文")
    page.select_option("select[name=licence_authority]", "hk-arb")
    page.fill("input[name=licence_number]", "ARB-1234")
    page.fill("input[name=licence_valid_until]", "2028-03-31")
    page.fill("input[name=employer_uscc]", sb.EMPLOYER_USCC)
    page.fill("input[name=employer_name]", "华为技术有限公司")
    page.select_option("select[name=city]", "shenzhen")
    for kind, content, suffix in (
        ("identity", sb.PDF, "pdf"),
        ("licence", sb.PNG, "png"),
        ("employment", sb.PDF, "pdf"),
    ):
        path = tmp_path / f"{kind}.{suffix}"
        path.write_bytes(content)
        page.set_input_files(f"input[name={kind}]", str(path))


def test_apply_verify_decide_and_the_public_register(
    world: World, page: Any, tmp_path: Path
) -> None:
    seed(world)
    sign_in(page, "clerk")
    page.goto("/portal/services/apply?lang=zh-Hant")
    expect(page.locator("h1")).to_have_text("申請執業備案")
    fill(page, tmp_path, "A123456(4)")  # a wrong check character
    page.click("form[enctype] button[type=submit]")
    problems = page.locator("[data-problems]")
    expect(problems).to_have_attribute("data-problems", "1")
    expect(problems.locator("[data-code]")).to_have_attribute(
        "data-code", "services.identity.hkid.check"
    )
    expect(problems).to_contain_text("香港身份證號碼校驗碼錯誤")
    fill(page, tmp_path, "A123456(3)")
    page.click("form[enctype] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/portal/services/SA[0-9A-F]+$"))
    expect(page.locator(".lead [data-state]")).to_have_attribute("data-state", "verified")
    expect(page.locator("[data-verification]")).to_have_attribute("data-verification", "confirmed")
    application_id = page.url.rsplit("/", 1)[1]
    shot(page, "services-application-hant")
    sign_out(page)

    sign_in(page, "officer-sz-housing")
    page.goto("/workbench/services?lang=zh-Hans")
    page.click(f"tr[data-application='{application_id}'] a")
    expect(page.locator("[data-identity]")).to_contain_text("A123456(3)")
    page.check("input[name=decision][value=approve]")
    page.fill("textarea[name=reasons]", "符合条件")
    page.click("#decide button[type=submit]")
    expect(page.locator(".lead [data-state]")).to_have_attribute("data-state", "recognised")
    filing = page.locator("[data-filing]").inner_text()
    shot(page, "services-decided-hans")
    sign_out(page)

    page.goto("/services/register?lang=en&q=CHAN")
    row = page.locator(f"tr[data-filing='{filing}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("ARB-1234")
    expect(row).not_to_contain_text("A123456")  # never the identity number
    expect(row.locator("[data-state]")).to_have_attribute("data-state", "recognised")
    page.goto("/services/register?lang=zh-Hant")
    expect(page.locator("h1")).to_have_text("港澳專業人士執業備案名錄")
    shot(page, "services-register-hant")
    # the browser reports the refused form's answer (422) as a failed load: that one only
    assert [p for p in page.problems if "(Unprocessable Entity)" not in p] == []


def test_another_firms_clerk_and_another_department_find_nothing(world: World, page: Any) -> None:
    seed(world)
    app = world.window.app.service_trade.recognitions.apply("firm", sb.form(), sb.uploads())
    sign_in(page, "rival-clerk")
    answer = page.goto(f"/portal/services/{app.id}")
    assert answer is not None
    assert answer.status == 404
    page.context.clear_cookies()
    sign_in(page, "officer-customs")  # an agency, but not the competent department
    answer = page.goto(f"/workbench/services/{app.id}")
    assert answer is not None
    assert answer.status == 403


def test_every_services_page_fits_a_phone_and_speaks_traditional_chinese(
    world: World, browser: Any, base_url: str
) -> None:
    seed(world)
    editors(world)
    trade = world.window.app.service_trade
    li = Editor(officer="li", department="gz_justice")
    trade.registry.draft(li, sb.in_force())
    trade.registry.submit(li, "gz-72/1")
    trade.registry.publish(Editor(officer="wang", department="gz_justice"), "gz-72/1")
    app = trade.recognitions.apply("firm", sb.form(), sb.uploads())
    officer = Officer(officer="zhou", department="sz_housing")
    trade.recognitions.decide(officer, app.id, "approve", "符合条件")
    visits = [
        (None, "/services/"),
        (None, "/services/?q=律師&status=in_force"),
        (None, "/services/rules/gz-72/1"),
        (None, "/services/register"),
        (None, "/services/statistics"),
        ("clerk", "/portal/services"),
        ("clerk", "/portal/services/apply"),
        ("clerk", f"/portal/services/{app.id}"),
        ("officer-sz-housing", "/workbench/services"),
        ("officer-sz-housing", f"/workbench/services/{app.id}"),
        ("editor-li", "/workbench/rules/"),
        ("editor-li", "/workbench/rules/new"),
        ("editor-li", "/workbench/rules/gz-72/1"),
    ]
    phones: dict[str | None, Any] = {}
    try:
        for who, path in visits:
            if who not in phones:
                phones[who] = open_page(browser, base_url, width=390, height=844)
                phones[who].goto("/?lang=zh-Hant")
                if who:
                    sign_in(phones[who], who)
            phone = phones[who]
            phone.goto(path)
            expect(phone.locator("html")).to_have_attribute("lang", "zh-Hant")
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
            simplified = {c for c in phone.evaluate(OWN_TEXT) if c in simplified_only()}
            assert not simplified, (path, "".join(sorted(simplified)))
        found = phones[None]
        found.goto("/services/statistics")
        expect(found.locator("[data-in-register]")).to_have_attribute("data-in-register", "1")
        expect(found.locator("[data-chart=monthly]")).to_have_attribute("data-drawn", "true")
        expect(found.locator("[data-chart=fields]")).to_have_attribute("data-drawn", "true")
        expect(found.locator("tr[data-field=legal] td[data-status=in_force]")).to_have_text("1")
        expect(found.locator("tr[data-profession='hk-architect'] td")).to_have_text("1")
        found.goto("/services/?q=律師")
        expect(found.locator("[data-total]")).to_have_attribute("data-total", "1")
        found.goto("/services/")
        found.select_option("select[name=department]", "gz_justice")
        found.click("form[role=search] button[type=submit]")
        expect(found.locator("[data-total]")).to_have_attribute("data-total", "1")
        found.goto("/services/?department=sz_health")
        expect(found.locator("[data-total]")).to_have_attribute("data-total", "0")
        for phone in phones.values():
            assert phone.problems == []
    finally:
        for phone in phones.values():
            phone.context.close()


def editors(world: World) -> None:
    parties = world.window.app.parties
    parties.register(
        RegisterParty(
            id="gz-justice-office",
            name_zh="广州市司法局",
            name_en="Guangzhou Municipal Justice Bureau",
            kind="agency",
            roles=("gz_justice",),
            jurisdictions=("CN",),
        )
    )
    world.accounts.add("gz-justice-office", "editor-li", PASSWORD)
    world.accounts.add("gz-justice-office", "editor-wang", PASSWORD)


def test_the_editors_draft_submit_and_another_publishes(world: World, page: Any) -> None:
    editors(world)
    sign_in(page, "editor-li")
    page.goto("/workbench/rules/new?lang=zh-Hant")
    page.fill("input[name=list_code]", "gz-72")
    page.fill("input[name=number]", "5")
    page.select_option("select[name=field]", "legal")
    page.fill("input[name=title_en]", "Hong Kong lawyers in partnership firms")
    page.fill("input[name=title_zh]", "粤港澳合伙联营律师事务所")
    page.fill("textarea[name=mainland_rule]", "《律师事务所管理办法》")
    page.check("input[name=counterpart][value=MO]")
    page.fill("textarea[name=counterpart_rule]", "Cap. 159")
    page.fill("textarea[name=measure_en]", "Partnership firms may take Hong Kong partners")
    page.fill("textarea[name=measure_zh]", "可吸收港澳律师为合伙人")
    page.select_option("select[name=cities]", ["guangzhou", "shenzhen"])
    page.select_option("select[name=status]", "in_force")
    page.fill("textarea[name=milestones]", "2026-01-05 planned\n2026-06-01 in_force")
    page.click("form[action='/workbench/rules/draft'] button[type=submit]")
    expect(page.locator("[data-code]")).to_have_attribute(
        "data-code", "services.registry.in_force.evidence"
    )  # in force needs its evidence link; nothing is kept
    page.fill(
        "textarea[name=milestones]",
        "2026-01-05 planned\n2026-06-01 in_force https://www.gd.gov.cn/notice",
    )
    page.click("form[action='/workbench/rules/draft'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/workbench/rules/gz-72/5$"))
    expect(page.locator(".lead [data-workflow]")).to_have_attribute("data-workflow", "draft")
    page.click("[data-step=submit]")
    expect(page.locator(".lead [data-workflow]")).to_have_attribute("data-workflow", "in_review")
    page.click("[data-step=publish]")  # the author may not
    expect(page.locator("[data-code]")).to_have_attribute(
        "data-code", "services.registry.four_eyes"
    )
    sign_out(page)
    sign_in(page, "editor-wang")
    page.goto("/workbench/rules/")
    page.click("li[data-item='gz-72/5'] a")
    page.fill("form[action$='/publish'] input[name=note]", "checked")
    page.click("[data-step=publish]")
    expect(page.locator(".lead [data-workflow]")).to_have_attribute("data-workflow", "published")
    actions = page.locator("li[data-action]")
    expect(actions).to_have_count(3)
    sign_out(page)
    page.goto("/services/?lang=zh-Hant&q=律師")
    expect(page.locator("tr[data-item='gz-72/5']")).to_be_visible()
    page.goto("/services/rules/gz-72/5?lang=en")
    expect(page.locator("[data-milestone=in_force] a")).to_have_attribute(
        "href", "https://www.gd.gov.cn/notice"
    )
    assert [
        p for p in page.problems if "(Unprocessable Entity)" not in p and "(Conflict)" not in p
    ] == []


def test_the_applicant_is_reminded_renews_and_withdraws(world: World, page: Any) -> None:
    seed(world)
    trade = world.window.app.service_trade
    today = datetime.now(UTC).date()  # the served app's clock
    soon = today + timedelta(days=30)
    later = today + timedelta(days=900)
    register = trade.registers["HK"]
    register.enrol("hk-arb", "ARB-1234", "CHAN Tai Man", soon)
    form = sb.form(licence=HomeLicence(authority="hk-arb", number="ARB-1234", valid_until=soon))
    recognised = trade.recognitions.apply("firm", form, sb.uploads())
    officer = Officer(officer="zhou", department="sz_housing")
    trade.recognitions.decide(officer, recognised.id, "approve", "")
    waiting = trade.recognitions.apply("firm", sb.form(), sb.uploads())
    sign_in(page, "clerk")
    page.goto(f"/portal/services/{recognised.id}?lang=en")
    expect(page.locator("[data-reminder]")).to_contain_text(soon.isoformat())
    page.fill("#renew input[name=valid_until]", today.isoformat())
    page.click("[data-step=renew]")  # a validity that is not after today: refused
    expect(page.locator("#renew [data-code]")).to_have_attribute(
        "data-code", "services.licence.expired"
    )
    register.enrol("hk-arb", "ARB-1234", "CHAN Tai Man", later)
    page.fill("#renew input[name=valid_until]", later.isoformat())
    page.click("[data-step=renew]")
    expect(page.locator("li[data-event=renewed]")).to_have_count(1)
    expect(page.locator("[data-reminder]")).to_have_count(0)
    page.goto(f"/portal/services/{waiting.id}")
    page.click("[data-step=withdraw]")
    expect(page.locator(".lead [data-state]")).to_have_attribute("data-state", "withdrawn")
    assert [p for p in page.problems if "(Unprocessable Entity)" not in p] == []
