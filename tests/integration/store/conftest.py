"""Store fixtures: ``sqlite_url``, ``postgres_url`` and a ``store`` run on both databases.

Copy these into another test folder to run its tests on both databases. PostgreSQL comes from
TRADEWINDOW_TEST_DATABASE_URL and is skipped, with the reason, when that is unset. Each test
gets its own schema (CREATE SCHEMA tw_<random>, reached through ``search_path`` in the URL's
``options``) so tests can run in parallel under pytest-xdist; the schema is dropped after.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tradewindow.store import SqlStore, open_store

POSTGRES_URL = os.environ.get("TRADEWINDOW_TEST_DATABASE_URL")


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
