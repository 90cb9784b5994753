"""A filing's partition evidence is found through the index on the subject (issue 14 item 5):
``evidence export --filing`` asks every partition's chain which records name the filing
(``SqlPartitionChains.seqs_naming``); the primary key ``(partition, subject, seq)`` starts
with the partition, so without ``ix_evidence_partition_subjects_subject`` that look-up reads
the whole table. The plan of the statement the store runs is checked. PostgreSQL only."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text

from tradewindow.store import migrate
from tradewindow.store.engine import create_store_engine
from tradewindow.store.partition.chain import SqlPartitionChains

ROWS = 20_000
PARTITIONS = 8


@pytest.mark.postgres
def test_the_records_naming_a_filing_are_found_by_the_subject_index(postgres_url: str) -> None:
    migrate(postgres_url)
    engine = create_store_engine(postgres_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO evidence_partition_subjects (partition, subject, seq)"
                    " SELECT n % :partitions, 'inventory:4403960001|SO-' || n, n"
                    " FROM generate_series(1, :rows) AS n"
                ),
                {"partitions": PARTITIONS, "rows": ROWS},
            )
            connection.execute(text("ANALYZE evidence_partition_subjects"))
        run: list[tuple[str, Any]] = []

        def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if "evidence_partition_subjects" in statement:
                run.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", remember)
        named = SqlPartitionChains(engine).seqs_naming("inventory:4403960001|SO-77")
        event.remove(engine, "before_cursor_execute", remember)
        assert named == {77 % PARTITIONS: [77]}
        [(statement, parameters)] = run
        with engine.connect() as connection:
            plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
        assert any("ix_evidence_partition_subjects_subject" in line for line in plan), plan
    finally:
        engine.dispose()
