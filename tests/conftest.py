"""Test tiers: unit (pure core), integration (SQLite always; PostgreSQL and NATS when their
URLs are set) and end to end. A tier that cannot run is skipped *and said so* at the end of
the run; with TRADEWINDOW_REQUIRE_ALL_TIERS=1 (CI) a missing tier fails the run instead."""

from __future__ import annotations

import os

import pytest

POSTGRES_URL = os.environ.get("TRADEWINDOW_TEST_DATABASE_URL")
REQUIRE_ALL_TIERS = os.environ.get("TRADEWINDOW_REQUIRE_ALL_TIERS") == "1"


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_ALL_TIERS and not POSTGRES_URL:
        raise pytest.UsageError(
            "TRADEWINDOW_REQUIRE_ALL_TIERS=1 but TRADEWINDOW_TEST_DATABASE_URL is not set"
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not POSTGRES_URL:
        terminalreporter.write_line(
            "tier skipped: PostgreSQL integration tests "
            "(set TRADEWINDOW_TEST_DATABASE_URL=postgresql://… to run them)",
            yellow=True,
        )
    else:
        terminalreporter.write_line("tiers run: unit, SQLite, PostgreSQL")
