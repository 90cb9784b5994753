"""Exports on the public dashboard: imports and exports side by side per month, where exports
go, and Shenzhen's trade through the platform against its published totals — each figure
against sums computed in plain Python from the generated lines, over HTTP and in Chromium."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from stats_history import THROUGH, History
from test_pages_browser import api, open_dashboard

from tradewindow.analytics.official import AreaTotal, area_totals
from tradewindow.analytics.rows import TradeLine


def total(lines: list[TradeLine], start: date, end: date, **wanted: Any) -> Decimal:
    return sum(
        (
            x.value_cny
            for x in lines
            if start <= x.day <= end and all(getattr(x, k) == v for k, v in wanted.items())
        ),
        Decimal(0),
    )


def test_imports_and_exports_side_by_side_month_by_month(client, history: History) -> None:
    points = client.get("/stats/api/flows?direction=import").json()["points"]
    assert [points[0]["period"], points[-1]["period"], len(points)] == ["2024-03", "2026-02", 24]
    for point in (points[0], points[-1]):
        year, month = map(int, point["period"].split("-"))
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
        span = (first, date.fromordinal(last))
        assert point["import"] == f"{total(history.lines, *span, direction='import'):f}"
        assert point["export"] == f"{total(history.lines, *span, direction='export'):f}"
    # the same whatever direction the page shows
    assert client.get("/stats/api/flows?direction=export").json()["points"] == points


def test_export_destinations_are_the_final_destinations_of_the_year(client, history) -> None:
    body = client.get("/stats/api/destinations?direction=import").json()
    assert body["name"] == "Export destinations"
    items = body["items"]
    values = [Decimal(item["value"]) for item in items]
    assert values == sorted(values, reverse=True)
    for item in items:
        expected = total(
            history.lines, date(2026, 1, 1), THROUGH, direction="export", partner=item["code"]
        )
        assert Decimal(item["value"]) == expected
    united_states = next(item for item in items if item["code"] == "502")
    assert united_states["name"] == "United States"


def test_shenzhens_share_is_its_lines_over_the_published_totals(client, history) -> None:
    share = client.get("/stats/api/area-share?lang=en").json()["share"]
    official = {t.direction: t.value_cny for t in area_totals() if t.year == 2024}
    assert (share["area"], share["year"], share["months"]) == ("shenzhen", 2024, 12)
    rows = {row["direction"]: row for row in share["rows"]}
    assert list(rows) == ["import", "export", None]
    year = (date(2024, 1, 1), date(2024, 12, 31))
    for direction in ("import", "export"):
        ours = total(history.lines, *year, direction=direction, city="shenzhen")
        assert rows[direction]["value"] == f"{ours:f}"
        assert Decimal(rows[direction]["official"]) == official[direction]
        expected = (ours / official[direction]).quantize(Decimal("1e-8"), rounding=ROUND_HALF_UP)
        assert rows[direction]["share"] == f"{expected:f}"
    both = total(history.lines, *year, city="shenzhen")
    assert rows[None]["value"] == f"{both:f}"
    assert Decimal(rows[None]["official"]) == sum(official.values())
    assert "深圳海关" in share["source"]
    assert share["name"] == "Share of Shenzhen's trade, 2024"
    assert rows[None]["share_display"].endswith("%")
    assert rows[None]["share_display"] != "0.0%"  # a tiny share still reads as one


def test_the_share_says_how_much_of_the_year_the_statistics_hold(client) -> None:
    share = client.get("/stats/api/area-share?through=2024-06-30").json()["share"]
    assert share["year"] == 2023  # 2024 has not ended: the latest year published is 2023 …
    assert share["months"] == 0  # … which the lake does not hold: said, not hidden
    assert "0 of the 12 months of 2023" in share["coverage_text"]


def test_a_year_without_published_totals_has_no_share(history: History) -> None:
    from tradewindow.analytics.indicators import Indicators
    from tradewindow.web.pages import dashboard

    indicators = Indicators(history.lake)
    try:
        scope = dashboard.Scope(through=THROUGH)
        assert dashboard.area_share(indicators, scope, totals=()) is None
        only_2030 = (
            AreaTotal(area="shenzhen", year=2030, direction="export", value_cny=Decimal(1),
                      published="2031-01", source="future"),
        )  # fmt: skip
        assert dashboard.area_share(indicators, scope, totals=only_2030) is None
    finally:
        indicators.close()


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_the_export_cards_show_what_the_api_says(page, language: str) -> None:
    open_dashboard(page, f"?lang={language}")
    flows = api(page, f"/stats/api/flows?lang={language}")["points"]
    card = page.locator("[data-flows]")
    assert card.locator("[data-chart=flows] svg").count() == 1
    card.locator("summary").click()
    rows = card.locator("tbody tr")
    assert rows.count() == len(flows)
    last = rows.last
    assert last.get_attribute("data-import") == flows[-1]["import"]
    assert last.get_attribute("data-export") == flows[-1]["export"]
    assert last.locator("td").all_inner_texts() == [
        flows[-1]["import_display"],
        flows[-1]["export_display"],
    ]
    destinations = api(page, f"/stats/api/destinations?lang={language}")["items"]
    ranked = page.locator("[data-destinations]")
    assert ranked.locator("[data-chart=bar] svg").count() == 1
    ranked.locator("summary").click()
    assert ranked.locator(".ranked li > span:first-child").all_inner_texts() == [
        item["name"] for item in destinations
    ]
    share = api(page, f"/stats/api/area-share?lang={language}")["share"]
    shown = page.locator("[data-share]")
    assert shown.locator("h2").inner_text() == share["name"]
    assert shown.locator("[data-share-total]").inner_text() == share["rows"][-1]["share_display"]
    for row in share["rows"]:
        line = shown.locator(f"li[data-direction='{row['direction'] or 'all'}']")
        assert line.get_attribute("data-share") == (row["share"] or "")
        assert line.locator("[data-shown]").inner_text() == row["share_display"]
        values = line.locator("[data-values]").inner_text()
        assert row["display"] in values
        assert row["official_display"] in values
    assert page.problems == []
