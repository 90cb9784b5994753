"""The whole app (``create_app``) over an empty SQLite database, for the public JSON APIs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from public_world import open_app

from tradewindow.web.window import Window


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path) -> Iterator[Litestar]:
    opened = open_app(sqlite_url, tmp_path)
    yield opened
    window: Window = opened.state.window
    window.close()


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client
