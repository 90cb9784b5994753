"""Official district totals and the registered-entity snapshot: every bad row reported."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tradewindow.analytics.entities import parse_entities
from tradewindow.analytics.official import OfficialTotal, parse_official
from tradewindow.violations import Rejected


def test_official_totals_are_read_in_yuan_by_district_month_and_direction() -> None:
    totals = parse_official(
        "# GACC Shenzhen, monthly\ndistrict,month,direction,value_cny\n5300,2025-07,export,1.5e11\n"
    )
    assert totals == [
        OfficialTotal(
            district="5300", month=date(2025, 7, 1), direction="export",
            value_cny=Decimal("1.5e11"),
        )
    ]  # fmt: skip


def test_bad_official_rows_are_all_reported() -> None:
    text = (
        "district,month,direction,value_cny\n"
        "5301,2025-07,export,100\n"  # an office, not a district
        "5300,07/2025,both,-1\n"
    )
    with pytest.raises(Rejected) as refused:
        parse_official(text, source="sz.csv")
    assert [v.path for v in refused.value.violations] == [
        "sz.csv[1]/district",
        "sz.csv[2]/month",
        "sz.csv[2]/direction",
        "sz.csv[2]/value_cny",
    ]


def test_entities_need_a_gba_city_a_sector_a_date_and_a_unique_id() -> None:
    text = (
        "party_id,city,sector,registered\n"
        "4403DM1001,shenzhen,platform,2024-01-01\n"
        "4403DM1001,shenzhen,platform,2024-01-01\n"
        "4403DM1002,beijing,,2024-13-01\n"
    )
    with pytest.raises(Rejected) as refused:
        parse_entities(text)
    assert [v.code for v in refused.value.violations] == [
        "analytics.entities.party.invalid",
        "analytics.entities.city.invalid",
        "analytics.entities.sector.invalid",
        "analytics.entities.registered.invalid",
    ]
    (entity,) = parse_entities(text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n")
    assert (entity.city, entity.registered) == ("shenzhen", date(2024, 1, 1))
