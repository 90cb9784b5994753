"""Migrations run to head without an alembic.ini, twice is a no-op, and commits survive reopen."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect
from store_records import T0, inventory, message

from tradewindow.cbec.ports import DocKind, DocStatus
from tradewindow.store import migrate, open_store
from tradewindow.store.engine import (
    create_store_engine,
    current_revision,
    head_revisions,
    sqlalchemy_url,
)

TABLES = {"messages", "documents", "receipts", "tax_bills", "buyer_totals", "number_series"}


def test_migrate_creates_the_tables_and_indexes(database_url: str) -> None:
    migrate(database_url)
    engine = create_store_engine(database_url)
    try:
        schema = inspect(engine)
        assert set(schema.get_table_names()) >= TABLES
        assert current_revision(engine) == head_revisions()
        indexes = {ix["name"]: ix["column_names"] for ix in schema.get_indexes("documents")}
        assert indexes["ix_documents_status_order_ref"] == ["status", "order_ref"]
        assert indexes["ix_documents_status_waybill_ref"] == ["status", "waybill_ref"]
        assert indexes["ix_documents_status_received_at"] == ["status", "received_at"]
        receipt_indexes = {ix["name"]: ix["column_names"] for ix in schema.get_indexes("receipts")}
        assert receipt_indexes["ix_receipts_message_guid"] == ["message_guid"]
        assert receipt_indexes["ix_receipts_kind_doc_key"] == ["kind", "doc_key"]
        uniques = [u["column_names"] for u in schema.get_unique_constraints("documents")]
        assert ["kind", "key"] in uniques
    finally:
        engine.dispose()


def test_the_agencies_branch_adds_the_informed_agencies_notices(database_url: str) -> None:
    migrate(database_url)
    engine = create_store_engine(database_url)
    try:
        schema = inspect(engine)
        columns = {c["name"] for c in schema.get_columns("agency_notices")}
        assert columns == {"id", "filing", "agency", "policy_version", "created_at"}
        indexes = {ix["name"]: ix["column_names"] for ix in schema.get_indexes("agency_notices")}
        assert indexes["ix_agency_notices_agency_id"] == ["agency", "id"]
        uniques = [u["column_names"] for u in schema.get_unique_constraints("agency_notices")]
        assert ["filing", "agency"] in uniques
        assert "0008_agency_notices" in head_revisions().split("+")
        assert "0004_agencies" not in head_revisions().split("+")  # the same branch, moved on
    finally:
        engine.dispose()


def test_migrating_twice_is_a_no_op_and_keeps_data(database_url: str) -> None:
    store = open_store(database_url)
    with store.unit_of_work() as uow:
        uow.insert_documents([inventory(1)])
        uow.commit()
    store.close()

    migrate(database_url)
    migrate(database_url)

    reopened = open_store(database_url)
    try:
        with reopened.unit_of_work() as uow:
            assert list(uow.documents(DocKind.INVENTORY, [inventory(1).key])) == [inventory(1).key]
    finally:
        reopened.close()


def test_committed_work_is_there_after_reopen(database_url: str) -> None:
    store = open_store(database_url)
    with store.unit_of_work() as uow:
        uow.add_messages([message("MSG-1")])
        uow.insert_documents([inventory(n) for n in range(1, 4)])
        first = uow.next_numbers("invtNo", 10)
        uow.commit()
    store.close()

    reopened = open_store(database_url)
    try:
        with reopened.unit_of_work() as uow:
            assert uow.message_digests(["MSG-1"]) == {"MSG-1": "ab" * 32}
            assert (
                len(uow.documents(DocKind.INVENTORY, [inventory(n).key for n in range(1, 4)])) == 3
            )
            assert uow.next_numbers("invtNo", 1) == first + 10
        assert reopened.status_counts() == {("inventory", "waiting"): 3}
    finally:
        reopened.close()


def test_sqlite_is_durable_wal_with_foreign_keys(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    with store.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        assert pragma("PRAGMA journal_mode").scalar() == "wal"
        assert pragma("PRAGMA synchronous").scalar() == 2  # FULL
        assert pragma("PRAGMA foreign_keys").scalar() == 1
        assert pragma("PRAGMA busy_timeout").scalar() == 30_000
    store.close()


def test_sqlite_keeps_times_as_utc_text(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    with store.unit_of_work() as uow:
        uow.insert_documents([inventory(7, DocStatus.WAITING, received_at=T0)])
        uow.commit()
    store.close()
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        stored = raw.execute("SELECT received_at FROM documents").fetchone()[0]
    assert stored == "2024-03-01T08:00:00.000000+00:00"


def test_postgresql_urls_use_psycopg_3() -> None:
    assert sqlalchemy_url("postgresql://postgres@127.0.0.1:5432/test") == (
        "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    assert sqlalchemy_url("sqlite:///var/tw.db") == "sqlite:///var/tw.db"


def test_sqlite_folder_is_created_and_memory_is_refused(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'var' / 'data' / 'tw.db'}")
    store.close()
    assert (tmp_path / "var" / "data" / "tw.db").is_file()
    with pytest.raises(ValueError, match="SQLite file"):
        open_store("sqlite://")
    with pytest.raises(ValueError, match="sqlite: or postgresql"):
        open_store("mysql://root@localhost/tw")
