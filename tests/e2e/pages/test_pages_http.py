"""The dashboard's JSON API, CSV and pages over HTTP (no browser): figures against sums
computed in plain Python from the generated lines, languages, refusals."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from litestar.testing import TestClient
from pages_app import make_app
from stats_history import GOODS, THROUGH, History, build

from tradewindow.analytics.procurement import ProcurementLine, write_lines
from tradewindow.analytics.rows import TradeLine

RATIO = Decimal("0.0001")


def total(lines: list[TradeLine], start: date, end: date, direction: str) -> Decimal:
    return sum(
        (x.value_cny for x in lines if start <= x.day <= end and x.direction == direction),
        Decimal(0),
    )


def growth(now: Decimal, before: Decimal) -> str:
    return f"{((now - before) / before).quantize(RATIO, rounding=ROUND_HALF_UP):f}"


def test_headline_figures_are_the_sums_of_the_cleared_lines(client, history: History) -> None:
    body = client.get("/stats/api/headline").json()
    figures = {figure["key"]: figure for figure in body["figures"]}
    assert body["through"] == "2026-03-15"
    for key, direction in (("import_value_ytd", "import"), ("export_value_ytd", "export")):
        now = total(history.lines, date(2026, 1, 1), THROUGH, direction)
        before = total(history.lines, date(2025, 1, 1), date(2025, 3, 15), direction)
        assert figures[key]["value"] == f"{now:f}"
        assert figures[key]["year_ago"] == f"{before:f}"
        assert figures[key]["growth"] == growth(now, before)
        assert figures[key]["as_of"] == "2026-03-16T01:30:00+00:00"
        assert "SELECT" in figures[key]["definition"]["sql"]
    lists = {x.doc_key for x in history.lines if date(2026, 1, 1) <= x.day <= THROUGH}
    assert figures["lists_ytd"]["value"] == str(len(lists))
    # five of the six registered entities filed: two platforms, two enterprises, the agent
    assert figures["digital_rate"]["value"] == "0.8333"
    assert figures["digital_rate"]["parts"] == [5, 6]
    assert figures["digital_rate"]["target"] == "0.80"
    assert figures["digital_rate"]["display"] == "83.3%"


def test_monthly_series_has_24_complete_months_with_year_on_year(client, history) -> None:
    body = client.get("/stats/api/monthly?direction=import").json()
    points = body["points"]
    assert [points[0]["period"], points[-1]["period"], len(points)] == ["2024-03", "2026-02", 24]
    february = total(history.lines, date(2026, 2, 1), date(2026, 2, 28), "import")
    year_ago = total(history.lines, date(2025, 2, 1), date(2025, 2, 28), "import")
    assert points[-1]["value"] == f"{february:f}"
    assert points[-1]["yoy"] == growth(february, year_ago)
    assert points[0]["yoy"] is None  # 2023 is not in the lake


def test_city_ranking_is_largest_first_with_outside_the_bay_area(client, history) -> None:
    items = client.get("/stats/api/ranking/city?direction=import").json()["items"]
    values = [Decimal(item["value"]) for item in items]
    assert values == sorted(values, reverse=True)
    outside = next(item for item in items if item["code"] is None)
    assert outside["name"] == "Outside the Bay Area"
    expected = sum(
        (
            x.value_cny
            for x in history.lines
            if x.city is None and x.direction == "import" and x.day >= date(2026, 1, 1)
        ),
        Decimal(0),
    )
    assert Decimal(outside["value"]) == expected
    shenzhen = client.get("/stats/api/ranking/city?lang=zh-Hant").json()["items"]
    assert "深圳" in [item["name"] for item in shenzhen]


# chapters of the generated goods, as each language names them on the dashboard
CHAPTER_NAMES = {
    "en": {
        "19": "19 Preparations of cereals, flour, starch or milk",
        "33": "33 Essential oils and resinoids",
        "61": "61 Apparel and clothing accessories",
        "85": "85 Electrical machinery and equipment and parts the…",
    },
    "zh-Hans": {
        "19": "19 谷物、粮食粉、淀粉或乳的制品",
        "33": "33 精油及香膏",
        "61": "61 针织或钩编的服装及衣着附件",
        "85": "85 电机、电气设备及其零件",
    },
    "zh-Hant": {
        "19": "19 穀物、糧食粉、澱粉或乳的製品",
        "33": "33 精油及香膏",
        "61": "61 針織或鉤編的服裝及衣著附件",
        "85": "85 電機、電氣設備及其零件",
    },
}


@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
def test_hs_chapters_are_named_in_the_pages_language(client, history, language) -> None:
    body = client.get(f"/stats/api/ranking/hs_chapter?lang={language}").json()
    names = {item["code"]: item["name"] for item in body["items"]}
    assert {code[:2] for code in GOODS} == set(names)
    assert {code: names[code] for code in CHAPTER_NAMES[language]} == CHAPTER_NAMES[language]
    titles = {item["code"]: item["title"] for item in body["items"]}
    if language == "zh-Hant":
        assert titles["42"] == (
            "42 皮革製品；鞍具及挽具；旅行用品、手提包及類似容器；動物腸線（蠶膠絲除外）製品"
        )
    page = client.get(f"/stats?lang={language}").text
    for name in CHAPTER_NAMES[language].values():
        assert f"<span>{name}</span>" in page
    table = client.get(f"/stats/api/breakdown?by=hs_chapter&lang={language}").json()
    named = {row[0]: row[1] for row in table["rows"]}
    assert {code: named[code] for code in CHAPTER_NAMES[language]} == CHAPTER_NAMES[language]


def test_csv_download_has_exactly_the_table_rows(client) -> None:
    query = "by=hs_chapter&by=partner&period=quarter&measure=value_cny&flow=all&start=2025-01-01"
    api = client.get(f"/stats/api/breakdown?{query}&lang=zh-Hans").json()
    response = client.get(f"/stats/breakdown.csv?{query}&lang=zh-Hans")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (
        rows[0]
        == api["header"]
        == ["期间", "HS章", "HS章名称", "贸易伙伴", "贸易伙伴名称", "金额（元）"]
    )
    assert rows[1:] == [[cell or "" for cell in row] for row in api["rows"]]
    assert len(rows) > 100  # 5 quarters × 8 chapters × 8 partners, mostly filled
    assert {row[0] for row in rows[1:]} == {"2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"}


def test_every_problem_in_a_breakdown_is_reported_at_once(client) -> None:
    response = client.get("/stats/api/breakdown?by=nonsense&period=weekly&start=2026-13-01")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    codes = {v["code"] for v in response.json()["violations"]}
    assert codes == {"stats.by.invalid", "stats.period.invalid", "stats.start.invalid"}


def test_a_refused_page_speaks_the_visitors_language(client) -> None:
    response = client.get("/stats?through=tomorrow&lang=zh-Hant")
    assert response.status_code == 400
    assert "無法顯示所選內容" in response.text
    assert "stats.through.invalid" in response.text


@pytest.mark.parametrize(
    ("headers", "cookie", "query", "title"),
    [
        ({}, None, "", "Cross-border trade statistics"),
        ({"Accept-Language": "zh-TW,zh;q=0.8,en;q=0.5"}, None, "", "跨境貿易統計"),
        ({"Accept-Language": "zh-CN"}, None, "", "跨境贸易统计"),
        ({"Accept-Language": "fr, zh-HK;q=0.4"}, None, "", "跨境貿易統計"),
        ({"Accept-Language": "zh-CN"}, "en", "", "Cross-border trade statistics"),
        ({"Accept-Language": "zh-CN"}, "en", "?lang=zh-Hant", "跨境貿易統計"),
    ],
)
def test_language_is_query_then_cookie_then_accept_language(
    client, headers, cookie, query, title
) -> None:
    if cookie:
        client.cookies.set("lang", cookie)
    response = client.get(f"/stats/table{query}", headers=headers)
    page = client.get(f"/stats{query}", headers=headers)
    assert f'<h1 id="stats-title">{title}</h1>' in page.text
    assert response.status_code == 200


def test_choosing_a_language_is_remembered_in_a_cookie(client) -> None:
    response = client.get("/stats?lang=zh-Hans")
    assert response.cookies.get("lang") == "zh-Hans"
    assert response.headers["content-language"] == "zh-Hans"
    assert "跨境贸易统计" in client.get("/stats").text


def test_home_says_what_the_platform_is_and_leads_each_audience_in(client) -> None:
    response = client.get("/?lang=zh-Hant", follow_redirects=False)
    assert response.status_code == 200
    page = response.text
    assert "粵港澳大灣區國際貿易單一窗口" in page
    for audience, link in (
        ("enterprises", "/portal"),
        ("officers", "/workbench"),
        ("public", "/stats"),
        ("developers", "/sandbox"),
    ):
        assert f'data-audience="{audience}"' in page
        assert f'href="{link}"' in page
    assert "load-progress" not in page  # no background load here: nothing to follow
    assert "load-banner" not in client.get("/stats").text


def test_vendored_libraries_are_served_locally(client) -> None:
    for path in (
        "/static/vendor/echarts-6.1.0/echarts.min.js",
        "/static/vendor/htmx-2.0.11/htmx.min.js",
        "/static/css/site.css",
        "/static/js/dashboard.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(response.content) > 1000
    page = client.get("/stats").text
    assert "http://" not in page.replace("http://www.chinaport", "")
    assert "https://" not in page


def test_market_procurement_values_are_on_the_dashboard_once_the_lake_has_them(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """No section without procurement lines; with them, the top markets, destinations and
    HS chapters by value in yuan, largest first."""
    history = build(tmp_path_factory.mktemp("lake-procurement"))
    with TestClient(make_app(history.lake.root)) as client:
        assert "data-procurement" not in client.get("/stats").text
    lines = [
        ProcurementLine(
            day=date(2026, 3, 1),
            market=market,
            city="440100",
            destination=dest,
            port="CNNSA",
            hs_chapter=chapter,
            hs_code=f"{chapter}0000",
            value_usd=Decimal(usd),
            value_cny=Decimal(usd) * 7,
            quantity=Decimal(1),
            unit="011",
            shipment_id="S1",
            sale_id=f"SALE-{n}",
            line_no=1,
        )
        for n, (market, dest, chapter, usd) in enumerate(
            [
                ("GZ-A", "NGA", "61", "100.00"),
                ("GZ-B", "ARE", "85", "300.00"),
                ("GZ-A", "ARE", "61", "50.00"),
            ]
        )
    ]
    assert write_lines(history.lake, lines) == 3
    with TestClient(make_app(history.lake.root)) as client:
        for lang, title in (("en", "Market procurement trade (1039)"), ("zh-Hant", "市場採購貿易")):
            text = client.get(f"/stats?lang={lang}").text
            assert "data-procurement" in text
            assert title in text
        markets = re.findall(r'<div data-by="market">.*?</ol>', text, re.S)[0]
        assert re.findall(r'data-key="([^"]+)"', markets) == ["GZ-B", "GZ-A"]  # 2,100 > 1,050
