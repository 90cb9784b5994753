"""The partition key on the export tables that are per order (issue 14 item 4,
``docs/scaling.md`` "Export clearance by partitions"): an ``order_no`` column on
``exp_documents`` and ``exp_lists``, filled for the rows stored before it, first in a unique
key of each, as ``0018_partition_keys`` did for import.

Revision ID: 0019_export_partitions
Revises: 0018_partition_keys
Create Date: 2026-12-05

- ``order_no`` is the ``orderNo`` in the key ``ebpCode|orderNo`` of an order, a receipt of
  payment and a list; "" for a document keyed by its waybill (``logisticsCode|logisticsNo``:
  a waybill, a return's and a tally's record), which names no order.
- Unique keys ``(order_no, kind, key)`` and ``(order_no, order_key)``; the primary keys are
  not changed (as 0018 left import's), so the old keys still refuse duplicates everywhere.
- ``exp_receipts`` (a party's receipts, each a message's answer naming many orders),
  ``exp_answers`` (by message guid) and the tables of the whole-store path are not per order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_export_partitions"
down_revision = "0018_partition_keys"
branch_labels = None
depends_on = ("0017_export_lists",)

_UNIQUE = (
    ("exp_documents", "uq_exp_documents_order_no_kind_key", ["order_no", "kind", "key"]),
    ("exp_lists", "uq_exp_lists_order_no_order_key", ["order_no", "order_key"]),
)


def upgrade() -> None:
    find = "instr" if op.get_bind().dialect.name == "sqlite" else "strpos"
    for table, _, _ in _UNIQUE:
        op.add_column(table, sa.Column("order_no", sa.String(), nullable=False, server_default=""))
    op.execute(
        f"UPDATE exp_documents SET order_no = substr(key, {find}(key, '|') + 1)"  # noqa: S608
        " WHERE kind IN ('order', 'receipt')"
    )
    op.execute(f"UPDATE exp_lists SET order_no = substr(order_key, {find}(order_key, '|') + 1)")  # noqa: S608
    for table, name, columns in _UNIQUE:
        op.create_index(name, table, columns, unique=True)


def downgrade() -> None:
    for table, name, _ in _UNIQUE:
        op.drop_index(name, table_name=table)
        with op.batch_alter_table(table) as altered:
            altered.drop_column("order_no")
