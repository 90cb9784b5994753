from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dcsa_world import World, open_world


@pytest.fixture
def world(sqlite_url: str, tmp_path: Path) -> Iterator[World]:
    opened = open_world(sqlite_url, tmp_path)
    with opened.client:
        yield opened
    opened.window.close()


@pytest.fixture
def db_world(database_url: str, tmp_path: Path) -> Iterator[World]:
    """The same world on SQLite, then on a fresh PostgreSQL schema."""
    opened = open_world(database_url, tmp_path)
    with opened.client:
        yield opened
    opened.window.close()
