"""The lake filled from a real SQLite store after clearing the builders' sets: idempotent
loads, corrections superseding, totals equal to the documents' own line values."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import msgspec
import pyarrow.compute as pc
import pytest
from sqlalchemy import update

import builders as b
from tradewindow.analytics.indicators import Indicators
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.loading import load_day, rebuild, refresh
from tradewindow.analytics.query import Query
from tradewindow.cbec.clearance import Clearance, Submission
from tradewindow.cbec.documents import CHINA_TZ, Inventory
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.store import SqlStore, open_store
from tradewindow.store.schema import documents

DAY1 = date(2026, 3, 1)
DAY2 = date(2026, 3, 2)


def clear(store: SqlStore, sets: list[b.ImportSet], at: datetime) -> None:
    clearance = Clearance(
        store, codes=ReferenceCodeTables(), rates=TariffRates(),
        match_timeout=timedelta(hours=24), clock=lambda: at,
    )  # fmt: skip
    submissions = [
        Submission(
            message=message,
            digest=hashlib.sha256(msgspec.json.encode(message)).hexdigest(),
            received_at=at,
        )
        for s in sets
        for message in s.messages
    ]
    clearance.submit(submissions)


def sets(*numbers: int) -> list[b.ImportSet]:
    return [
        b.import_set(
            order_no=f"SO2026030100{n:02d}", logistics_no=f"SF12345678{n:05d}", lines=1 + n % 3,
            buyer_id=b.BUYER_ID if n % 2 else b.OTHER_BUYER_ID,
        )
        for n in numbers
    ]  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqlStore]:
    opened = open_store(f"sqlite:///{tmp_path / 'tradewindow.db'}")
    clear(opened, sets(1, 2, 3), datetime(2026, 3, 1, 10, tzinfo=CHINA_TZ))
    clear(opened, sets(4, 5), datetime(2026, 3, 2, 23, 30, tzinfo=CHINA_TZ))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake(tmp_path / "lake")


def snapshot(lake: Lake) -> dict[str, tuple[int, str, bytes]]:
    result = {}
    for path in lake.files():
        table = lake.read_day(date.fromisoformat(path.stem.removeprefix("day-")))
        assert table is not None
        total = str(pc.sum(table["value_cny"]).as_py())
        result[path.name] = (table.num_rows, total, path.read_bytes())
    return result


def expected_value(numbers: list[int]) -> Decimal:
    """Σ totalPrice of the lists' lines, from the builders' documents, not from the store."""
    return sum((item.total_price for s in sets(*numbers) for item in s.inventory.items), Decimal(0))


def test_loading_a_day_twice_changes_nothing(store: SqlStore, lake: Lake) -> None:
    first = load_day(store.lake_source, lake, DAY1)
    before = snapshot(lake)
    again = load_day(store.lake_source, lake, DAY1)
    assert (first.documents, first.lines) == (3, 2 + 3 + 1)
    assert again == first
    assert snapshot(lake) == before  # same files, rows, sums and bytes
    load_day(store.lake_source, lake, DAY2)  # a new day appends, the first is untouched
    assert snapshot(lake)[f"day-{DAY1}.parquet"] == before[f"day-{DAY1}.parquet"]
    assert len(lake.files()) == 2


def test_totals_equal_the_documents_line_values(store: SqlStore, lake: Lake) -> None:
    loads = rebuild(store.lake_source, lake)
    assert [(ld.day, ld.documents) for ld in loads] == [(DAY1, 3), (DAY2, 2)]
    result = Indicators(lake).breakdown(
        Query(period="day", measures=("value_cny", "lines", "tax", "documents"))
    )
    assert [(row[0], row[1]) for row in result.rows] == [
        (DAY1, expected_value([1, 2, 3])),
        (DAY2, expected_value([4, 5])),
    ]
    assert sum(row[2] for row in result.rows) == sum(
        len(s.inventory.items) for s in sets(1, 2, 3, 4, 5)
    )
    assert sum(row[3] for row in result.rows) == store.tax_total()  # the tax bills' lines
    assert [row[4] for row in result.rows] == [3, 2]


def test_a_rebuild_is_one_call_and_equals_day_by_day_loading(
    store: SqlStore, lake: Lake, tmp_path: Path
) -> None:
    load_day(store.lake_source, lake, DAY1)
    load_day(store.lake_source, lake, DAY2)
    other = Lake(tmp_path / "rebuilt")
    rebuild(store.lake_source, other)
    assert [v[:2] for v in snapshot(other).values()] == [v[:2] for v in snapshot(lake).values()]


def test_a_correction_supersedes_the_old_version_on_its_old_day(
    store: SqlStore, lake: Lake
) -> None:
    rebuild(store.lake_source, lake)
    key = f"{b.EBP_CODE}|SO202603010001"
    with store.engine.begin() as connection:
        body = connection.execute(
            documents.select()
            .with_only_columns(documents.c.body)
            .where(documents.c.key == key, documents.c.kind == "inventory")
        ).scalar_one()
        inventory = msgspec.json.decode(body, type=Inventory)
        corrected = msgspec.structs.replace(
            inventory,
            items=[
                msgspec.structs.replace(inventory.items[0], total_price=Decimal("999.00")),
                *inventory.items[1:],
            ],
        )
        later = datetime(2026, 3, 2, 9, tzinfo=CHINA_TZ)
        connection.execute(
            update(documents)
            .where(documents.c.key == key, documents.c.kind == "inventory")
            .values(
                body=msgspec.json.encode(corrected),
                version=2,
                received_at=later,
                updated_at=later + timedelta(days=400),
            )
        )
    refresh(store.lake_source, lake)
    indicators = Indicators(lake)
    rows = indicators.breakdown(Query(period="day", measures=("value_cny", "documents"))).rows
    moved = sum(item.total_price for item in corrected.items)
    old = sum(item.total_price for item in inventory.items)
    assert rows == [
        [DAY1, expected_value([1, 2, 3]) - old, 2],
        [DAY2, expected_value([4, 5]) + moved, 3],
    ]
    table = lake.read_day(DAY2)
    assert table is not None
    versions = dict(zip(table["doc_key"].to_pylist(), table["version"].to_pylist(), strict=True))
    assert versions[key] == 2


def test_a_list_no_longer_released_leaves_the_lake_on_refresh(store: SqlStore, lake: Lake) -> None:
    rebuild(store.lake_source, lake)
    key = f"{b.EBP_CODE}|SO202603010004"
    with store.engine.begin() as connection:
        connection.execute(
            update(documents)
            .where(documents.c.key == key, documents.c.kind == "inventory")
            .values(status="deleted", updated_at=datetime(2027, 1, 1, tzinfo=CHINA_TZ))
        )
    refresh(store.lake_source, lake)
    again = snapshot(lake)
    refresh(store.lake_source, lake)  # nothing changed since: nothing moves
    assert snapshot(lake) == again
    rows = Indicators(lake).breakdown(Query(period="day", measures=("documents",))).rows
    assert rows == [[DAY1, 3], [DAY2, 1]]
