"""The shipped yearly totals of a GBA city: read, dated and sourced; a bad file is refused
with every fault at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradewindow.analytics.official import AREA_COLUMNS, area_totals, parse_area_totals
from tradewindow.violations import Rejected

HEADER = ",".join(AREA_COLUMNS)


def test_the_shipped_totals_are_shenzhens_published_years() -> None:
    totals = {(t.area, t.year, t.direction): t for t in area_totals()}
    assert set(totals) == {
        ("shenzhen", year, direction) for year in (2023, 2024) for direction in ("import", "export")
    }
    # 2024: 4.5 万亿元, of which exports 2.81 and imports 1.69 (Shenzhen Customs, January 2025)
    year_2024 = totals["shenzhen", 2024, "export"].value_cny
    year_2024 += totals["shenzhen", 2024, "import"].value_cny
    assert year_2024 == Decimal("4500000000000")
    assert all(t.source.startswith("深圳海关") and t.published for t in totals.values())


def test_every_bad_row_is_named_at_once() -> None:
    text = "\n".join(
        [
            "# a comment",
            HEADER,
            "atlantis,2024,export,1,2025-01,somewhere",
            "shenzhen,24,both,-5,January,",
            "shenzhen,2024,export,10,2025-01,release",
            "shenzhen,2024,export,11,2025-01,release again",
        ]
    )
    with pytest.raises(Rejected) as refused:
        parse_area_totals(text, source="totals.csv")
    found = [(v.path, v.code) for v in refused.value.violations]
    assert found == [
        ("totals.csv[1]/area", "analytics.official.area.invalid"),
        ("totals.csv[2]/year", "analytics.official.year.invalid"),
        ("totals.csv[2]/direction", "analytics.official.direction.invalid"),
        ("totals.csv[2]/value_cny", "analytics.official.value.invalid"),
        ("totals.csv[2]/published", "analytics.official.month.invalid"),
        ("totals.csv[2]/source", "analytics.official.source.invalid"),
        ("totals.csv[4]", "analytics.official.twice.invalid"),
    ]


def test_a_file_with_other_columns_is_refused() -> None:
    with pytest.raises(Rejected) as refused:
        parse_area_totals("district,month,direction,value_cny\n5300,2024-01,export,1\n")
    assert refused.value.violations[0].code == "analytics.official.area_columns.invalid"
