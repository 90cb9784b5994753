"""Export lists in the statistics lake, on SQLite and PostgreSQL: a released or departed list
is a line per goods line on the day it was filed, in yuan, with the seller's city and the
final destination; a cancelled one leaves; loading again changes nothing; the portal's reads
(a party's own lists, its warehouses) and the 0017 backfill of lists stored before it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import export_set as s
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from tradewindow.analytics.indicators import Indicators
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.loading import load_day, rebuild, refresh
from tradewindow.analytics.query import Query
from tradewindow.export import rules
from tradewindow.export.clearance import ClearExport
from tradewindow.export.flow import Status
from tradewindow.export.model import ExportAnswer
from tradewindow.export.warehouses import Tenure, Warehouse
from tradewindow.reference import ReferenceCodeTables
from tradewindow.store import SqlStore, migrate
from tradewindow.store.engine import _MIGRATIONS, create_store_engine

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # 10:00 in China: statistics day 2026-03-10
DAY = date(2026, 3, 10)
SENDER = "party-seller"


@pytest.fixture
def clear(store: SqlStore) -> ClearExport:
    context = rules.ExportContext(
        codes=ReferenceCodeTables(),
        controls=lambda _gcode, _day: rules.GoodsControl(),
        cny_rate=lambda currency, _day: Decimal("7.1") if currency == "502" else None,
        warehouse_valid=lambda *_: False,
    )
    return ClearExport(store.export, context, lambda _inventory: frozenset())


def file(clear: ClearExport, code: str, *documents: Any, at: datetime = AT) -> ExportAnswer:
    return clear(s.message(code, *documents), SENDER, at)


def released(clear: ClearExport, n: int, *, at: datetime = AT, depart: bool = False) -> str:
    """List ``n`` accepted, arrived (so released) and, with ``depart``, departed."""
    order_no, waybill = f"EXP2026031000{n:04d}", f"SZX26031{n:05d}"
    inventory = s.inventory(order_no=order_no, logistics_no=waybill, guid=s.guid("list", order_no))
    file(clear, "CEB303", s.order(order_no=order_no, guid=s.guid("o", order_no)), at=at)
    file(clear, "CEB403", s.receipt(order_no=order_no, guid=s.guid("r", order_no)), at=at)
    file(clear, "CEB505", s.waybill(logistics_no=waybill, guid=s.guid("w", order_no)), at=at)
    answer = file(clear, "CEB603", inventory, at=at)
    invt_no = answer.receipts[0].receipt.returns[0].invt_no
    file(clear, "CEB507", s.arrival(waybill), at=at)
    if depart:
        file(clear, "CEB509", s.departure(waybill), at=at)
    return str(invt_no)


def export_rows(lake: Lake) -> list[dict[str, Any]]:
    table = lake.read_day(DAY)
    assert table is not None
    return [row for row in table.to_pylist() if row["direction"] == "export"]


def test_released_and_departed_lists_are_lines_of_their_filing_day(
    store: SqlStore, clear: ClearExport, tmp_path: Path
) -> None:
    released(clear, 1)
    released(clear, 2, depart=True)
    file(clear, "CEB603", s.inventory(order_no="EXP-WAITING", guid=s.guid("waiting")))
    lake = Lake(tmp_path / "lake")
    rebuild(store.lake_source, lake)
    rows = export_rows(lake)
    assert len(rows) == 4  # two lists of two lines; the waiting list is not counted
    first = next(r for r in rows if r["doc_key"].endswith("EXP20260310000001"))
    assert first["doc_key"] == f"export:{s.EBP_CODE}|EXP20260310000001"
    assert first["city"] == "shenzhen"  # the seller's code 4403… names its city
    assert first["district"] == "5100"
    assert first["office_city"] == "guangzhou"
    assert (first["origin"], first["destination"], first["partner"]) == ("142", "502", "502")
    assert first["currency"] == "CNY"
    assert first["trade_mode"] == "9610"
    values = sorted(r["value_cny"] for r in rows)
    assert values == [Decimal("160.00"), Decimal("160.00"), Decimal("240.00"), Decimal("240.00")]
    indicators = Indicators(lake)
    try:
        found = indicators.breakdown(
            Query(period="all", by=("partner",), measures=("value_cny", "documents"),
                  filters={"direction": ("export",)})
        )  # fmt: skip
        assert found.records() == [
            {"period": None, "partner": "502", "value_cny": Decimal("800.00"), "documents": 2}
        ]
    finally:
        indicators.close()


def test_loading_again_changes_nothing_and_a_cancelled_list_leaves(
    store: SqlStore, clear: ClearExport, tmp_path: Path
) -> None:
    first = released(clear, 1)
    released(clear, 2)
    lake = Lake(tmp_path / "lake")
    rebuild(store.lake_source, lake)
    before = export_rows(lake)
    load_day(store.lake_source, lake, DAY)
    assert export_rows(lake) == before
    refresh(store.lake_source, lake)
    assert export_rows(lake) == before
    file(clear, "CEB605", s.cancel(first))  # released, not departed: it may be cancelled
    refresh(store.lake_source, lake)
    left = export_rows(lake)
    assert {r["doc_key"] for r in left} == {f"export:{s.EBP_CODE}|EXP20260310000002"}
    released(clear, 3, at=AT + timedelta(days=1))  # a later day's list reaches its own file
    refresh(store.lake_source, lake)
    later = lake.read_day(DAY + timedelta(days=1))
    assert later is not None
    assert later.num_rows == 2


def test_a_party_reads_its_own_lists_newest_first_and_its_warehouses(
    store: SqlStore, clear: ClearExport
) -> None:
    released(clear, 1)
    released(clear, 2, at=AT + timedelta(hours=1))
    clear(s.message("CEB603", s.inventory(order_no="EXP-OTHER", ebc_code="4401960001",
                                          guid=s.guid("other"))), "party-other", AT)  # fmt: skip
    warehouse = Warehouse(
        enterprise_code=s.EBC_CODE, warehouse_code="USLAX001", name="LA warehouse",
        country="502", address="1 Harbor Way, Los Angeles", area_m2=Decimal("1200"),
        tenure=Tenure.LEASED, evidence="LEASE-2026-001", valid_from=date(2026, 1, 1),
        valid_until=date(2027, 12, 31),
    )  # fmt: skip
    assert clear.register_warehouse(warehouse) == []
    with store.export.reading() as records:
        mine = records.lists_of(SENDER, [], limit=10)
        by_code = records.lists_of("nobody", [s.EBC_CODE], limit=10)
        others = records.lists_of("party-other", [], limit=10)
        released_only = records.lists_of(SENDER, [], limit=10, status=Status.RELEASED)
        assert records.warehouses_of(s.EBC_CODE) == [warehouse]
        assert records.warehouses_of("4401960001") == []
    assert [x.inventory.head.order_no for x in mine] == ["EXP20260310000002", "EXP20260310000001"]
    assert [x.order_key for x in by_code] == [x.order_key for x in mine]
    assert [x.inventory.head.order_no for x in others] == ["EXP-OTHER"]
    assert len(released_only) == 2


def _alembic(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_lists_stored_before_0017_get_their_owner_and_time(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        _alembic(engine, "0016_export_receipts")
        body = json.dumps({"owner": "party-early", "filed_at": "2026-03-10T02:00:00Z"})
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO exp_lists (order_key, waybill_key, status, ebc_code, filed_at,"
                    " body) VALUES ('P|1', 'L|1', 'released', '4403960102', :at, :body)"
                ),
                {"at": AT if engine.dialect.name == "postgresql" else
                 "2026-03-10T02:00:00.000000+00:00", "body": body.encode()},
            )  # fmt: skip
        migrate(database_url)
        with engine.connect() as connection:
            owner, updated = connection.execute(
                text("SELECT owner, updated_at FROM exp_lists")
            ).one()
        assert owner == "party-early"
        stamp = updated if isinstance(updated, datetime) else datetime.fromisoformat(updated)
        assert stamp == AT
    finally:
        engine.dispose()
