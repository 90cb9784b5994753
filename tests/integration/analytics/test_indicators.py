"""Indicators on a small hand-made lake, against figures worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tradewindow.analytics.entities import parse_entities, save_entities
from tradewindow.analytics.indicators import Indicators
from tradewindow.analytics.lake import Lake, lines_table
from tradewindow.analytics.official import parse_official, save_official
from tradewindow.analytics.query import Query
from tradewindow.analytics.rows import TradeLine
from tradewindow.violations import Rejected

D = Decimal


def line(day: str, value: str, **fields: Any) -> TradeLine:
    base: dict[str, Any] = {
        "direction": "import", "trade_mode": "9610", "district": "5300", "office": "5300",
        "port": "5300", "city": "shenzhen", "office_city": "shenzhen", "platform": "P1",
        "enterprise": "E1", "agent": "A1", "gcode": "3304990099", "origin": "116",
        "destination": "142", "partner": "116", "currency": "CNY", "cny_rate": D(1),
        "quantity": D(1), "unit": "011", "customs_tax": D(0), "vat": D(0),
        "consumption_tax": D(0), "version": 1, "line_no": 1,
    }  # fmt: skip
    base |= fields
    gcode = base["gcode"]
    return TradeLine(
        day=date.fromisoformat(day), value=D(value), value_cny=D(value),
        hs_chapter=gcode[:2], hs_heading=gcode[:4], hs_subheading=gcode[:6],
        doc_key=f"{day}|{value}|{base['partner']}", **base,
    )  # fmt: skip


LINES = [
    line("2024-01-15", "100.00"),
    line("2024-02-10", "200.00", partner="502", origin="502"),
    line("2025-01-20", "150.00", partner="502", origin="502"),
    line("2025-02-05", "300.00", city="guangzhou", district="5100", office="5141",
         enterprise="E2", partner="304", origin="304"),
    line("2025-02-25", "50.00", direction="export", partner="303", destination="303",
         origin="142", platform="P9", enterprise="E9", agent="A9"),
]  # fmt: skip


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    lake = Lake(tmp_path / "lake")
    for day in sorted({ln.day for ln in LINES}):
        lake.write_day(day, lines_table([ln for ln in LINES if ln.day == day]))
    return lake


@pytest.fixture
def indicators(lake: Lake) -> Indicators:
    return Indicators(lake)


def test_breakdown_by_month_and_direction(indicators: Indicators) -> None:
    result = indicators.breakdown(Query(period="month", by=("direction",)))
    assert result.columns == ["period", "direction", "value_cny", "lines"]
    assert result.rows == [
        [date(2024, 1, 1), "import", D("100.00"), 1],
        [date(2024, 2, 1), "import", D("200.00"), 1],
        [date(2025, 1, 1), "import", D("150.00"), 1],
        [date(2025, 2, 1), "export", D("50.00"), 1],
        [date(2025, 2, 1), "import", D("300.00"), 1],
    ]


def test_growth_year_on_year_month_on_month_and_year_to_date(indicators: Indicators) -> None:
    result = indicators.growth(
        Query(period="month", measures=("value_cny",), filters={"direction": ("import",)},
              start=date(2025, 1, 1), end=date(2025, 2, 28))
    )  # fmt: skip
    records = result.records()
    # January 2025: 150 against 100 a year before: +50 %; no December 2024 to compare with
    assert records[0] == {
        "period": date(2025, 1, 1), "value_cny": D("150.00"),
        "value_cny_year_ago": D("100.00"), "yoy": D("0.5000"),
        "value_cny_previous": None, "pop": None,
        "value_cny_ytd": D("150.00"), "value_cny_ytd_year_ago": D("100.00"),
        "ytd_yoy": D("0.5000"),
    }  # fmt: skip
    # February 2025: 300 against 200 (+50 %), against January's 150 (+100 %); YTD 450 vs 300
    assert records[1]["yoy"] == D("0.5000")
    assert records[1]["pop"] == D("1.0000")
    assert (records[1]["value_cny_ytd"], records[1]["ytd_yoy"]) == (D("450.00"), D("0.5000"))
    assert len(records) == 2


def test_year_to_date_compares_the_same_span_a_year_earlier(indicators: Indicators) -> None:
    # 1 Jan–8 Feb 2025: 150 + 300 = 450 imports; 1 Jan–8 Feb 2024: 100 (10 Feb not yet) → +350 %
    result = indicators.year_to_date(date(2025, 2, 8), by=("direction",))
    assert result.rows == [["import", D("450.00"), D("100.00"), D("3.5000")]]
    assert result.definition.parameters["through"] == "2025-02-08"


def test_top_n_partners(indicators: Indicators) -> None:
    result = indicators.breakdown(Query(period="all", by=("partner",), top=2))
    assert [(r["partner"], r["value_cny"]) for r in result.records()] == [
        ("502", D("350.00")),
        ("304", D("300.00")),
    ]


def test_share_of_the_districts_official_total(lake: Lake, indicators: Indicators) -> None:
    save_official(
        lake,
        parse_official(
            "district,month,direction,value_cny\n"
            "5300,2025-01,import,1000\n5300,2025-02,import,2000\n5100,2025-02,import,600\n"
        ),
    )
    result = indicators.share_of_official(
        "5300", direction="import", start=date(2025, 1, 1), end=date(2025, 2, 28)
    )
    assert result.rows == [
        [date(2025, 1, 1), D("150.00"), D("1000.00"), D("0.1500")],
        [date(2025, 2, 1), D("0"), D("2000.00"), D("0.0000")],
        [None, D("150.00"), D("3000.00"), D("0.0500")],
    ]
    guangzhou = indicators.share_of_official(
        "5100", direction="import", start=date(2025, 2, 1), end=date(2025, 2, 28)
    )
    assert guangzhou.rows[-1][-1] == D("0.5000")


def test_digital_application_rate_by_city_and_sector(lake: Lake, indicators: Indicators) -> None:
    save_entities(
        lake,
        parse_entities(
            "party_id,city,sector,registered\n"
            "P1,shenzhen,platform,2020-01-01\n"
            "E1,shenzhen,e-commerce,2020-01-01\n"
            "E3,shenzhen,e-commerce,2021-05-01\n"  # registered, never filed
            "E2,guangzhou,e-commerce,2024-01-01\n"
            "E4,guangzhou,e-commerce,2025-06-01\n"  # registered after the period
        ),
    )
    result = indicators.digital_application_rate(date(2025, 1, 1), date(2025, 2, 28))
    assert result.columns[-5:] == [
        "registered",
        "filed_digitally",
        "rate",
        "target",
        "meets_target",
    ]
    assert result.rows == [
        ["guangzhou", "e-commerce", 1, 1, D("1.0000"), D("0.80"), True],
        ["shenzhen", "e-commerce", 2, 1, D("0.5000"), D("0.80"), False],
        ["shenzhen", "platform", 1, 1, D("1.0000"), D("0.80"), True],
    ]
    assert "80" in result.notes["en"]
    assert "80%" in result.notes["zh"]


def test_every_result_can_be_recomputed_from_its_definition(
    lake: Lake, indicators: Indicators
) -> None:
    lake.stamp(datetime(2026, 3, 1, tzinfo=UTC))
    result = indicators.breakdown(
        Query(period="year", by=("city",), filters={"direction": ("import",)})
    )
    plain = duckdb.connect()
    assert set(result.definition.views) == {"rollup"}  # stamped: the roll-ups answer it
    for name, files in result.definition.views.items():
        plain.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{lake.root / files}')")  # noqa: S608 - the test lake path
    replay = plain.execute(result.definition.sql, result.definition.arguments).fetchall()
    assert [list(row) for row in replay] == result.rows
    assert list(result.definition.parameters["by"]) == ["city"]
    assert result.as_of is not None
    assert result.as_of.year == 2026


def test_an_unknown_dimension_is_refused_before_any_sql_runs(indicators: Indicators) -> None:
    with pytest.raises(Rejected) as refused:
        indicators.breakdown(Query(by=("buyer_id_number",)))
    assert refused.value.violations[0].code == "analytics.query.dimension.invalid"
    with pytest.raises(Rejected):
        indicators.growth(Query(period="day"))


def test_an_empty_lake_answers_with_no_rows(tmp_path: Path) -> None:
    empty = Indicators(Lake(tmp_path / "nothing"))
    assert empty.breakdown(Query(by=("city",))).rows == []
    assert empty.year_to_date(date(2025, 1, 31)).rows == [[None, None, None]]
