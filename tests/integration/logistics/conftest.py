"""Logistics services over the ``store`` fixture (SQLite, then PostgreSQL)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "logistics"))  # tnt_samples

from tnt_samples import NOW

from tradewindow.logistics.events import EventService
from tradewindow.store import SqlStore


@pytest.fixture
def service(store: SqlStore) -> EventService:
    return EventService(store.logistics.events, clock=lambda: NOW)
