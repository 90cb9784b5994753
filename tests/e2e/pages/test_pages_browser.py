"""The dashboard in Debian's Chromium: no console errors, the language switch, each headline
number against the JSON API, the htmx table against its CSV, a phone-sized screen, the
keyboard. Screenshots of each language go to ``$TRADEWINDOW_SCREENSHOTS`` (else a temporary
folder) for a person to look at."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

CHARTS = 6  # monthly, city, HS chapters, partners, imports and exports, destinations
TITLES = {
    "en": "Cross-border trade statistics",
    "zh-Hans": "跨境贸易统计",
    "zh-Hant": "跨境貿易統計",
}
# a figure as the page writes it → (number, unit of its last digit)
SCALES = {"bn": Decimal(10) ** 9, "m": Decimal(10) ** 6, "亿": Decimal(10) ** 8}
SCALES |= {"億": SCALES["亿"], "万": Decimal(10) ** 4, "萬": Decimal(10) ** 4}


def read_figure(text: str) -> tuple[Decimal, Decimal]:
    """``¥48.18 bn`` → (48180000000, 5000000): the number and half its last digit's unit."""
    match = re.fullmatch(r"¥?([\d,]+(?:\.(\d+))?)\s*(bn|m|亿|億|万|萬)?元?(%)?", text.strip())
    assert match, f"not a figure: {text!r}"
    number = Decimal(match[1].replace(",", ""))
    scale = SCALES.get(match[3] or "", Decimal(1)) / (100 if match[4] else 1)
    half = Decimal(5) * Decimal(10) ** -(len(match[2] or "") + 1) * scale
    return number * scale, half


def open_dashboard(page: Any, query: str = "") -> None:
    page.goto(f"/stats{query}")
    # a function, not an expression: Playwright evals an expression, which the CSP refuses
    page.wait_for_function(
        "n => document.querySelectorAll('[data-chart][data-rendered=\"true\"]').length == n",
        arg=CHARTS,
        timeout=20_000,
    )


def api(page: Any, path: str) -> Any:
    response = page.request.get(path)
    assert response.ok, path
    return response.json()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("TRADEWINDOW_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_dashboard_loads_and_draws_every_chart_without_console_errors(page) -> None:
    open_dashboard(page)
    assert page.locator("h1").inner_text() == TITLES["en"]
    assert page.locator("[data-chart] svg").count() == CHARTS
    assert page.problems == []


def test_language_switch_goes_en_to_simplified_to_traditional_and_is_remembered(page) -> None:
    open_dashboard(page)
    switch = page.get_by_role("navigation", name="Language")
    switch.get_by_role("link", name="简体中文").click()
    page.wait_for_url("**lang=zh-Hans**")
    assert page.locator("h1").inner_text() == TITLES["zh-Hans"]
    assert page.get_by_role("link", name="贸易统计").count() == 1
    assert page.locator('[data-figure="digital_rate"] h3').inner_text() == "数字化应用率"
    page.get_by_role("navigation", name="语言").get_by_role("link", name="繁體中文").click()
    page.wait_for_url("**lang=zh-Hant**")
    assert page.locator("h1").inner_text() == TITLES["zh-Hant"]
    assert page.locator('[data-figure="digital_rate"] h3').inner_text() == "數碼化應用率"
    assert page.locator("html").get_attribute("lang") == "zh-Hant"
    page.goto("/stats")  # no ?lang=: the cookie remembers the choice
    assert page.locator("h1").inner_text() == TITLES["zh-Hant"]
    page.get_by_role("navigation", name="語言").get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en**")
    assert page.locator("h1").inner_text() == TITLES["en"]
    assert page.problems == []


@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
def test_each_headline_number_equals_the_api_figure(page, language: str, screenshots) -> None:
    query = f"?through=2026-03-15&direction=import&lang={language}"
    open_dashboard(page, query)
    figures = api(page, f"/stats/api/headline{query}")["figures"]
    assert len(figures) == 5
    for figure in figures:
        card = page.locator(f'[data-figure="{figure["key"]}"]')
        assert card.get_attribute("data-value") == figure["value"]
        shown = card.locator("[data-display]").inner_text()
        assert shown == figure["display"]
        number, half = read_figure(shown)
        exact = Decimal(figure["value"])
        assert abs(number - exact) <= half, (figure["key"], shown, exact)
        assert figure["as_of_display"] in card.inner_text()
        assert figure["definition_text"] in card.inner_text()
    page.screenshot(path=str(screenshots / f"dashboard-{language}.png"), full_page=True)
    assert page.problems == []


def test_chart_data_on_the_page_equals_the_api(page) -> None:
    open_dashboard(page, "?lang=en")
    ranking = api(page, "/stats/api/ranking/city?lang=en")["items"]
    card = page.locator("figure.card", has=page.locator('[data-src*="ranking/city"]'))
    card.locator("summary").click()
    names = card.locator(".ranked li > span:first-child").all_inner_texts()
    values = card.locator(".ranked__value").all_inner_texts()
    assert names == [item["name"] for item in ranking]
    assert values == [item["display"] for item in ranking]
    monthly = api(page, "/stats/api/monthly?lang=en")["points"]
    monthly_card = page.locator("figure.card--wide", has=page.locator('[data-chart="monthly"]'))
    table = monthly_card.locator("table tbody")
    assert table.locator("th").all_text_contents() == [point["period"] for point in monthly]
    values = table.locator("td:nth-of-type(1)").all_text_contents()
    assert values == [point["display"] for point in monthly]


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_the_hs_treemap_names_chapters_in_chinese_as_the_api_does(page, language) -> None:
    open_dashboard(page, f"?lang={language}")
    ranking = api(page, f"/stats/api/ranking/hs_chapter?lang={language}")["items"]
    drawn = page.evaluate(
        """() => echarts.getInstanceByDom(document.querySelector('[data-chart="treemap"]'))
                 .getOption().series[0].data.map(d => [d.name, d.title])"""
    )
    assert drawn == [[item["name"], item["title"]] for item in ranking]
    card = page.locator("figure.card", has=page.locator('[data-src*="ranking/hs_chapter"]'))
    card.locator("summary").click()
    names = card.locator(".ranked li > span:first-child").all_inner_texts()
    assert names == [item["name"] for item in ranking]
    perfumery = {"zh-Hans": "33 精油及香膏", "zh-Hant": "33 精油及香膏"}[language]
    cereals = {
        "zh-Hans": "19 谷物、粮食粉、淀粉或乳的制品",
        "zh-Hant": "19 穀物、糧食粉、澱粉或乳的製品",
    }
    assert {perfumery, cereals[language]} <= set(names)
    drawn_text = page.locator('[data-chart="treemap"] svg').text_content() or ""
    assert drawn_text.count("精油及香膏") == 1  # the box label, drawn from the API's name
    assert page.problems == []


def test_breakdown_form_swaps_the_table_and_the_csv_matches_it(page) -> None:
    open_dashboard(page, "?lang=zh-Hans")
    form = page.locator("form.breakdown-form")
    form.get_by_label("城市").uncheck()
    form.get_by_label("HS章").check()
    form.get_by_label("贸易伙伴").check()
    form.get_by_label("清单票数").check()
    form.get_by_label("周期").select_option("quarter")
    form.locator("select[name=flow]").select_option("all")
    form.get_by_label("开始日期").fill("2025-01-01")
    with page.expect_response("**/stats/table?**"):
        form.get_by_role("button", name="生成表格").click()
    table = page.locator('[data-table="breakdown"]')
    table.locator("th", has_text="HS章名称").wait_for()
    assert "by=hs_chapter" in page.url  # htmx pushed the dashboard's own URL
    header = table.locator("thead th").all_inner_texts()
    kinds = _kinds(table)
    rows = []
    for row in table.locator("tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        # the page groups thousands (1,234.56); the CSV has plain numbers
        rows.append(
            [c.replace(",", "") if k == "measure" else c for c, k in zip(cells, kinds, strict=True)]
        )
    with page.expect_download() as download:
        page.locator("[data-csv]").click()
    lines = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert lines[0] == header
    assert lines[1:] == rows
    assert len(rows) > 100
    assert page.problems == []


def _kinds(table: Any) -> list[str]:
    return [
        c.split()[0] if c else ""
        for c in table.locator("thead th").evaluate_all("cells => cells.map(c => c.className)")
    ]


@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
def test_a_phone_sized_screen_needs_no_horizontal_scrolling(
    browser, base_url, language, screenshots
) -> None:
    context = browser.new_context(
        base_url=base_url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    try:
        open_dashboard(phone, f"?lang={language}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width}px wide on a 390px screen"
        for chart in phone.locator("[data-chart]").all():
            box = chart.bounding_box()
            assert box is not None
            assert 0 <= box["x"] <= box["x"] + box["width"] <= 390
        phone.screenshot(path=str(screenshots / f"phone-{language}.png"))
    finally:
        context.close()


def test_the_page_is_usable_from_the_keyboard(page) -> None:
    open_dashboard(page, "?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # the language links and the table's controls are reachable by Tab
    reached: set[str] = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate(
                "document.activeElement.getAttribute('data-lang') || "
                "document.activeElement.name || ''"
            )
        )
    assert {"by", "measure", "period", "flow"} <= reached
    assert json.dumps(page.problems) == "[]"
