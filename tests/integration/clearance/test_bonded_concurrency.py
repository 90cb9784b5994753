"""Two processes clear bonded lists against one account book on PostgreSQL at once: the
stock never goes below zero, and exactly as many lists are released as it could cover."""

from __future__ import annotations

import multiprocessing
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from harness import Harness

from tradewindow.cbec.bonded import StockEntry
from tradewindow.store import open_store

pytestmark = pytest.mark.postgres
TESTS = Path(__file__).resolve().parents[2]


def clear_lists(url: str, first: int, count: int) -> int:
    """In a fresh process: clear ``count`` bonded sets; how many lists were released."""
    sys.path[:0] = [str(TESTS), str(Path(__file__).parent)]  # a spawned process: no conftest
    import builders as b

    store = open_store(url)
    try:
        harness = Harness(store)
        released = 0
        for n in range(first, first + count):
            s = b.import_set(order_no=f"SO-P-{n}", logistics_no=f"SF-P-{n}", trade_mode="1210")
            *_, listed = harness.send(*s.messages)
            released += ("CEB622", "800") in harness.statuses(listed)
        return released
    finally:
        store.close()


def test_concurrent_bonded_lists_never_overdraw_the_book(postgres_url: str) -> None:
    store = open_store(postgres_url)
    harness = Harness(store)
    # 7 lists' worth of each item (2 face creams, 3 tins, 1 bottle per list)
    entries = [
        StockEntry(ems_no="T5349W000001", item_record_no=item, qty=Decimal(qty * 7),
                   source_declaration="531620260000012345")
        for item, qty in (("REC0001", 2), ("REC0002", 3), ("REC0003", 1))
    ]  # fmt: skip
    assert harness.clearance.enter_stock(entries, actor="warehouse") == []
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(clear_lists, [(postgres_url, 0, 6), (postgres_url, 100, 6)])
    assert sum(results) == 7  # 12 lists tried, stock for 7
    rows = harness.clearance.stock_report("T5349W000001")
    assert [row.balance for row in rows] == [0, 0, 0]
    assert all(row.released == row.entered for row in rows)
    store.close()
