"""The migrated schema can be distributed as ``docs/scaling.md`` says (issue 14 item 4): a
distributed PostgreSQL (Citus) keeps a primary key or unique index only when it contains the
table's distribution column. The tables and their columns are read from the scaling.md table
itself, so the documentation and the schema cannot drift apart. PostgreSQL only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from tradewindow.store import migrate
from tradewindow.store.engine import create_store_engine

SCALING = Path(__file__).parents[3] / "docs" / "scaling.md"
_SECTION = "**PostgreSQL, distributed (Citus)"
_NAME = re.compile(r"`([a-z_]+)`")

_KEYS = text(
    """
    SELECT i.relname AS name, ix.indisprimary AS is_primary,
           array(SELECT a.attname FROM unnest(ix.indkey) AS k(n)
                 JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n) AS columns
    FROM pg_index ix
    JOIN pg_class i ON i.oid = ix.indexrelid
    JOIN pg_class t ON t.oid = ix.indrelid
    WHERE t.relname = :table AND t.relnamespace = current_schema()::regnamespace
      AND (ix.indisprimary OR ix.indisunique)
    """
)


def distributed_tables() -> dict[str, str]:
    """table → distribution column, from scaling.md's Citus table (reference tables left out:
    their row names no single column)."""
    lines = SCALING.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(_SECTION))
    rows = []
    for line in lines[start:]:
        if rows and not line.startswith("|"):
            break
        if line.startswith("| `"):
            rows.append(line)
    found: dict[str, str] = {}
    for row in rows:
        tables, by = row.split("|")[1:3]
        columns = _NAME.findall(by)
        if len(columns) == 1:
            found.update(dict.fromkeys(_NAME.findall(tables), columns[0]))
    return found


def test_the_scaling_table_names_the_per_order_and_per_partition_tables() -> None:
    tables = distributed_tables()
    for table in ("receipts", "filings", "tax_bills", "agency_tasks", "cbec_guarantee_holds"):
        assert tables[table] == "order_no"
    assert tables["evidence_partition_subjects"] == "partition"
    assert tables["waybill_keys"] == "key"


@pytest.mark.postgres
def test_every_key_of_a_distributed_table_contains_its_distribution_column(
    postgres_url: str,
) -> None:
    migrate(postgres_url)
    engine = create_store_engine(postgres_url)
    try:
        wrong: list[str] = []
        with engine.connect() as connection:
            for table, column in sorted(distributed_tables().items()):
                if connection.scalar(text("SELECT to_regclass(:t)"), {"t": table}) is None:
                    wrong.append(f"{table} is in scaling.md but not in the schema")
                keys = connection.execute(_KEYS, {"table": table}).all()
                wrong += [
                    f"{table}.{key.name} {list(key.columns)} lacks {column}"
                    for key in keys
                    if column not in key.columns
                ]
        assert not wrong, "\n".join(wrong)
    finally:
        engine.dispose()
