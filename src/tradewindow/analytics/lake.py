"""The Parquet lake: one file per statistics day, partitioned by month, replaced atomically.

Layout under the lake's root::

    lines/month=2026-03/day-2026-03-01.parquet   every cleared line of that day (rows.TradeLine)
    official.parquet                             official district totals (official.py)
    entities.parquet                             registered trading entities (entities.py)
    rates.csv                                    an official rate file, once loaded
    state.json                                   as-of time and the loader's watermark
    rollup/month=2026-03.parquet                 the month's sums, rolled up on each load
    filers/month=2026-03.parquet                 the month's filing parties (rollup.py)

**Why per-day files.** A day's file is always written whole, from the system of record, to a
temporary name and then renamed over the old one (``os.replace`` is atomic on POSIX), so:
loading a day twice writes the same rows again and changes nothing; a correction reloaded
with its day supersedes the old version; a reader sees the old day or the new day, never half
of one. A list re-declared on a later day is also *purged* from the file of its old day
(``purge``), so a key appears in exactly one file. Queries need no de-duplication, which keeps
them as fast as plain DuckDB on the same files.

Money columns are DECIMAL(18,2) (rates DECIMAL(18,6), quantities DECIMAL(18,4)) stored as
Parquet INT64, so sums stay exact and cheap in any engine that reads Parquet.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tradewindow.analytics import rollup
from tradewindow.analytics.rows import COLUMNS, TradeLine

MONEY = pa.decimal128(18, 2)
TEXT = pa.string()
SCHEMA = pa.schema(
    [
        ("day", pa.date32()),
        ("direction", TEXT),
        ("trade_mode", TEXT),
        ("district", TEXT),
        ("office", TEXT),
        ("port", TEXT),
        ("city", TEXT),
        ("office_city", TEXT),
        ("platform", TEXT),
        ("enterprise", TEXT),
        ("agent", TEXT),
        ("hs_chapter", TEXT),
        ("hs_heading", TEXT),
        ("hs_subheading", TEXT),
        ("gcode", TEXT),
        ("origin", TEXT),
        ("destination", TEXT),
        ("partner", TEXT),
        ("currency", TEXT),
        ("value", MONEY),
        ("cny_rate", pa.decimal128(18, 6)),
        ("value_cny", MONEY),
        ("quantity", pa.decimal128(18, 4)),
        ("unit", TEXT),
        ("customs_tax", MONEY),
        ("vat", MONEY),
        ("consumption_tax", MONEY),
        ("doc_key", TEXT),
        ("version", pa.int32()),
        ("line_no", pa.int32()),
    ]
)
assert tuple(SCHEMA.names) == COLUMNS  # noqa: S101 - the two views of a row must agree
_WRITE_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "store_decimal_as_integer": True,
    "row_group_size": 1 << 20,
}


def lines_table(lines: Sequence[TradeLine]) -> pa.Table:
    """Rows as an Arrow table of the lake's schema, sorted by (doc_key, line_no) so a day's
    file is the same whatever order the source returned its lists in."""
    ordered = sorted(lines, key=lambda line: (line.doc_key, line.line_no))
    columns = {name: [getattr(line, name) for line in ordered] for name in COLUMNS}
    return pa.table(columns, schema=SCHEMA)


class Lake:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.lines_dir = root / "lines"

    # --- line files ---------------------------------------------------------------------

    def day_file(self, day: date) -> Path:
        return self.lines_dir / f"month={day:%Y-%m}" / f"day-{day.isoformat()}.parquet"

    def write_day(self, day: date, table: pa.Table) -> None:
        """Replace the day's file with ``table`` (no file when it is empty)."""
        target = self.day_file(day)
        if table.num_rows == 0:
            target.unlink(missing_ok=True)
            return
        self.write_file(target, table.cast(SCHEMA))

    def write_file(self, target: Path, table: pa.Table) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            pq.write_table(table, temporary, **_WRITE_OPTIONS)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)

    def read_day(self, day: date) -> pa.Table | None:
        path = self.day_file(day)
        return pq.read_table(path, schema=SCHEMA) if path.exists() else None

    def files(self) -> list[Path]:
        return sorted(self.lines_dir.glob("month=*/day-*.parquet"))

    def days(self) -> list[date]:
        return [date.fromisoformat(path.stem.removeprefix("day-")) for path in self.files()]

    def lines_glob(self) -> str:
        return str(self.lines_dir / "month=*" / "day-*.parquet")

    def clear_lines(self) -> None:
        shutil.rmtree(self.lines_dir, ignore_errors=True)
        shutil.rmtree(rollup.rollup_dir(self), ignore_errors=True)
        shutil.rmtree(rollup.filers_dir(self), ignore_errors=True)

    def purge(self, current_day: Mapping[str, date | None]) -> int:
        """Remove each key's rows from every file but its current day's (``None``: from all
        files, e.g. a cancelled list). Returns the number of rows removed."""
        if not current_day:
            return 0
        removed = 0
        for path in self.files():
            day = date.fromisoformat(path.stem.removeprefix("day-"))
            stale = [key for key, kept in current_day.items() if kept != day]
            if not stale:
                continue
            stale_keys = pa.array(stale, TEXT)
            keys = pq.read_table(path, columns=["doc_key"])["doc_key"]  # cheap: one column
            if not pc.any(pc.is_in(keys, value_set=stale_keys)).as_py():
                continue
            table = pq.read_table(path, schema=SCHEMA)
            drop = pc.is_in(table["doc_key"], value_set=stale_keys)
            count = pc.sum(drop).as_py() or 0
            if count:
                self.write_day(day, table.filter(pc.invert(drop)))
                removed += count
        return removed

    # --- state --------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        path = self.root / "state.json"
        if not path.exists():
            return {}
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    def update_state(self, **values: Any) -> None:
        state = self.state() | {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in values.items()
        }
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.root / f".state.{uuid.uuid4().hex}.tmp"
        temporary.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.root / "state.json")

    def as_of(self) -> datetime | None:
        """The time up to which the lake holds the system of record's cleared lines."""
        text = self.state().get("as_of")
        return datetime.fromisoformat(text) if text else None

    def stamp(self, as_of: datetime) -> None:
        """A load is done: roll up the months it changed (``rollup``), then record ``as_of``
        and bump the generation readers use to notice new files."""
        rollup.roll_up(self)
        self.update_state(as_of=as_of, generation=int(self.state().get("generation", 0)) + 1)


def concat(tables: Iterable[pa.Table]) -> pa.Table:
    collected = list(tables)
    return pa.concat_tables(collected) if collected else SCHEMA.empty_table()
