"""Filling the lake from the system of record (the clearance store's ``documents`` and
``tax_bills`` tables and the export lists, read through ``analytics.ports.LakeSource``:
``store/analytics``).

- ``load_day(source, lake, day)`` rewrites one statistics day from every list released with
  that day (China time of ``received_at``, the index ``ix_documents_status_received_at``).
- ``refresh(source, lake)`` is the incremental path: lists changed since the last watermark
  (``updated_at``) name the days to reload; lists no longer released (deleted, cancelled)
  and lists re-declared on another day are purged from their old day. The watermark is read
  back ``OVERLAP`` early, because a transaction stamped before the last read may commit after
  it; reloading a day is idempotent, so the overlap costs time, never correctness.
- ``rebuild(source, lake)`` drops every line file and loads every day again in one pass.
- Both rewrite the returns and cancellations file (``analytics.returns``) from the store.
- Export lists (``exp_lists``, read through the same source) join the same day files:
  a list counts once released or departed, on the China day it was filed (申报日期); one
  cancelled after release leaves the lake as an import list does.

The ``as_of`` recorded with the lake is when the loader read the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from tradewindow.analytics.lake import Lake, lines_table
from tradewindow.analytics.ports import ExportFiled, LakeSource, ReleasedList
from tradewindow.analytics.rates import RateTable, load_rates, rates_csv, shipped_rates
from tradewindow.analytics.returns import return_lines, write_returns
from tradewindow.analytics.rows import (
    EXPORT_KEY,
    TradeLine,
    bill_taxes,
    export_lines,
    inventory_lines,
)
from tradewindow.cbec.documents import CHINA_TZ, Inventory
from tradewindow.cbec.ports import DocStatus
from tradewindow.cbec.receipts import TaxBill
from tradewindow.clock import utc_now
from tradewindow.export.flow import Status as ExportStatus
from tradewindow.export.model import ExportList

OVERLAP = timedelta(minutes=10)
R = TypeVar("R")
_RELEASED = DocStatus.RELEASED.value
# the export lists the statistics count: released at the site, or gone (结关)
EXPORT_COUNTED = (ExportStatus.RELEASED.value, ExportStatus.DEPARTED.value)
_EXPORT_LIST = msgspec.json.Decoder(ExportList)


@dataclass(frozen=True)
class DayLoad:
    day: date
    documents: int
    lines: int
    value_cny: Decimal


def lake_rates(lake: Lake) -> RateTable:
    """The shipped rates, overridden month by month by an official file loaded into the lake."""
    loaded = lake.root / "rates.csv"
    return shipped_rates().overridden_by(load_rates(loaded)) if loaded.exists() else shipped_rates()


def load_day(source: LakeSource, lake: Lake, day: date) -> DayLoad:
    """Rewrite ``day``'s file from the lists released with that statistics day."""
    read_at = utc_now()
    span = _china_day(day)
    rates = lake_rates(lake)
    exported = list(source.exports_filed(EXPORT_COUNTED, span))
    loaded = _write_day(source, lake, day, list(source.released(span)), rates, exported=exported)
    lake.stamp(read_at)
    return loaded


def refresh(source: LakeSource, lake: Lake) -> list[DayLoad]:
    """Bring the lake up to date with every list changed since the last refresh."""
    read_at = utc_now()
    since = lake.state().get("watermark")
    if since is None:
        return rebuild(source, lake)
    changed = source.changed_since(datetime.fromisoformat(since) - OVERLAP)
    current: dict[str, date | None] = {
        row.key: _china_date(row.received_at)
        if row.status == _RELEASED and row.received_at is not None
        else None
        for row in changed
    }
    exported = source.exports_saved_since(datetime.fromisoformat(since) - OVERLAP)
    export_days: dict[str, date | None] = {
        EXPORT_KEY + row.key: _china_date(row.filed_at) if row.status in EXPORT_COUNTED else None
        for row in exported
    }
    days = sorted({day for day in [*current.values(), *export_days.values()] if day is not None})
    loads = [load_day(source, lake, day) for day in days]
    # Only a list no longer released, or re-declared (version > 1: received_at moves only
    # then), can sit in another day's file; first versions stay where they were loaded. An
    # export list's filing day never changes while it counts: only one that stopped counting
    # (cancelled) can sit in a file.
    movable = {row.key for row in changed if row.status != _RELEASED or row.version > 1}
    movable |= {key for key, day in export_days.items() if day is None}
    lake.purge({key: day for key, day in (current | export_days).items() if key in movable})
    updates = [row.updated_at for row in changed] + [row.updated_at for row in exported]
    watermark = max(updates, default=datetime.fromisoformat(since))
    lake.update_state(watermark=watermark)
    write_returns(lake, return_lines(source))  # returns and cancellations, rewritten whole
    lake.stamp(read_at)
    return loads


def rebuild(source: LakeSource, lake: Lake) -> list[DayLoad]:
    """Every day again from the system of record, in one pass ordered by day."""
    read_at = utc_now()
    rates = lake_rates(lake)
    lake.clear_lines()
    imports = _by_day(source.released(), lambda r: r.received_at)
    exports = _by_day(source.exports_filed(EXPORT_COUNTED), lambda r: r.filed_at)
    loads = [
        _write_day(source, lake, day, rows, rates, exported=exported)
        for day, rows, exported in _merged(imports, exports)
    ]
    lake.update_state(watermark=read_at)
    write_returns(lake, return_lines(source))  # returns and cancellations, rewritten whole
    lake.stamp(read_at)
    return loads


def save_rates(lake: Lake, path: Path) -> RateTable:
    """Validate an official rate file and keep it with the lake (reload days to apply it)."""
    table = load_rates(path)  # raises Rejected with every bad row
    kept = lake.root / "rates.csv"
    merged = load_rates(kept).overridden_by(table) if kept.exists() else table
    lake.root.mkdir(parents=True, exist_ok=True)
    kept.write_text(rates_csv(merged), encoding="utf-8")
    return merged


def _write_day(
    source: LakeSource,
    lake: Lake,
    day: date,
    rows: Sequence[ReleasedList],
    rates: RateTable,
    *,
    exported: Sequence[ExportFiled] = (),
) -> DayLoad:
    bodies = source.latest_bills([row.key for row in rows])
    bills = {key: msgspec.json.decode(body, type=TaxBill) for key, body in bodies.items()}
    lines: list[TradeLine] = []
    for row in rows:
        inventory = msgspec.json.decode(row.body, type=Inventory)
        lines += inventory_lines(
            inventory,
            key=row.key,
            version=row.version,
            day=day,
            rates=rates,
            taxes=bill_taxes(bills.get(row.key)),
        )
    for filed in exported:
        exported_list = _EXPORT_LIST.decode(filed.body).inventory
        lines += export_lines(exported_list, key=filed.key, day=day, rates=rates)
    lake.write_day(day, lines_table(lines))
    corrected = {row.key: day for row in rows if row.version > 1}
    lake.purge(corrected)  # a re-declared list leaves the day of its old version
    total = sum((line.value_cny for line in lines), Decimal("0.00"))
    count = len(rows) + len(exported)
    return DayLoad(day=day, documents=count, lines=len(lines), value_cny=total)


def _by_day(rows: Iterator[R], instant: Callable[[R], datetime]) -> Iterator[tuple[date, list[R]]]:
    """Rows in time order, grouped by their China day."""
    day: date | None = None
    batch: list[R] = []
    for row in rows:
        found = _china_date(instant(row))
        if batch and found != day:
            yield day, batch  # type: ignore[misc]  # day is set once batch holds a row
            batch = []
        day = found
        batch.append(row)
    if batch and day is not None:
        yield day, batch


def _merged(
    imports: Iterator[tuple[date, list[ReleasedList]]],
    exports: Iterator[tuple[date, list[ExportFiled]]],
) -> Iterator[tuple[date, list[ReleasedList], list[ExportFiled]]]:
    """Two day-ordered streams as one: each day with its import and its export rows."""
    nothing: tuple[date, list[Any]] | None = None
    i, e = next(imports, nothing), next(exports, nothing)
    while i is not None or e is not None:
        day = min(x[0] for x in (i, e) if x is not None)
        import_rows = i[1] if i is not None and i[0] == day else []
        export_rows = e[1] if e is not None and e[0] == day else []
        yield day, import_rows, export_rows
        if import_rows:
            i = next(imports, nothing)
        if export_rows:
            e = next(exports, nothing)


def _china_day(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=CHINA_TZ)
    return start, start + timedelta(days=1)


def _china_date(instant: datetime) -> date:
    return instant.astimezone(CHINA_TZ).date()
