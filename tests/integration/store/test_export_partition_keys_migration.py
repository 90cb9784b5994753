"""Migration 0019_export_partitions (issue 14 item 4): the partition key ``order_no`` on the
export tables that are per order. Rows stored before it get it as the running code writes it
on insert; the key that includes it refuses duplicates. SQLite and PostgreSQL."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from tradewindow.bootstrap import bootstrap
from tradewindow.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "export"))

import export_set as s
from store_records import alembic_run as _alembic

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
QUERIES = {
    "exp_documents": "SELECT kind || ' ' || key, order_no FROM exp_documents",
    "exp_lists": "SELECT order_key, order_no FROM exp_lists",
}


def _keys(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    with engine.connect() as connection:
        return {
            table: sorted((row[0], row[1]) for row in connection.execute(text(query)))
            for table, query in QUERIES.items()
        }


def test_export_rows_stored_before_the_migration_get_their_partition_key(
    database_url: str, tmp_path: Path
) -> None:
    app = bootstrap(Settings(database_url=database_url, data_dir=tmp_path / "data"))
    try:
        for n in range(3):
            order_no, logistics_no = f"PKE{n:05d}", f"PKEL{n:05d}"
            for code, document in (
                ("CEB303", s.order(order_no=order_no, guid=s.guid("o", order_no))),
                ("CEB403", s.receipt(order_no=order_no, guid=s.guid("r", order_no))),
                ("CEB505", s.waybill(logistics_no=logistics_no, guid=s.guid("w", order_no))),
                ("CEB603", s.inventory(order_no=order_no, logistics_no=logistics_no,
                                       guid=s.guid("i", order_no), cop_no=f"C{order_no}")),
            ):  # fmt: skip
                app.export(s.message(code, document), "operator:test", AT)
        engine = app.store.engine
        written = _keys(engine)
        assert [o for _, o in written["exp_lists"]] == ["PKE00000", "PKE00001", "PKE00002"]
        by_kind = {label.split(" ")[0]: o for label, o in written["exp_documents"]}
        assert by_kind["order"].startswith("PKE")
        assert by_kind["receipt"].startswith("PKE")
        assert by_kind["waybill"] == ""  # keyed by its waybill key: it names no order

        _alembic(engine, "downgrade", "0018_partition_keys")  # the tables as they were
        with engine.connect() as connection:
            columns = connection.execute(text("SELECT * FROM exp_lists")).keys()
        assert "order_no" not in columns
        _alembic(engine, "upgrade", "heads")
        assert _keys(engine) == written

        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT kind, key, owner, body, order_no FROM exp_documents"
                     " WHERE kind = 'order' LIMIT 1")
            ).one()  # fmt: skip
        copy = dict(row._mapping)
        insert = text(
            "INSERT INTO exp_documents (kind, key, owner, body, order_no)"
            " VALUES (:kind, :key, :owner, :body, :order_no)"
        )
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert, copy)
    finally:
        app.close()
