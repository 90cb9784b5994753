"""Official totals from outside (e.g. a customs district's monthly imports and exports as
published by GACC), so a figure can be given as a share of the district's total.

CSV columns ``district,month,direction,value_cny`` (``#`` comment lines allowed): a 4-digit
customs district code (``5300`` Shenzhen Customs), ``YYYY-MM``, ``import`` or ``export``, and
the total in yuan (not 亿元). Loading merges into the lake's ``official.parquet``: a row for
the same (district, month, direction) replaces the one before.

A second, shipped table holds **a GBA city's yearly totals** as China Customs publishes them
(``data/official-area-totals.csv``, dated and sourced in its header): :func:`area_totals`, set
against the platform's own lines of the same city and year by
``Indicators.share_of_area`` (the dashboard's "share of the city's trade" card).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from tradewindow.analytics.lake import Lake
from tradewindow.reference.gba import gba_city
from tradewindow.reference.offices import customs_district
from tradewindow.violations import Rejected, Violation

COLUMNS = ("district", "month", "direction", "value_cny")
FILE = "official.parquet"
SCHEMA = pa.schema(
    [
        ("district", pa.string()),
        ("month", pa.date32()),
        ("direction", pa.string()),
        ("value_cny", pa.decimal128(20, 2)),
    ]
)


class OfficialTotal(msgspec.Struct, frozen=True, kw_only=True):
    district: str
    month: date  # first day of the month
    direction: str
    value_cny: Decimal


def parse_official(text: str, *, source: str = "official") -> list[OfficialTotal]:
    """Totals from CSV text; every bad row reported at once (``Rejected``)."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(body))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise Rejected([_bad(f"{source}/header", "columns", f"columns must be {COLUMNS}")])
    totals, violations = [], []
    for number, row in enumerate(reader, start=1):
        path = f"{source}[{number}]"
        district = customs_district((row["district"] or "").strip())
        month = _month(row["month"] or "")
        direction = (row["direction"] or "").strip()
        try:
            value = Decimal((row["value_cny"] or "").strip())
        except InvalidOperation:
            value = Decimal(-1)
        found = []
        if district is None or district.code != row["district"].strip():
            found.append(_bad(f"{path}/district", "district", "not a customs district code"))
        if month is None:
            found.append(_bad(f"{path}/month", "month", "month must be YYYY-MM"))
        if direction not in ("import", "export"):
            found.append(_bad(f"{path}/direction", "direction", "import or export"))
        if not value.is_finite() or value < 0:
            found.append(_bad(f"{path}/value_cny", "value", "a non-negative amount in yuan"))
        violations += found
        if not found and district is not None and month is not None:
            totals.append(
                OfficialTotal(
                    district=district.code, month=month, direction=direction, value_cny=value
                )
            )
    if violations:
        raise Rejected(violations)
    return totals


def save_official(lake: Lake, totals: list[OfficialTotal]) -> int:
    """Merge ``totals`` into the lake; returns how many rows the table now has."""
    merged = {(t.district, t.month, t.direction): t for t in read_official(lake)}
    merged |= {(t.district, t.month, t.direction): t for t in totals}
    rows = [merged[k] for k in sorted(merged)]
    table = pa.table(
        {name: [getattr(row, name) for row in rows] for name in COLUMNS}, schema=SCHEMA
    )
    lake.write_file(lake.root / FILE, table)
    return len(rows)


def load_official(lake: Lake, path: Path) -> int:
    return save_official(lake, parse_official(path.read_text(encoding="utf-8"), source=path.name))


def read_official(lake: Lake) -> list[OfficialTotal]:
    path = lake.root / FILE
    if not path.exists():
        return []
    return [OfficialTotal(**row) for row in pq.read_table(path, schema=SCHEMA).to_pylist()]


def _month(text: str) -> date | None:
    try:
        year, month = text.strip().split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None


# --- a city's yearly totals (shipped) --------------------------------------------------------

AREA_FILE = "official-area-totals.csv"
AREA_COLUMNS = ("area", "year", "direction", "value_cny", "published", "source")


class AreaTotal(msgspec.Struct, frozen=True, kw_only=True):
    """The official total of one direction of a GBA city's trade in goods over a year."""

    area: str  # a GBA city key ("shenzhen")
    year: int
    direction: str  # "import" or "export"
    value_cny: Decimal
    published: str  # YYYY-MM of the release
    source: str


def parse_area_totals(text: str, *, source: str = AREA_FILE) -> list[AreaTotal]:
    """A city's yearly totals from CSV text; every bad row reported at once (``Rejected``),
    including a second row for the same (area, year, direction)."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(body))
    if tuple(reader.fieldnames or ()) != AREA_COLUMNS:
        raise Rejected(
            [_bad(f"{source}/header", "area_columns", f"columns must be {AREA_COLUMNS}")]
        )
    totals: list[AreaTotal] = []
    violations: list[Violation] = []
    seen: set[tuple[str, int, str]] = set()
    for number, row in enumerate(reader, start=1):
        path = f"{source}[{number}]"
        area, direction = (row["area"] or "").strip(), (row["direction"] or "").strip()
        year_text, published = (row["year"] or "").strip(), (row["published"] or "").strip()
        try:
            value = Decimal((row["value_cny"] or "").strip())
        except InvalidOperation:
            value = Decimal(-1)
        found = []
        if gba_city(area) is None:
            found.append(_bad(f"{path}/area", "area", "not a GBA city key (gba-cities.csv)"))
        if not (year_text.isdigit() and len(year_text) == 4):
            found.append(_bad(f"{path}/year", "year", "year must be YYYY"))
        if direction not in ("import", "export"):
            found.append(_bad(f"{path}/direction", "direction", "import or export"))
        if not value.is_finite() or value < 0:
            found.append(_bad(f"{path}/value_cny", "value", "a non-negative amount in yuan"))
        if _month(published) is None:
            found.append(_bad(f"{path}/published", "month", "month must be YYYY-MM"))
        if not (row["source"] or "").strip():
            found.append(_bad(f"{path}/source", "source", "name the release the figure is from"))
        key = (area, int(year_text) if year_text.isdigit() else 0, direction)
        if not found and key in seen:
            found.append(_bad(path, "twice", "one row per area, year and direction"))
        violations += found
        if not found:
            seen.add(key)
            totals.append(
                AreaTotal(area=area, year=key[1], direction=direction, value_cny=value,
                          published=published, source=(row["source"] or "").strip())
            )  # fmt: skip
    if violations:
        raise Rejected(violations)
    return totals


@cache
def area_totals() -> tuple[AreaTotal, ...]:
    """The shipped table (see its header for the source and the date of each figure)."""
    text = resources.files("tradewindow.analytics").joinpath("data", AREA_FILE).read_text("utf-8")
    return tuple(parse_area_totals(text))


_ZH = {
    "area_columns": "列名应为 area,year,direction,value_cny,published,source",
    "area": "不是大湾区城市代码",
    "year": "年份格式应为 YYYY",
    "source": "请注明数据出处",
    "twice": "同一城市、年份和方向只能有一行",
    "columns": "列名应为 district,month,direction,value_cny",
    "district": "不是直属海关关区代码",
    "month": "月份格式应为 YYYY-MM",
    "direction": "方向应为 import 或 export",
    "value": "金额应为非负的人民币元",
}


def _bad(path: str, rule: str, en: str) -> Violation:
    return Violation(path=path, code=f"analytics.official.{rule}.invalid", en=en, zh=_ZH[rule])
