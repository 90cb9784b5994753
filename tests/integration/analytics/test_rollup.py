"""The monthly roll-ups: every question they answer gets exactly the figures the day files
give; questions they cannot answer exactly still read the day files; a load not yet rolled
up is never half seen; the same question is answered from memory until the lake changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tradewindow.analytics import rollup
from tradewindow.analytics.entities import Entity, save_entities
from tradewindow.analytics.indicators import Indicators, Result
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.query import Query
from tradewindow.analytics.rates import shipped_rates
from tradewindow.demo.history import HistoryPlan, day_lines, generate, plan

START = date(2025, 11, 1)
THROUGH = date(2026, 2, 20)


def history_lake(root: Path) -> Lake:
    lake = Lake(root)
    days = plan(start=START, months=4, lines_per_day=40)
    generate(lake, HistoryPlan([d for d in days.days if d[0] <= THROUGH]), seed=7)
    save_entities(lake, [Entity(party_id=code, city="shenzhen", sector="trade",
                                registered=date(2024, 1, 1)) for code in ("P1", "X")])  # fmt: skip
    return lake


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lake, Lake]:
    """The same history twice: as written (day files only), and stamped (rolled up)."""
    raw = history_lake(tmp_path_factory.mktemp("raw"))
    rolled = history_lake(tmp_path_factory.mktemp("rolled"))
    rolled.stamp(datetime(2026, 2, 21, tzinfo=UTC))
    assert rollup.rolled_up(rolled)
    assert not rollup.rolled_up(raw)
    return raw, rolled


# fmt: off
QUESTIONS: list[tuple[str, Any, bool]] = [
    # (what, how to ask it, answered from the roll-ups)
    ("value by month", lambda i: i.breakdown(Query(period="month")), True),
    ("every rolled-up dimension", lambda i: i.breakdown(Query(
        period="quarter", by=rollup.ROLLUP_DIMENSIONS[:3],
        measures=("value_cny", "lines", "tax", "quantity"))), True),
    ("lists by city and platform", lambda i: i.breakdown(Query(
        period="month", by=("city", "platform"), measures=("documents", "value_cny"))), True),
    ("lists of imports, by day", lambda i: i.breakdown(Query(
        period="day", measures=("documents",), filters={"direction": ("import",)})), True),
    ("top chapters", lambda i: i.breakdown(Query(
        period="all", by=("hs_chapter",), top=5, start=date(2026, 1, 1))), True),
    ("lists by chapter (a line's dimension)", lambda i: i.breakdown(Query(
        period="all", by=("hs_chapter",), measures=("documents",))), False),
    ("lists of one partner", lambda i: i.breakdown(Query(
        period="all", measures=("documents",), filters={"partner": ("502",)})), False),
    ("value by enterprise (not rolled up)", lambda i: i.breakdown(Query(
        period="all", by=("enterprise",))), False),
    ("growth by month", lambda i: i.growth(Query(
        period="month", measures=("value_cny",), start=date(2026, 1, 1))), True),
    ("year to date", lambda i: i.year_to_date(THROUGH, measure="value_cny",
                                              filters={"direction": ("export",)}), True),
    ("lists year to date", lambda i: i.year_to_date(THROUGH, measure="documents"), True),
    ("digital application rate", lambda i: i.digital_application_rate(
        date(2026, 1, 1), THROUGH, by=()), True),
]
# fmt: on


@pytest.mark.parametrize(("what", "ask", "from_rollups"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_a_rolled_up_lake_answers_exactly_as_its_day_files(
    lakes: tuple[Lake, Lake], what: str, ask: Any, from_rollups: bool
) -> None:
    raw, rolled = (ask(Indicators(lake)) for lake in lakes)
    assert raw.rows, what  # a question with an answer
    assert rolled.columns == raw.columns
    assert rolled.rows == raw.rows
    assert _reads(raw) == "lines"
    assert _reads(rolled) == ("rollup" if from_rollups else "lines")


def test_a_day_written_after_the_rollup_is_read_from_the_day_files_until_stamped(
    tmp_path: Path,
) -> None:
    lake = history_lake(tmp_path / "lake")
    lake.stamp(datetime(2026, 2, 21, tzinfo=UTC))
    indicators = Indicators(lake)
    before = indicators.breakdown(Query(period="all"))
    assert indicators.breakdown(Query(period="all")) is before  # answered from memory
    assert _reads(before) == "rollup"
    extra = date(2026, 2, 21)
    lake.write_day(extra, day_lines(extra, 25, seed=3, export_share=0.3, rates=shipped_rates()))
    unstamped = indicators.breakdown(Query(period="all"))
    assert _reads(unstamped) == "lines"  # the February roll-up is older than its days now
    assert unstamped.rows[0][2] == before.rows[0][2] + 25  # lines: the new day is counted
    lake.stamp(datetime(2026, 2, 22, tzinfo=UTC))
    stamped = indicators.breakdown(Query(period="all"))
    assert _reads(stamped) == "rollup"
    assert stamped.rows == unstamped.rows


def test_clearing_the_lines_drops_the_rollups(lakes: tuple[Lake, Lake], tmp_path: Path) -> None:
    lake = history_lake(tmp_path / "lake")
    lake.stamp(datetime(2026, 2, 21, tzinfo=UTC))
    assert list(rollup.rollup_dir(lake).glob("*.parquet"))
    lake.clear_lines()
    assert not list(rollup.rollup_dir(lake).glob("*.parquet"))
    assert not rollup.rolled_up(lake)
    assert rollup.roll_up(lake) == 0


def _reads(result: Result) -> str:
    sql = result.definition.sql
    return "rollup" if " FROM rollup" in sql or " FROM filers" in sql else "lines"
