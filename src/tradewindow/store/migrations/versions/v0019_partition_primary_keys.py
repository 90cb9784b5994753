"""Every primary and unique key of the per-order tables starts with the partition key
``order_no`` (issue 14 item 4, ``docs/scaling.md``), so that a distributed PostgreSQL (Citus,
distribution column ``order_no``) can take the schema as it is.

Revision ID: 0019_partition_primary_keys
Revises: 0018_partition_keys
Create Date: 2026-12-05

- PostgreSQL: the surrogate primary keys become ``(order_no, id)`` (``receipts``, ``filings``,
  ``agency_tasks``, ``agency_notices``, ``cbec_returned_lines``, ``cbec_tax_adjustments``) and
  the natural ones ``(order_no, tax_no)`` (``tax_bills``, ``cbec_bill_agents``) and
  ``(order_no, list_key)`` (``cbec_guarantee_holds``); the unique indexes 0018 added with the
  same columns as the new primary keys are dropped (the key is the index). Plain indexes keep
  the reads that name no order: an agency's task by its id, a bill's agent by its tax number.
- SQLite (never distributed) rebuilds the three tables whose natural key changes (alembic's
  batch mode: a copy of the table with the new key, every row copied). Its surrogate keys stay
  ``id INTEGER PRIMARY KEY``: SQLite numbers a row only through that one-column key, and a
  composite key would leave every insert without an id.
- ``agency_notices`` (a list's informed agencies, written in the list's unit of work) gets its
  ``order_no`` too, filled from its filing as ``agency_tasks``' was, and its unique key
  ``(order_no, filing, agency)``.
- A waybill's filing claim gets its waybill's ``order_no`` (0018 left it "": the claim names
  the waybill's key only); the filing use case now passes it (``Claim.waybill_orders``).
- A waybill's key stays unique across orders through ``waybill_keys`` (one row per waybill
  key, inserted with the waybill; Citus distributes it by the key) instead of 0018's partial
  unique index on ``documents``, which a distributed table cannot keep.
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0019_partition_primary_keys"
down_revision = "0018_partition_keys"
branch_labels = None
depends_on = None

_SURROGATE = (
    "receipts",
    "filings",
    "agency_tasks",
    "agency_notices",
    "cbec_returned_lines",
    "cbec_tax_adjustments",
)
# (table, natural key column, 0018's unique index on (order_no, column))
_NATURAL = (
    ("tax_bills", "tax_no", "uq_tax_bills_order_no_tax_no"),
    ("cbec_bill_agents", "tax_no", "uq_cbec_bill_agents_order_no_tax_no"),
    ("cbec_guarantee_holds", "list_key", "uq_cbec_guarantee_holds_order_no_list_key"),
)
# reads by a column alone that the old primary key served: a bill's agent by its tax number;
# on PostgreSQL an agency's task by its id (SQLite's id stays the rowid)
_BILL_AGENTS_TAX_NO = "ix_cbec_bill_agents_tax_no"
_TASKS_ID = "ix_agency_tasks_id"
_NOTICES_KEY = "uq_agency_notices_order_no_filing_agency"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _notices_order_no(sqlite)
    _waybill_keys()
    op.execute(
        "UPDATE filings SET order_no = COALESCE((SELECT d.order_no FROM documents d"
        " WHERE d.kind = 'waybill' AND d.key = filings.key), '')"
        " WHERE kind = 'waybill' AND order_no = ''"
    )
    if sqlite:
        for table, column, unique in _NATURAL:
            op.drop_index(unique, table_name=table)
            _rebuilt(table, ["order_no", column])
        op.create_index(_BILL_AGENTS_TAX_NO, "cbec_bill_agents", ["tax_no"])
        return
    for table in _SURROGATE:
        _primary_key(table, ["order_no", "id"])
    for table, column, unique in _NATURAL:
        _primary_key(table, ["order_no", column])
        op.drop_index(unique, table_name=table)
    op.create_index(_BILL_AGENTS_TAX_NO, "cbec_bill_agents", ["tax_no"])
    op.create_index(_TASKS_ID, "agency_tasks", ["id"])


def _primary_key(table: str, columns: list[str]) -> None:
    op.drop_constraint(f"{table}_pkey", table, type_="primary")
    op.create_primary_key(f"{table}_pkey", table, columns)


def _rebuilt(table: str, key: list[str]) -> None:
    """SQLite: ``table`` copied into a new one whose primary key is ``key`` (SQLAlchemy warns
    that the reflected table's key names other columns: replacing that key is the point)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Table '_alembic_tmp_", sa.exc.SAWarning)
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.create_primary_key(f"{table}_pkey", key)


def _notices_order_no(sqlite: bool) -> None:
    op.add_column(
        "agency_notices", sa.Column("order_no", sa.String(), nullable=False, server_default="")
    )
    # as 0018 filled agency_tasks: the orderNo after the list key's '|' (an export list's
    # filing is EXP|ebpCode|orderNo)
    unprefixed = "CASE WHEN filing LIKE 'EXP|%' THEN substr(filing, 5) ELSE filing END"
    find = "instr" if sqlite else "strpos"
    op.execute(
        f"UPDATE agency_notices SET order_no ="  # noqa: S608 - constants
        f" substr({unprefixed}, {find}({unprefixed}, '|') + 1)"
    )
    op.create_index(_NOTICES_KEY, "agency_notices", ["order_no", "filing", "agency"], unique=True)
    if not sqlite:  # SQLite keeps its old key beside the new one, as 0018 did
        op.drop_constraint("uq_agency_notices_filing_agency", "agency_notices", type_="unique")


def _waybill_keys() -> None:
    op.create_table("waybill_keys", sa.Column("key", sa.String(), primary_key=True))
    op.execute("INSERT INTO waybill_keys (key) SELECT key FROM documents WHERE kind = 'waybill'")
    op.drop_index("uq_documents_waybill_key", table_name="documents")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("UPDATE filings SET order_no = '' WHERE kind = 'waybill'")  # as 0018 kept them
    op.drop_index(_BILL_AGENTS_TAX_NO, table_name="cbec_bill_agents")
    if sqlite:
        for table, column, unique in _NATURAL:
            _rebuilt(table, [column])
            op.create_index(unique, table, ["order_no", column], unique=True)
    else:
        op.drop_index(_TASKS_ID, table_name="agency_tasks")
        for table, column, unique in _NATURAL:
            op.create_index(unique, table, ["order_no", column], unique=True)
            _primary_key(table, [column])
        for table in _SURROGATE:
            _primary_key(table, ["id"])
        op.create_unique_constraint(
            "uq_agency_notices_filing_agency", "agency_notices", ["filing", "agency"]
        )
    op.create_index(
        "uq_documents_waybill_key", "documents", ["kind", "key"], unique=True,
        sqlite_where=sa.text("kind = 'waybill'"), postgresql_where=sa.text("kind = 'waybill'"),
    )  # fmt: skip
    op.drop_table("waybill_keys")
    op.drop_index(_NOTICES_KEY, table_name="agency_notices")
    with op.batch_alter_table("agency_notices") as batch:
        batch.drop_column("order_no")
