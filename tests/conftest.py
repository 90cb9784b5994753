"""Test tiers: unit (pure core), integration (SQLite always; PostgreSQL and NATS when their
URLs are set) and end to end. A tier that cannot run is skipped *and said so* at the end of
the run; with TRADEWINDOW_REQUIRE_ALL_TIERS=1 (CI) a missing tier fails the run instead."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import make_url

from tradewindow.formats import ceb_schema
from tradewindow.store import SqlStore, open_store

POSTGRES_URL = os.environ.get("TRADEWINDOW_TEST_DATABASE_URL")
NATS_URL = os.environ.get("TRADEWINDOW_TEST_NATS_URL")
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_ALL_TIERS = os.environ.get("TRADEWINDOW_REQUIRE_ALL_TIERS") == "1"

# no timed assertions, Hypothesis's included: an example that is slow on a loaded machine is
# not a failure (performance is measured by `tradewindow bench`, never by the tests)
settings.register_profile(
    "tradewindow", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("tradewindow")


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_ALL_TIERS and not POSTGRES_URL:
        raise pytest.UsageError(
            "TRADEWINDOW_REQUIRE_ALL_TIERS=1 but TRADEWINDOW_TEST_DATABASE_URL is not set"
        )
    if REQUIRE_ALL_TIERS and not NATS_URL:
        raise pytest.UsageError(
            "TRADEWINDOW_REQUIRE_ALL_TIERS=1 but TRADEWINDOW_TEST_NATS_URL is not set"
        )
    if REQUIRE_ALL_TIERS and not CHROMIUM.exists():
        raise pytest.UsageError("TRADEWINDOW_REQUIRE_ALL_TIERS=1 but /usr/bin/chromium is missing")
    if REQUIRE_ALL_TIERS and not ceb_schema.schemas_available():
        raise pytest.UsageError(
            "TRADEWINDOW_REQUIRE_ALL_TIERS=1 but the CEB XSDs (shared/data/specs/ceb) are missing"
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [
        (name, how)
        for name, present, how in (
            ("PostgreSQL", POSTGRES_URL, "set TRADEWINDOW_TEST_DATABASE_URL=postgresql://…"),
            ("NATS JetStream", NATS_URL, "set TRADEWINDOW_TEST_NATS_URL=nats://…"),
            ("browser", CHROMIUM.exists(), "apt-get install -y chromium"),
            ("official CEB XSDs", ceb_schema.schemas_available(), "shared/data/specs/ceb"),
        )
        if not present
    ]
    for name, how in skipped:
        terminalreporter.write_line(f"tier skipped: {name} tests ({how} to run them)", yellow=True)
    if not skipped:
        terminalreporter.write_line("tiers run: unit, SQLite, PostgreSQL, NATS, browser, XSD")


# --- databases: a SQLite file and a fresh PostgreSQL schema per test ---------------------


def with_search_path(url: str, schema: str) -> str:
    """``url`` with every connection's ``search_path`` set to ``schema``."""
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tradewindow.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL tier: TRADEWINDOW_TEST_DATABASE_URL is not set")
    schema = f"tw_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            yield with_search_path(POSTGRES_URL, schema)
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database: a SQLite file, then a fresh PostgreSQL schema."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
def store(database_url: str) -> Iterator[SqlStore]:
    opened = open_store(database_url)
    try:
        yield opened
    finally:
        opened.close()
