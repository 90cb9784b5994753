from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from portal_world import World, open_world


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    """The portal over SQLite, then over PostgreSQL (sessions, lock-outs, CSRF, filings)."""
    opened = open_world(database_url, tmp_path)
    yield opened
    opened.window.close()


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(world.app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client
