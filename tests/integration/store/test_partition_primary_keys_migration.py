"""Migration 0019_partition_primary_keys on a populated database (issue 14 item 4): every row
of the tables whose keys change is still there, value for value, after the upgrade (SQLite
rebuilds three of them); the new keys refuse what the old ones did; the store reads and writes
as before (a second filing, a replay, a bill's agent by its tax number). SQLite and
PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import Engine, insert, text
from sqlalchemy.exc import IntegrityError
from store_records import alembic_run, submission

import builders as b
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.clearance import Submission
from tradewindow.filing.use_case import Sender
from tradewindow.settings import Settings
from tradewindow.store.cbec.lifecycle import SqlLifecycleRecords
from tradewindow.store.cbec.tables import (
    bill_agents,
    guarantee_holds,
    returned_lines,
    tax_adjustments,
)
from tradewindow.store.schema import tax_bills

TABLES = (
    "receipts",
    "filings",
    "agency_tasks",
    "agency_notices",
    "cbec_returned_lines",
    "cbec_tax_adjustments",
    "tax_bills",
    "cbec_bill_agents",
    "cbec_guarantee_holds",
    "documents",
)


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, each as (column, value) pairs, sorted."""
    found = {}
    with engine.connect() as connection:
        for table in TABLES:
            result = connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
            columns = list(result.keys())
            found[table] = sorted(tuple(sorted(zip(columns, row, strict=True))) for row in result)
    return found


def _messages(prefix: str, count: int) -> list[Submission]:
    sets = [
        b.import_set(order_no=f"{prefix}{n:03d}", logistics_no=f"{prefix}L{n:03d}")
        for n in range(count)
    ]
    messages = [
        b.order_message(*(s.order for s in sets)),
        b.payment_message(*(s.payment for s in sets)),
        b.waybill_message(*(s.waybill for s in sets)),
        b.inventory_message(*(s.inventory for s in sets)),
    ]
    return [submission(m) for m in messages]


def _tax_no(n: int) -> str:
    return f"5301202611{n:08d}01"  # an invtNo and 01


def _lifecycle_rows(engine: Engine) -> None:
    """Rows of the list tables the four sets did not reach (tax bills, returns, adjustments,
    settlement, holds, notices), written as the 0018 schema had them."""
    at = b.NOW
    money = {"customs_tax": Decimal("1.5"), "value_added_tax": Decimal("2.25")}
    money["consumption_tax"] = Decimal(0)
    with engine.begin() as connection:
        for n in range(3):
            list_key, order_no = f"{b.EBP_CODE}|MK{n:03d}", f"MK{n:03d}"
            tax_no = _tax_no(n)
            owned = {"list_key": list_key, "order_no": order_no}
            connection.execute(
                insert(returned_lines),
                {**owned, **money, "refund_key": f"{list_key}|G{n}", "gnum": 1,
                 "qty": Decimal(1), "value": Decimal(10), "status": "applied", "at": at},
            )  # fmt: skip
            connection.execute(
                insert(tax_adjustments),
                {**owned, **money, "tax_no": tax_no, "cause": "return", "ref_key": "R", "at": at},
            )
            connection.execute(
                insert(tax_bills),
                {**money, "tax_no": tax_no, "invt_no": tax_no[:-2], "doc_key": list_key,
                 "buyer": b.BUYER_ID, "created_at": at, "body": b"{}", "order_no": order_no},
            )  # fmt: skip
            connection.execute(
                insert(bill_agents),
                {**owned, "tax_no": tax_no, "invt_no": tax_no[:-2], "agent": "AGENT",
                 "issued": Decimal("3.75"), "released_at": at},
            )  # fmt: skip
            connection.execute(
                insert(guarantee_holds),
                {**owned, "agent": "AGENT", "tax": Decimal("3.75"), "held_at": at},
            )
            connection.execute(  # 0018's notices had no order_no: not the Core table's insert
                text(
                    "INSERT INTO agency_notices (filing, agency, policy_version, created_at)"
                    " SELECT :filing, :agency, policy_version, created_at FROM agency_tasks LIMIT 1"
                ),
                {"filing": list_key, "agency": f"AG{n}"},
            )


def test_a_populated_database_keeps_every_row_and_works_after_the_upgrade(
    database_url: str, tmp_path: Path
) -> None:
    app = bootstrap(Settings(database_url=database_url, data_dir=tmp_path / "data"))
    try:
        sender = Sender.of_operator("test", "cli-json")
        first = _messages("PP", 4)
        answered = [o.answer for o in app.filing.file(sender, first)]
        engine = app.store.engine
        alembic_run(engine, "downgrade", "0018_partition_keys")
        with engine.begin() as connection:  # as 0018 kept a waybill's claim
            connection.execute(text("UPDATE filings SET order_no = '' WHERE kind = 'waybill'"))
        _lifecycle_rows(engine)
        before = _rows(engine)
        assert all(before[table] for table in TABLES), [t for t in TABLES if not before[t]]

        alembic_run(engine, "upgrade", "heads")

        after = _rows(engine)
        for table in TABLES:
            if table in ("filings", "agency_notices"):
                continue  # an order_no filled in (below)
            assert after[table] == before[table], table
        notices = [dict(row) for row in after["agency_notices"]]
        assert len(notices) == len(before["agency_notices"])
        for notice in notices:
            assert notice["order_no"] == notice["filing"].partition("|")[2]
        claims = [dict(row) for row in after["filings"]]
        assert len(claims) == len(before["filings"])
        waybills = sorted(c["order_no"] for c in claims if c["kind"] == "waybill")
        assert waybills == [f"PP{n:03d}" for n in range(4)]  # from their waybills
        with engine.connect() as connection:
            keys = connection.execute(text("SELECT key FROM waybill_keys")).scalars().all()
        assert sorted(keys) == sorted(c["key"] for c in claims if c["kind"] == "waybill")

        # the store works on the new keys: a replay answers as before, new sets clear
        again = [o.answer for o in app.filing.file(sender, first)]
        assert all(a is not None and a.replayed for a in again)
        assert [msgspec.structs.replace(a, replayed=False) for a in again] == answered  # type: ignore[type-var]
        more = app.filing.file(sender, _messages("PQ", 2))
        assert all(o.answer is not None and o.refusal is None for o in more)
        with engine.begin() as connection:
            found = SqlLifecycleRecords(connection).bill_agents(tax_nos=[_tax_no(0)])
            assert [row.list_key for row in found] == [f"{b.EBP_CODE}|MK000"]
        with pytest.raises(IntegrityError), engine.begin() as connection:  # the new key
            connection.execute(
                insert(guarantee_holds),
                {"list_key": f"{b.EBP_CODE}|MK001", "order_no": "MK001", "agent": "AGENT",
                 "tax": Decimal(1), "held_at": b.NOW},
            )  # fmt: skip
    finally:
        app.close()
