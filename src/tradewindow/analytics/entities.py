"""Registered trading entities: the denominator of the digital application rate.

Until the parties registry feeds it, the registry is a CSV snapshot with the columns
``party_id,city,sector,registered`` (``#`` comment lines allowed): the party's customs
registration code (as it appears as ebpCode / ebcCode / agentCode), its GBA city key
(``reference.gba``: ``shenzhen`` … ``macao``), a free sector label (e.g. ``platform``,
``e-commerce``, ``logistics``, ``broker``) and the day it registered (``YYYY-MM-DD``).
Loading replaces the whole snapshot (``entities.parquet`` in the lake).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import msgspec
import pyarrow as pa

from tradewindow.analytics.lake import Lake
from tradewindow.reference.gba import gba_city
from tradewindow.violations import Rejected, Violation

COLUMNS = ("party_id", "city", "sector", "registered")
FILE = "entities.parquet"
SCHEMA = pa.schema(
    [
        ("party_id", pa.string()),
        ("city", pa.string()),
        ("sector", pa.string()),
        ("registered", pa.date32()),
    ]
)


class Entity(msgspec.Struct, frozen=True, kw_only=True):
    party_id: str
    city: str
    sector: str
    registered: date


def parse_entities(text: str, *, source: str = "entities") -> list[Entity]:
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    reader = csv.DictReader(io.StringIO(body))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise Rejected([_bad(f"{source}/header", "columns", f"columns must be {COLUMNS}")])
    entities: list[Entity] = []
    violations: list[Violation] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=1):
        path = f"{source}[{number}]"
        party, city, sector = (row[name].strip() for name in ("party_id", "city", "sector"))
        try:
            registered: date | None = date.fromisoformat(row["registered"].strip())
        except ValueError:
            registered = None
        found = []
        if not party or party in seen:
            found.append(_bad(f"{path}/party_id", "party", "empty or repeated party id"))
        if gba_city(city) is None:
            found.append(_bad(f"{path}/city", "city", f"{city!r} is not a GBA city key"))
        if not sector:
            found.append(_bad(f"{path}/sector", "sector", "sector is empty"))
        if registered is None:
            found.append(_bad(f"{path}/registered", "registered", "date must be YYYY-MM-DD"))
        seen.add(party)
        violations += found
        if not found and registered is not None:
            entities.append(Entity(party_id=party, city=city, sector=sector, registered=registered))
    if violations:
        raise Rejected(violations)
    return entities


def save_entities(lake: Lake, entities: list[Entity]) -> int:
    table = pa.table(
        {name: [getattr(e, name) for e in entities] for name in COLUMNS}, schema=SCHEMA
    )
    lake.write_file(lake.root / FILE, table)
    return len(entities)


def load_entities(lake: Lake, path: Path) -> int:
    return save_entities(lake, parse_entities(path.read_text(encoding="utf-8"), source=path.name))


_ZH = {
    "columns": "列名应为 party_id,city,sector,registered",
    "party": "企业编号为空或重复",
    "city": "不是大湾区城市代码",
    "sector": "行业为空",
    "registered": "注册日期格式应为 YYYY-MM-DD",
}


def _bad(path: str, rule: str, en: str) -> Violation:
    return Violation(path=path, code=f"analytics.entities.{rule}.invalid", en=en, zh=_ZH[rule])
