"""Engines for SQLite and PostgreSQL, and running the migrations to head.

SQLite is set up for an acknowledged-means-durable service: WAL, ``synchronous=FULL``, foreign
keys on, a busy timeout, and every unit of work opened with ``BEGIN IMMEDIATE`` so two writers
queue on the lock instead of failing halfway through (a deferred transaction that reads, then
writes, can get SQLITE_BUSY at once, without waiting).

Within one process the writers also queue on a lock of the engine before ``BEGIN IMMEDIATE``
and leave it once the ``COMMIT`` (or ``ROLLBACK``) has returned: SQLite's own busy handler
waits by sleeping (1, 2, 5 … 100 ms), so threads polling it leave the database idle while
they sleep and a few of them wait far longer than their turn. Between processes the busy
timeout still applies.
"""

from __future__ import annotations

import threading
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

    writers = _WriterQueue(engine)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
            return
        writers.enter(connection.connection.dbapi_connection)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writers.leave(connection.connection.dbapi_connection)
            raise

    return engine


class _WriterQueue:
    """One writing transaction at a time per engine, held from BEGIN IMMEDIATE until the
    dialect's commit or rollback of that DBAPI connection has returned (also when the pool
    rolls a connection back on return, or closes it)."""

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._holder: object | None = None
        dialect = engine.dialect
        commit, rollback = dialect.do_commit, dialect.do_rollback

        def do_commit(dbapi_connection: Any) -> None:
            try:
                commit(dbapi_connection)
            finally:
                self.leave(dbapi_connection)

        def do_rollback(dbapi_connection: Any) -> None:
            try:
                rollback(dbapi_connection)
            finally:
                self.leave(dbapi_connection)

        dialect.do_commit = do_commit  # type: ignore[method-assign]
        dialect.do_rollback = do_rollback  # type: ignore[method-assign]
        event.listen(
            engine, "close", lambda dbapi_connection, _record: self.leave(dbapi_connection)
        )
        event.listen(
            engine, "invalidate", lambda dbapi_connection, _record, _e: self.leave(dbapi_connection)
        )

    def enter(self, dbapi_connection: object) -> None:
        if not self._lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise TimeoutError("another writer held the SQLite database past the busy timeout")
        self._holder = dbapi_connection

    def leave(self, connection: object) -> None:
        # the dialect is handed the pool's proxy, the pool events the DBAPI connection
        dbapi_connection = getattr(connection, "dbapi_connection", connection)
        if self._holder is not None and self._holder is dbapi_connection:
            self._holder = None
            self._lock.release()


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
    reports a fully migrated database: a head another head depends on (``depends_on``, as
    0018_partition_keys on the tables of several branches) is not kept apart by alembic."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    heads = set(script.get_heads())
    covered = {
        revision.revision
        for head in heads
        for revision in script.iterate_revisions(head, "base")
        if revision.revision != head
    }
    return "+".join(sorted(heads - covered))


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None before the first; with several capability
    branches, their heads joined by ``+`` in sorted order)."""
    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return "+".join(sorted(heads)) if heads else None


def with_search_path(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use ``schema`` (a benchmark's throwaway schema)."""
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
