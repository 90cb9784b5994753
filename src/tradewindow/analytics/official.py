"""Official totals from outside (e.g. a customs district's monthly imports and exports as
published by GACC), so a figure can be given as a share of the district's total.

CSV columns ``district,month,direction,value_cny`` (``#`` comment lines allowed): a 4-digit
customs district code (``5300`` Shenzhen Customs), ``YYYY-MM``, ``import`` or ``export``, and
the total in yuan (not 亿元). Loading merges into the lake's ``official.parquet``: a row for
the same (district, month, direction) replaces the one before.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from tradewindow.analytics.lake import Lake
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


_ZH = {
    "columns": "列名应为 district,month,direction,value_cny",
    "district": "不是直属海关关区代码",
    "month": "月份格式应为 YYYY-MM",
    "direction": "方向应为 import 或 export",
    "value": "金额应为非负的人民币元",
}


def _bad(path: str, rule: str, en: str) -> Violation:
    return Violation(path=path, code=f"analytics.official.{rule}.invalid", en=en, zh=_ZH[rule])
