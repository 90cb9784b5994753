"""Filling the lake from the system of record (the clearance store's ``documents`` and
``tax_bills`` tables, read through ``analytics.ports.LakeSource``: ``store/analytics``).

- ``load_day(source, lake, day)`` rewrites one statistics day from every list released with
  that day (China time of ``received_at``, the index ``ix_documents_status_received_at``).
- ``refresh(source, lake)`` is the incremental path: lists changed since the last watermark
  (``updated_at``) name the days to reload; lists no longer released (deleted, cancelled)
  and lists re-declared on another day are purged from their old day. The watermark is read
  back ``OVERLAP`` early, because a transaction stamped before the last read may commit after
  it; reloading a day is idempotent, so the overlap costs time, never correctness.
- ``rebuild(source, lake)`` drops every line file and loads every day again in one pass.
- Both rewrite the returns and cancellations file (``analytics.returns``) from the store.

The ``as_of`` recorded with the lake is when the loader read the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import msgspec

from tradewindow.analytics.lake import Lake, lines_table
from tradewindow.analytics.ports import LakeSource, ReleasedList
from tradewindow.analytics.rates import RateTable, load_rates, rates_csv, shipped_rates
from tradewindow.analytics.returns import return_lines, write_returns
from tradewindow.analytics.rows import TradeLine, bill_taxes, inventory_lines
from tradewindow.cbec.documents import CHINA_TZ, Inventory
from tradewindow.cbec.ports import DocStatus
from tradewindow.cbec.receipts import TaxBill
from tradewindow.clock import utc_now

OVERLAP = timedelta(minutes=10)
_RELEASED = DocStatus.RELEASED.value


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
    rates = lake_rates(lake)
    loaded = _write_day(source, lake, day, list(source.released(_china_day(day))), rates)
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
    days = sorted({day for day in current.values() if day is not None})
    loads = [load_day(source, lake, day) for day in days]
    # Only a list no longer released, or re-declared (version > 1: received_at moves only
    # then), can sit in another day's file; first versions stay where they were loaded.
    movable = {row.key for row in changed if row.status != _RELEASED or row.version > 1}
    lake.purge({key: day for key, day in current.items() if key in movable})
    watermark = max((row.updated_at for row in changed), default=datetime.fromisoformat(since))
    lake.update_state(watermark=watermark)
    write_returns(lake, return_lines(source))  # returns and cancellations, rewritten whole
    lake.stamp(read_at)
    return loads


def rebuild(source: LakeSource, lake: Lake) -> list[DayLoad]:
    """Every day again from the system of record, in one pass ordered by day."""
    read_at = utc_now()
    rates = lake_rates(lake)
    lake.clear_lines()
    loads: list[DayLoad] = []
    batch: list[tuple[ReleasedList, date]] = []
    for row in source.released():
        day = _china_date(row.received_at)
        if batch and batch[-1][1] != day:
            loads.append(_write_day(source, lake, batch[-1][1], [r for r, _ in batch], rates))
            batch = []
        batch.append((row, day))
    if batch:
        loads.append(_write_day(source, lake, batch[-1][1], [r for r, _ in batch], rates))
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
    lake.write_day(day, lines_table(lines))
    corrected = {row.key: day for row in rows if row.version > 1}
    lake.purge(corrected)  # a re-declared list leaves the day of its old version
    total = sum((line.value_cny for line in lines), Decimal("0.00"))
    return DayLoad(day=day, documents=len(rows), lines=len(lines), value_cny=total)


def _china_day(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=CHINA_TZ)
    return start, start + timedelta(days=1)


def _china_date(instant: datetime) -> date:
    return instant.astimezone(CHINA_TZ).date()
