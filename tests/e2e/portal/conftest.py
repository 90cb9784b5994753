"""Fixtures of the portal's browser tests: the whole app (API, pages, portals) over a fresh
database with the portal world's parties and accounts, served by uvicorn on a loopback port,
and Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "portal"))

from loopback import serve
from portal_browser import open_page
from portal_world import World, open_world  # found through the path above


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    opened = open_world(f"sqlite:///{tmp_path / 'portal.db'}", tmp_path)
    yield opened
    opened.window.close()


@pytest.fixture
def base_url(world: World) -> Iterator[str]:
    """The app served by uvicorn in a background thread on a free loopback port."""
    with serve(world.app) as url:
        yield url


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    opened = open_page(browser, base_url)
    yield opened
    opened.context.close()


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Any]:
    opened = open_page(browser, base_url, width=390, height=844)
    yield opened
    opened.context.close()
