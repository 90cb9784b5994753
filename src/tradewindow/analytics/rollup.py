"""Roll-ups of the lake: one small file per month that the indicators read instead of the
month's day files whenever they can answer exactly from it.

The lake keeps one file per day (``lake.py``: written whole, replaced atomically); a query
over two years opens some 730 files, and opening a file costs more than reading its rows.
Each time a load finishes (``Lake.stamp``), every month whose day files changed since its
roll-up was written is rolled up again, from its day files:

    rollup/month=2026-03.parquet   sums by day and the dimensions below (``ROLLUP_DIMENSIONS``)
    filers/month=2026-03.parquet   each day's distinct filing parties (platform, enterprise,
                                   agent), for the digital application rate

**Exact, or not used.** Value, tax, quantity and line counts are sums, exact at any grouping
of the roll-up's dimensions. A list's *documents* count once each: a roll-up row counts the
lists whose *first* line (lowest ``line_no``) falls in it, which is exact when the question
groups and filters only by dimensions every line of a list shares (``DOCUMENT_DIMENSIONS``;
a list is on one day only, see ``lake.py``). Any other question — another dimension, or
documents by a line's dimension — is answered from the day files, as before. A month whose
day files are newer than its roll-up (a load still writing) makes the indicators read the
day files everywhere until the roll-up is current again (``rolled_up``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:  # the lake calls ``roll_up`` when a load is stamped: no import cycle
    from tradewindow.analytics.lake import Lake

# dimensions every line of a list shares (the list's head, its consignee's city)
DOCUMENT_DIMENSIONS = ("direction", "trade_mode", "district", "city", "office_city", "platform")
# dimensions of a line; with the document dimensions, the roll-up's grain (with the day)
LINE_DIMENSIONS = ("hs_chapter", "partner", "currency")
ROLLUP_DIMENSIONS = DOCUMENT_DIMENSIONS + LINE_DIMENSIONS
# measure → its aggregate over roll-up rows (``{f}`` takes an optional FILTER clause)
ROLLUP_MEASURES = {
    "value_cny": "sum(value_cny){f}",
    "lines": "coalesce(sum(lines){f}, 0)",  # counts: 0, as count() gives, over no rows
    "documents": "coalesce(sum(documents){f}, 0)",
    "tax": "sum(tax){f}",
    "quantity": "sum(quantity){f}",
}
_GRAIN = ", ".join(("day", *ROLLUP_DIMENSIONS))
_ROLLUP_SQL = (
    f"SELECT {_GRAIN}, sum(value_cny) AS value_cny, count(*) AS lines, "  # noqa: S608 - constant SQL
    "count(*) FILTER (WHERE first_line) AS documents, "
    "sum(customs_tax + vat + consumption_tax) AS tax, sum(quantity) AS quantity "
    "FROM (SELECT *, line_no = min(line_no) OVER (PARTITION BY doc_key) AS first_line "
    "FROM read_parquet(?)) GROUP BY ALL ORDER BY ALL"
)
_FILERS_SQL = (
    "SELECT DISTINCT day, party_id FROM (SELECT day, platform AS party_id FROM read_parquet(?) "
    "UNION ALL SELECT day, enterprise FROM read_parquet(?) "
    "UNION ALL SELECT day, agent FROM read_parquet(?)) ORDER BY ALL"
)


def rollup_dir(lake: Lake) -> Path:
    return lake.root / "rollup"


def filers_dir(lake: Lake) -> Path:
    return lake.root / "filers"


def roll_up(lake: Lake) -> int:
    """Roll up every month whose day files changed since its roll-up (and drop the roll-ups
    of months that no longer have any); returns how many months were rolled up."""
    months = {path.name: path for path in lake.lines_dir.glob("month=*") if path.is_dir()}
    for folder in (rollup_dir(lake), filers_dir(lake)):
        for stale in folder.glob("month=*.parquet"):
            if stale.stem not in months:
                stale.unlink(missing_ok=True)
    rolled = 0
    db = duckdb.connect()
    try:
        db.execute("SET enable_progress_bar = false")
        for name, folder in sorted(months.items()):
            if _current(lake, name, folder):
                continue
            days = sorted(str(path) for path in folder.glob("day-*.parquet"))
            targets = (rollup_dir(lake) / f"{name}.parquet", filers_dir(lake) / f"{name}.parquet")
            if not days:
                for target in targets:
                    target.unlink(missing_ok=True)
                continue
            # pyarrow writes them, with the lake's options (exact decimals as integers, zstd)
            lake.write_file(targets[0], db.sql(_ROLLUP_SQL, params=[days]).to_arrow_table())
            filers = db.sql(_FILERS_SQL, params=[days, days, days]).to_arrow_table()
            lake.write_file(targets[1], filers)
            rolled += 1
    finally:
        db.close()
    return rolled


def rolled_up(lake: Lake) -> bool:
    """Whether every month of the lake has a roll-up at least as new as its day files."""
    months = [path for path in lake.lines_dir.glob("month=*") if path.is_dir()]
    return bool(months) and all(_current(lake, path.name, path) for path in months)


def marks(lake: Lake) -> tuple[int, ...]:
    """Modification times (ns) of every month folder and roll-up: when any file of the lake
    is written, replaced or removed, this changes (a cache key of the lake's contents)."""
    found = []
    for pattern in ("lines/month=*", "rollup/month=*.parquet", "filers/month=*.parquet"):
        found += [path.stat().st_mtime_ns for path in sorted(lake.root.glob(pattern))]
    return tuple(found)


def _current(lake: Lake, name: str, folder: Path) -> bool:
    changed = folder.stat().st_mtime_ns
    for target in (rollup_dir(lake) / f"{name}.parquet", filers_dir(lake) / f"{name}.parquet"):
        if not target.exists() or target.stat().st_mtime_ns < changed:
            return False
    return True
