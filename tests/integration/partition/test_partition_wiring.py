"""Partitioned clearance as settings and bootstrap wire it: N threads of the filing process
over PostgreSQL without a bus; refused settings fail fast."""

from __future__ import annotations

from pathlib import Path

import pytest
from partitioned_harness import submission
from sqlalchemy import text

import builders as b
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.partitioned import PartitionedClearance
from tradewindow.filing.use_case import Sender
from tradewindow.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("env", "why"),
    [
        ({"TRADEWINDOW_CLEARANCE_PARTITIONS": "4"}, "needs PostgreSQL"),
        (
            {
                "TRADEWINDOW_DATABASE_URL": "postgresql://h/db",
                "TRADEWINDOW_CLEARANCE_PARTITIONS": "2000",
            },
            "at most 1024",
        ),
        ({"TRADEWINDOW_CLEARANCE_PARTITIONS": "0"}, "TRADEWINDOW_CLEARANCE_PARTITIONS"),
    ],
)
def test_partition_settings_that_cannot_work_fail_fast(env: dict[str, str], why: str) -> None:
    with pytest.raises(SettingsError, match=why):
        Settings.from_env(env)


def test_partitions_are_read_from_the_environment() -> None:
    env = {"TRADEWINDOW_DATABASE_URL": "postgresql://h/db", "TRADEWINDOW_CLEARANCE_PARTITIONS": "8"}
    assert Settings.from_env(env).clearance_partitions == 8
    assert Settings.from_env({}).clearance_partitions == 1


@pytest.mark.postgres
def test_bootstrap_files_through_the_partitions(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=postgres_url, data_dir=tmp_path / "data", clearance_partitions=4
    )
    app = bootstrap(settings)
    try:
        assert isinstance(app.clearance, PartitionedClearance)
        assert app.partitions is not None
        found = [b.import_set(order_no=f"W{n:03d}", logistics_no=f"WL{n:03d}") for n in range(8)]
        messages = [
            b.order_message(*(s.order for s in found)),
            b.payment_message(*(s.payment for s in found)),
            b.waybill_message(*(s.waybill for s in found)),
            b.inventory_message(*(s.inventory for s in found)),
        ]
        sender = Sender.of_operator("test", "cli-json")
        filed = app.filing.file(sender, [submission(m, b.NOW) for m in messages])
        assert all(f.answer is not None for f in filed)
        lists = filed[3].answer.receipts  # type: ignore[union-attr]
        decided = sorted(
            r.status for r in lists if r.receipt_type == "CEB622" and r.status != "120"
        )
        # routed to the agencies the policy names for these goods (formula: inspection)
        assert decided == ["399"] * 8
        with app.store.engine.connect() as connection:
            chains = connection.execute(
                text("SELECT count(DISTINCT partition) FROM evidence_partition_records")
            ).scalar_one()
            owners = connection.execute(
                text("SELECT count(*) FROM filings WHERE party_id = 'operator:test'")
            ).scalar_one()
        assert chains > 1  # the production recorder wrote to the partitions' chains
        assert owners == 32  # every document claimed for its filer, in its partition
    finally:
        app.close()
