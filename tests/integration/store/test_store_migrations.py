"""Migrations run to head without an alembic.ini, twice is a no-op, and commits survive reopen."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from store_records import T0, alembic_run, inventory, message, order_key

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
        keys = [u["column_names"] for u in schema.get_unique_constraints("documents")] + [
            ix["column_names"] for ix in schema.get_indexes("documents") if ix["unique"]
        ]
        assert ["order_no", "kind", "key"] in keys  # the partition key first (0018)
    finally:
        engine.dispose()


def test_the_agencies_branch_adds_the_informed_agencies_notices(database_url: str) -> None:
    migrate(database_url)
    engine = create_store_engine(database_url)
    try:
        schema = inspect(engine)
        columns = {c["name"] for c in schema.get_columns("agency_notices")}
        # order_no: the partition key (0019_partition_primary_keys)
        assert columns == {"id", "filing", "agency", "policy_version", "created_at", "order_no"}
        indexes = {ix["name"]: ix["column_names"] for ix in schema.get_indexes("agency_notices")}
        assert indexes["ix_agency_notices_agency_id"] == ["agency", "id"]
        uniques = [u["column_names"] for u in schema.get_unique_constraints("agency_notices")]
        uniques += [
            ix["column_names"] for ix in schema.get_indexes("agency_notices") if ix["unique"]
        ]
        assert ["order_no", "filing", "agency"] in uniques
        heads = head_revisions().split("+")
        # the agencies branch's head is covered by 0018_partition_keys, which depends on it,
        # and 0018 by the revisions after it
        assert "0019_partition_primary_keys" in heads
        assert "0019_export_partitions" in heads
        assert "0009_agency_follow_up" not in heads
        assert "0004_agencies" not in heads  # the same branch, moved on
        assert "0008_agency_notices" not in heads
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


def _old_receipt(guid: str, seq: int, status: str, body: bytes) -> dict[str, object]:
    return {"receipt_type": "CEB312", "kind": "order", "doc_key": order_key(seq),
            "message_guid": guid, "status": status, "created_at": T0.isoformat(),
            "body": body, "seq": seq}  # fmt: skip


RETURN_INFO = (
    "[CEB311.buyerIdNumber.invalid] Order[1]/OrderHead/buyerIdNumber: bad / 错; "
    "[CEB311.totalPrice.mismatch] Order[1]/OrderList[1]/totalPrice: off / 不符; "
    "[CEB311.totalPrice.mismatch] …"
)
OLD_RECEIPTS = [
    # returned for coded rules: each code once, first met first
    _old_receipt(
        "OLD", 0, "100", f'{{"returnStatus":"100","returnInfo":"{RETURN_INFO}"}}'.encode()
    ),
    # accepted: no codes, whatever the text holds
    _old_receipt("OLD", 1, "120", b'{"returnStatus":"120","returnInfo":"[CEB311.x.y] accepted"}'),
    # returned by an agency (no coded rule) and a body that is no JSON receipt: none either
    _old_receipt("OLD", 2, "100", b'{"returnStatus":"100","returnInfo":"[agency.refuse] CIQ: no"}'),
    _old_receipt("OLD", 3, "100", b"not json"),
]


def test_receipts_written_before_codes_get_them_from_their_text(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        alembic_run(engine, "upgrade", "0001")  # the receipts table as it was before 0008_cbec
        columns = "receipt_type, kind, doc_key, message_guid, status, created_at, body, seq"
        values = ", ".join(f":{name.strip()}" for name in columns.split(","))
        with engine.begin() as connection:
            connection.execute(
                text(f"INSERT INTO receipts ({columns}) VALUES ({values})"),  # noqa: S608
                OLD_RECEIPTS,
            )
        migrate(database_url)
        assert current_revision(engine) == head_revisions()
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT seq, codes FROM receipts ORDER BY seq"))
            assert dict(stored.all()) == {
                0: "CEB311.buyerIdNumber.invalid CEB311.totalPrice.mismatch",
                1: "",
                2: "",
                3: "",
            }
    finally:
        engine.dispose()
    store = open_store(database_url)
    try:
        with store.unit_of_work() as uow:
            found = uow.receipts_for_messages(["OLD"])
        assert [r.codes for r in found] == [
            ("CEB311.buyerIdNumber.invalid", "CEB311.totalPrice.mismatch"),
            (),
            (),
            (),
        ]
    finally:
        store.close()


def test_the_codes_column_goes_on_downgrade_and_comes_back(database_url: str) -> None:
    migrate(database_url)
    engine = create_store_engine(database_url)
    try:
        alembic_run(engine, "downgrade", "cbec@0001")
        assert "codes" not in {c["name"] for c in inspect(engine).get_columns("receipts")}
        migrate(database_url)
        assert "codes" in {c["name"] for c in inspect(engine).get_columns("receipts")}
        assert current_revision(engine) == head_revisions()
    finally:
        engine.dispose()


def test_tasks_held_or_inspected_before_follow_ups_are_followed_up(database_url: str) -> None:
    engine = create_store_engine(database_url)
    columns = "filing, agency, status, decision, reason, policy_version, created_at, decided_at"
    rows = [
        {"filing": f"E|{n}", "agency": "customs", "status": "decided", "decision": decision,
         "reason": None if decision == "release" else "why", "policy_version": "2026.1",
         "created_at": T0.isoformat(), "decided_at": T0.isoformat()}
        for n, decision in enumerate(("release", "hold", "inspect", "refuse"))
    ] + [{"filing": "E|9", "agency": "customs", "status": "open", "decision": None,
          "reason": None, "policy_version": "2026.1", "created_at": T0.isoformat(),
          "decided_at": None}]  # fmt: skip
    try:
        alembic_run(engine, "upgrade", "0008_agency_notices")
        values = ", ".join(f":{name.strip()}" for name in columns.split(","))
        with engine.begin() as connection:
            connection.execute(
                text(f"INSERT INTO agency_tasks ({columns}) VALUES ({values})"),  # noqa: S608
                rows,
            )
        migrate(database_url)
        with engine.connect() as connection:
            found = connection.execute(text("SELECT filing, status FROM agency_tasks"))
            assert dict(found.all()) == {
                "E|0": "decided", "E|1": "follow_up", "E|2": "follow_up", "E|3": "decided",
                "E|9": "open",
            }  # fmt: skip
    finally:
        engine.dispose()
