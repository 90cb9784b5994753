"""Engines for SQLite and PostgreSQL, and running the migrations to head.

SQLite is set up for an acknowledged-means-durable service: WAL, ``synchronous=FULL``, foreign
keys on, a busy timeout, and every unit of work opened with ``BEGIN IMMEDIATE`` so two writers
queue on the lock instead of failing halfway through (a deferred transaction that reads, then
writes, can get SQLITE_BUSY at once, without waiting).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "tradewindow_read_only"  # execution option: open a plain (deferred) transaction
_MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK = "tradewindow.store.migrate"


def sqlalchemy_url(url: str) -> str:
    """``postgresql://…`` (as users write it) → ``postgresql+psycopg://…`` (psycopg 3)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise ValueError(f"tradewindow stores in sqlite: or postgresql: URLs, not {url!r}")
    return url


def create_store_engine(url: str) -> Engine:
    url = sqlalchemy_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        # every pooled connection would be a different, empty database
        raise ValueError("the store needs a SQLite file (e.g. sqlite:///var/tradewindow.db)")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest schema; a no-op when it is already there."""
    engine = create_store_engine(url)
    try:
        migrate_engine(engine)
    finally:
        engine.dispose()


def migrate_engine(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # two processes starting at once must not both create the tables
            connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('tradewindow.migrate'))")
            )
        config.attributes["connection"] = connection
        # each capability keeps its tables on its own branch (parties, evidence, agencies, …),
        # all rooted at the initial revision, so upgrading means every head
        command.upgrade(config, "heads")


def head_revisions() -> str:
    """Every capability branch's head in the shipped migrations, as ``current_revision``
    reports a fully migrated database."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return "+".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None before the first; with several capability
    branches, their heads joined by ``+`` in sorted order)."""
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return "+".join(sorted(heads)) if heads else None
