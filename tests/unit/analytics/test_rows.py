"""A released list becomes one lake row per line, with the columns the statistics need."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
import pytest

import builders as b
from tradewindow.analytics.rates import MissingRate, parse_rates, shipped_rates
from tradewindow.analytics.rows import LineTaxes, destination_city, inventory_lines

DAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("address", "city"),
    [
        ("广东省深圳市南山区科技园科苑路15号", "shenzhen"),
        ("广东省广州市越秀区中山五路8号", "guangzhou"),  # 中山 here is a road, not the city
        ("广东省中山市石岐孙文中路1号", "zhongshan"),
        ("广东省东莞市南城鸿福路2号", "dongguan"),
        ("香港九龍彌敦道100號", "hong-kong"),
        ("澳門新馬路1號", "macao"),
        ("北京市朝阳区深圳路3号", None),  # outside the GBA; a street named after a city
        ("上海市浦东新区世纪大道1号", None),
    ],
)
def test_the_destination_city_is_the_first_gba_city_named_in_the_address(
    address: str, city: str | None
) -> None:
    assert destination_city(address) == city


def test_each_line_of_a_released_list_becomes_a_row() -> None:
    inventory = b.import_set().inventory
    taxes = {1: LineTaxes(vat=Decimal("35.18"), consumption_tax=Decimal("40.56"))}
    rows = inventory_lines(
        inventory, key="K", version=2, day=DAY, rates=shipped_rates(), taxes=taxes
    )
    assert [row.line_no for row in rows] == [1, 2, 3]
    first = rows[0]
    item = inventory.items[0]
    assert (first.hs_chapter, first.hs_heading, first.hs_subheading, first.gcode) == (
        item.gcode[:2],
        item.gcode[:4],
        item.gcode[:6],
        item.gcode,
    )
    assert (first.direction, first.trade_mode, first.district, first.office) == (
        "import",
        "9610",
        "5300",
        "5349",
    )
    assert (first.city, first.office_city) == ("shenzhen", "shenzhen")
    assert (first.platform, first.enterprise, first.agent) == (
        b.EBP_CODE,
        b.EBC_CODE,
        "4403980099",
    )
    assert (first.origin, first.destination, first.partner) == (item.country, "142", item.country)
    assert (first.currency, first.value, first.value_cny) == (
        "CNY",
        item.total_price,
        item.total_price,
    )
    assert (first.vat, first.consumption_tax, rows[1].vat) == (
        Decimal("35.18"),
        Decimal("40.56"),
        Decimal("0.00"),
    )
    assert (first.doc_key, first.version) == ("K", 2)
    assert sum(r.value_cny for r in rows) == sum(i.total_price for i in inventory.items)


def test_a_line_in_another_currency_is_valued_at_the_rate_of_its_day() -> None:
    inventory = b.import_set(lines=1).inventory
    item = msgspec.structs.replace(inventory.items[0], currency="502", total_price=Decimal("10.05"))
    usd = msgspec.structs.replace(inventory, items=[item])
    rates = parse_rates("month,currency,cny_per_unit\n2026-01,USD,7.0\n2026-03,USD,7.3\n")
    (february,) = inventory_lines(usd, key="K", version=1, day=date(2026, 2, 27), rates=rates)
    (march,) = inventory_lines(usd, key="K", version=1, day=DAY, rates=rates)
    assert (february.currency, february.cny_rate, february.value_cny) == (
        "USD",
        Decimal("7.0"),
        Decimal("70.35"),
    )
    assert (march.cny_rate, march.value_cny) == (Decimal("7.3"), Decimal("73.37"))  # 73.365
    with pytest.raises(MissingRate):
        inventory_lines(usd, key="K", version=1, day=date(2025, 12, 31), rates=rates)
