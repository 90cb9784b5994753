"""A small, deterministic analytics history for the page tests: 2024-01-01 … 2026-03-15,
a handful of cleared lines a day (imports and exports, eleven GBA cities and one address
outside, eight HS chapters, eight partners), six registered entities of which five filed.

The lines are kept in memory too (``History.lines``) so tests can compute the expected figures
in plain Python, independently of DuckDB and of the pages."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from tradewindow.analytics.entities import Entity, save_entities
from tradewindow.analytics.lake import Lake, lines_table
from tradewindow.analytics.rows import TradeLine

FIRST = date(2024, 1, 1)
THROUGH = date(2026, 3, 15)
AS_OF = datetime(2026, 3, 16, 1, 30, tzinfo=UTC)
CITIES = [
    "guangzhou", "shenzhen", "zhuhai", "foshan", "huizhou", "dongguan",
    "zhongshan", "jiangmen", "zhaoqing", "hong-kong", "macao", None,
]  # fmt: skip
GOODS = ["3304990099", "1901101000", "2106909090", "6110200090",
         "8517620000", "9503008900", "3401300000", "4202920000"]  # fmt: skip
PARTNERS = ["116", "133", "502", "303", "304", "305", "601", "110"]
PLATFORMS = ["4403960001", "4403960002"]
ENTERPRISES = ["4403960011", "4403960012"]
AGENT = "4403980021"


@dataclass(frozen=True)
class History:
    lake: Lake
    lines: list[TradeLine]


def build(root: Path, seed: int = 7) -> History:
    lake = Lake(root)
    draw = random.Random(seed)
    every: list[TradeLine] = []
    day = FIRST
    while day <= THROUGH:
        lines = _day(day, draw)
        lake.write_day(day, lines_table(lines))
        every += lines
        day += timedelta(days=1)
    save_entities(
        lake,
        [
            Entity(party_id=code, city="shenzhen", sector=sector, registered=date(2023, 6, 1))
            for code, sector in (
                *((p, "platform") for p in PLATFORMS),
                *((e, "e-commerce") for e in ENTERPRISES),
                (AGENT, "broker"),
                ("4403960099", "e-commerce"),  # registered, never filed
            )
        ],
    )
    lake.stamp(AS_OF)
    return History(lake=lake, lines=every)


def _day(day: date, draw: random.Random) -> list[TradeLine]:
    growth = Decimal("1.25") ** (day.year - FIRST.year)  # a quarter more each year
    lines = []
    for number in range(draw.randint(3, 6)):
        list_no = number // 2  # two lines a list; the third list of a day is an export
        direction = "export" if list_no == 2 else "import"
        platform = PLATFORMS[list_no % 2]
        gcode = draw.choice(GOODS)
        partner = draw.choice(PARTNERS)
        value = (Decimal(draw.randint(5_000, 300_000)) / 100 * growth).quantize(Decimal("0.01"))
        key = f"{platform}|{day:%Y%m%d}{list_no:03d}"
        lines.append(
            TradeLine(
                day=day,
                direction=direction,
                trade_mode="9610" if direction == "export" else "1210",
                district="5300",
                office="5349",
                port="5349",
                city=draw.choice(CITIES),
                office_city="shenzhen",
                platform=platform,
                enterprise=ENTERPRISES[list_no % 2],
                agent=AGENT,
                hs_chapter=gcode[:2],
                hs_heading=gcode[:4],
                hs_subheading=gcode[:6],
                gcode=gcode,
                origin=partner if direction == "import" else "142",
                destination="142" if direction == "import" else partner,
                partner=partner,
                currency="CNY",
                value=value,
                cny_rate=Decimal("1.000000"),
                value_cny=value,
                quantity=Decimal("1.0000"),
                unit="011",
                customs_tax=Decimal("0.00"),
                vat=(value * Decimal("0.091")).quantize(Decimal("0.01")),
                consumption_tax=Decimal("0.00"),
                doc_key=key,
                version=1,
                line_no=number % 2 + 1,
            )
        )
    return lines
