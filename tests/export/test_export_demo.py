"""The demo's export day on SQLite and PostgreSQL: every message filed by its own firm and
none refused; 9610 parcels to departure with the few that stop short on purpose (waiting,
cancelled, released, held for inspection), a 9710 and a 9810 shipment; the Shenzhen seller's
summaries filed, the Guangzhou seller's left to preview; the lines reach the lake under both
cities and real destinations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tradewindow.analytics.lake import Lake
from tradewindow.analytics.loading import rebuild
from tradewindow.bootstrap import App, bootstrap
from tradewindow.demo.exports import GUANGZHOU, SHENZHEN, run_exports
from tradewindow.demo.registry import issue_seed_keys, register_seed_parties
from tradewindow.export.summary_desk import SummaryDesk
from tradewindow.settings import Settings

DAY = date(2026, 12, 4)
AT = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)  # 16:00 in China on the day


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> App:
    settings = Settings(database_url=database_url, data_dir=tmp_path,
                        credential_pepper="test-pepper-of-sixteen+")  # fmt: skip
    built = bootstrap(settings)
    issue_seed_keys(built.parties, register_seed_parties(built.parties))
    return built


def test_the_export_day_files_everything_and_stops_some_parcels_on_purpose(
    app: App, tmp_path: Path
) -> None:
    done = run_exports(app, day=DAY, seed=7, at=AT, credentials={})
    assert done.refused == []
    assert done.modes == {"9610": 24, "9710": 1, "9810": 1}
    assert done.lists["waiting"] == 1  # its waybill never came
    assert done.lists["cancelled"] == 1
    assert done.lists["released"] == 2  # at the site, waiting for the next flight
    assert done.lists["arrived"] == 1  # herbal tea: inspection & quarantine decides
    assert done.lists["departed"] == 21
    assert done.summaries  # the Shenzhen seller's, answered with CEB792
    assert len(done.declarations) == len(done.summaries)
    with app.store.export.reading() as records:
        held = records.waiting_for_agency("inspection_quarantine")
    assert [x.inventory.items[0].gcode for x in held] == ["2106909090"]
    desk = SummaryDesk(app.store.export)
    shenzhen = app.parties.party("shenzhen-bay-outbound")
    guangzhou = app.parties.party("guangzhou-flower-city-apparel")
    assert desk.waiting(shenzhen.id) == []  # all summarised
    left = desk.waiting(guangzhou.id)
    assert {x.inventory.head.trade_mode for x in left} == {"9610", "9710"}
    assert desk.preview(guangzhou.id, DAY + timedelta(days=1)).summaries
    lake = Lake(tmp_path / "lake")
    rebuild(app.store.lake_source, lake)
    table = lake.read_day(DAY)
    assert table is not None
    rows = [r for r in table.to_pylist() if r["direction"] == "export"]
    assert {r["city"] for r in rows} == {"shenzhen", "guangzhou"}
    assert {r["trade_mode"] for r in rows} == {"9610", "9710", "9810"}
    destinations = {r["partner"] for r in rows}
    expected = {c for s in (SHENZHEN, GUANGZHOU) for c, _ in s.destinations}
    assert destinations <= expected
    assert "138" in destinations  # the 9710 buyer in the UAE
    us_dollars = [r for r in rows if r["currency"] == "USD"]
    assert us_dollars
    assert all(r["value_cny"] > r["value"] > Decimal(0) for r in us_dollars)


def test_the_same_seed_and_day_give_the_same_exports(app: App) -> None:
    first = run_exports(app, day=DAY, seed=7, at=AT, credentials={})
    again = run_exports(app, day=DAY, seed=7, at=AT + timedelta(minutes=5), credentials={})
    # the same messages again: the same answers, nothing stored twice
    assert again.refused == []
    assert again.lists == first.lists
    assert again.summaries == []  # nothing left to summarise
