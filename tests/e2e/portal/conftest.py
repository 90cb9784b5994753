"""Fixtures of the portal's browser tests: the whole app (API, pages, portals) over a fresh
database with the portal world's parties and accounts, served by uvicorn on a loopback port,
and Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "integration" / "portal"))

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
    server = uvicorn.Server(
        uvicorn.Config(world.app, host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


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
