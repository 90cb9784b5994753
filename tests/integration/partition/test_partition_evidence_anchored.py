"""Partitioned clearance's evidence is anchored like the platform's (issue 15 with issue 14):
before a writer checkpoints the platform's chain it signs the partitions' heads into it, so a
partition chain cut short under the newest heads fails verify. PostgreSQL (partitions need it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from partitioned_harness import submission
from sqlalchemy import text

import builders as b
from tradewindow.bootstrap import bootstrap
from tradewindow.evidence.partitions import PartitionEvidence
from tradewindow.filing.use_case import Sender
from tradewindow.settings import Settings
from tradewindow.store.partition import SqlPartitionChains


@pytest.mark.postgres
def test_a_writer_signs_the_partition_heads_before_its_checkpoint(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=postgres_url, data_dir=tmp_path / "data", clearance_partitions=4
    )
    app = bootstrap(settings)
    try:
        sets = [b.import_set(order_no=f"A{n:03d}", logistics_no=f"AL{n:03d}") for n in range(6)]
        messages = [
            b.order_message(*(s.order for s in sets)),
            b.payment_message(*(s.payment for s in sets)),
            b.waybill_message(*(s.waybill for s in sets)),
            b.inventory_message(*(s.inventory for s in sets)),
        ]
        sender = Sender.of_operator("test", "cli-json")
        app.filing.file(sender, [submission(m, b.NOW) for m in messages])
        checkpoint = app.evidence.seal_tail()  # what clear, serve and workers do at the end
        assert checkpoint is not None
        chains = PartitionEvidence(
            SqlPartitionChains(app.store.engine), public_key=app.evidence.public_key
        )
        report = chains.verify()
        assert report.ok, report.failure
        assert report.heads_records == 1
        assert app.evidence.verify().ok
        assert app.evidence.seal_tail() is None  # nothing moved: no heads record, no checkpoint
        assert chains.verify().heads_records == 1

        # a partition's newest record removed: the signed heads name it still
        with app.store.engine.begin() as connection:
            connection.execute(
                text(
                    "DELETE FROM evidence_partition_records WHERE (partition, seq) IN"
                    " (SELECT partition, max(seq) FROM evidence_partition_records"
                    "  GROUP BY partition ORDER BY partition LIMIT 1)"
                )
            )
        assert not chains.verify().ok
    finally:
        app.close()
