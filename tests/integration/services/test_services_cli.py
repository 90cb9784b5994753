"""``tradewindow services stats`` and ``erase-expired`` over a demo's registries."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tradewindow.bootstrap import bootstrap
from tradewindow.cli import main
from tradewindow.demo.services import seed_service_trade
from tradewindow.settings import Settings


def test_stats_and_erase(
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = bootstrap(Settings(database_url=sqlite_url, data_dir=tmp_path))
    try:
        seed_service_trade(app, seed=3, today=date(2026, 12, 5))
    finally:
        app.close()
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path))
    assert main(["services", "stats"]) == 0
    out = capsys.readouterr().out
    assert "hk-architect" in out
    assert "in_force" in out
    # the demo's applications span two years: some withdrawn ones are past a year's retention
    assert main(["services", "erase-expired"]) == 0
    assert re.search(r"erased of [1-9][0-9]* closed", capsys.readouterr().out)
    assert main(["services"]) == 2
