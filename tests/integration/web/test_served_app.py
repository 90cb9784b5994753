"""``tradewindow serve`` runs :func:`tradewindow.web.app.served_app`: the application of the
environment, with start-up's objects frozen out of the cyclic collector's way."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradewindow.cli.web import FACTORY
from tradewindow.web.app import served_app


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()  # the rest of the test run collects as before


@pytest.mark.usefixtures("unfrozen")
def test_the_served_app_freezes_what_start_up_made(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path))
    assert gc.get_freeze_count() == 0
    app = served_app()
    try:
        # the rules, tables and routes: far more than a request's garbage
        assert gc.get_freeze_count() > 50_000
        assert app.state.window.app.settings.database_url == sqlite_url
    finally:
        app.state.window.close()


def test_serve_starts_the_served_app() -> None:
    assert FACTORY == "tradewindow.web.app:served_app"
