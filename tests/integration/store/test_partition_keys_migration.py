"""Migration 0018_partition_keys (issue 14 item 4): the partition key ``order_no`` on the
clearance tables. Rows stored before it are filled as the running code fills them on insert
(waybills from their bodies, receipts from their documents), the keys that include it still
refuse duplicates, and a waybill's key stays unique across orders. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError
from store_records import alembic_run, submission

import builders as b
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.ports import DocKind
from tradewindow.filing.use_case import Sender
from tradewindow.settings import Settings
from tradewindow.store.engine import create_store_engine
from tradewindow.store.errors import DuplicateDocument
from tradewindow.store.order_keys import order_no_of, order_no_of_list

TABLES = {
    "documents": "kind || ' ' || key",
    "receipts": "receipt_type || ' ' || doc_key",
    "tax_bills": "tax_no",
    "filings": "kind || ' ' || key",
    "agency_tasks": "filing || ' ' || agency",
    "cbec_bill_agents": "tax_no",
}


def _keys(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    with engine.connect() as connection:
        return {
            table: sorted(
                (row[0], row[1])
                for row in connection.execute(
                    text(f"SELECT {label}, order_no FROM {table}")  # noqa: S608 - constants
                )
            )
            for table, label in TABLES.items()
        }


def test_rows_stored_before_the_migration_get_their_partition_key(
    database_url: str, tmp_path: Path
) -> None:
    app = bootstrap(Settings(database_url=database_url, data_dir=tmp_path / "data"))
    try:
        sets = [b.import_set(order_no=f"PK{n:03d}", logistics_no=f"PKL{n:03d}") for n in range(4)]
        messages = [
            b.order_message(*(s.order for s in sets)),
            b.payment_message(*(s.payment for s in sets)),
            b.waybill_message(*(s.waybill for s in sets)),
            b.inventory_message(*(s.inventory for s in sets)),
        ]
        sender = Sender.of_operator("test", "cli-json")
        app.filing.file(sender, [submission(m) for m in messages])
        engine = app.store.engine
        written = _keys(engine)  # as the running code wrote them on insert
        # every document, receipt and claim names its order, a waybill's too
        for table in ("documents", "receipts", "filings"):
            assert written[table], table
        waybills = [o for label, o in written["documents"] if label.startswith("waybill ")]
        assert sorted(waybills) == [f"PK{n:03d}" for n in range(4)]
        assert all(o.startswith("PK") for _, o in written["receipts"])
        # a waybill's claim too, from the waybill the use case filed (0019_partition_primary_keys)
        claims = [o for label, o in written["filings"] if label.startswith("waybill ")]
        assert sorted(claims) == [f"PK{n:03d}" for n in range(4)]

        alembic_run(engine, "downgrade", "0017_partition")  # the tables as they were
        with engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM documents")).keys()
        assert "order_no" not in columns
        with engine.begin() as connection:  # an export list's task, as the desk keys it
            connection.execute(
                text(
                    "INSERT INTO agency_tasks (filing, agency, status, policy_version,"
                    " created_at) SELECT 'EXP|4403960001|EX-1', agency, status,"
                    " policy_version, created_at FROM agency_tasks LIMIT 1"
                )
            )
        alembic_run(engine, "upgrade", "heads")
        with engine.begin() as connection:
            exported = connection.execute(
                text("SELECT order_no FROM agency_tasks WHERE filing LIKE 'EXP|%'")
            ).scalar_one()
            connection.execute(text("DELETE FROM agency_tasks WHERE filing LIKE 'EXP|%'"))
        assert exported == "EX-1"
        after = _keys(engine)
        for table in TABLES:
            assert after[table] == written[table], (table, set(after[table]) ^ set(written[table]))

        with engine.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT kind, key, status, message_guid, version, body, received_at,"
                    " updated_at, order_no FROM documents WHERE kind = 'waybill' LIMIT 1"
                )
            ).one()
        copy = dict(row._mapping)
        insert = text(
            "INSERT INTO documents (kind, key, status, message_guid, version, body,"
            " received_at, updated_at, order_no) VALUES (:kind, :key, :status,"
            " :message_guid, :version, :body, :received_at, :updated_at, :order_no)"
        )
        with pytest.raises(IntegrityError), engine.begin() as connection:  # the same order
            connection.execute(insert, copy)
        with app.store.unit_of_work() as uow:  # another order: waybill_keys refuses it (0019)
            stored = uow.documents(DocKind.WAYBILL, [copy["key"]])[copy["key"]]
            with pytest.raises(DuplicateDocument):
                uow.insert_documents([msgspec.structs.replace(stored, order_no="ANOTHER-ORDER")])
    finally:
        app.close()


def test_a_fresh_database_keys_every_clearance_table_by_order(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        alembic_run(engine, "upgrade", "heads")
        with engine.connect() as connection:
            for table in (*TABLES, "cbec_returned_lines", "cbec_tax_adjustments"):
                columns = connection.execute(text(f"SELECT * FROM {table}")).keys()  # noqa: S608
                assert "order_no" in columns, table
    finally:
        engine.dispose()


def test_the_order_number_is_read_from_each_kind_of_key() -> None:
    assert order_no_of("order", "4403960001|SO-1") == "SO-1"
    assert order_no_of("inventory", "4403960001|SO-1") == "SO-1"
    assert order_no_of("refund", "4403960001|SO-1|GUID-9") == "SO-1"
    assert order_no_of("waybill", "4403980001|LN-1") == ""  # the document carries it
    assert order_no_of("delivery", "OP|GUID") == ""
    assert order_no_of_list("4403960001|SO-1") == "SO-1"
    assert order_no_of_list("EXP|4403960001|SO-1") == "SO-1"  # an export list's filing
