"""Fixtures of the public pages' browser tests: the whole app (``create_app``) over a SQLite
file, served by uvicorn on a loopback port, and the pages tests' Debian Chromium and page
fixtures (``tests/e2e/pages/conftest.py``), reused as they are."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from loopback import serve

from tradewindow.bootstrap import bootstrap
from tradewindow.settings import Settings
from tradewindow.web.app import create_app

_PAGES = Path(__file__).parents[1] / "pages"
sys.path.insert(0, str(_PAGES))  # stats_history, which the pages' conftest imports
_spec = importlib.util.spec_from_file_location("pages_conftest", _PAGES / "conftest.py")
assert _spec is not None
assert _spec.loader is not None
pages_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pages_conftest)

page = pages_conftest.page  # a fresh context; console and page errors in page.problems


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    folder = tmp_path_factory.mktemp("public-app")
    settings = Settings(database_url=f"sqlite:///{folder / 'tw.db'}", data_dir=folder)
    return create_app(bootstrap(settings))


@pytest.fixture(scope="session")
def base_url(app: Litestar) -> Iterator[str]:
    """The app served by uvicorn in a background thread on a free loopback port."""
    with serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``$TRADEWINDOW_SCREENSHOTS`` when set (to look at them), else a temporary folder."""
    chosen = os.environ.get("TRADEWINDOW_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
