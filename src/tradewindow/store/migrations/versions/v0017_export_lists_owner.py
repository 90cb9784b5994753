"""Export lists by who filed them and when they last changed: the portal lists a party's own
export lists (by its filer or its consignor code, newest first) and the statistics loader
reloads only the days of lists changed since its last watermark.

Revision ID: 0017_export_lists
Revises: 0016_export_receipts
Create Date: 2026-12-06

``owner`` and ``updated_at`` are filled from each stored list's body (its owner, its filing
time) for lists stored before this revision; the running code writes both on every save.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0017_export_lists"
down_revision = "0016_export_receipts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    with op.batch_alter_table("exp_lists") as table:
        table.add_column(sa.Column("owner", sa.String(80)))
        table.add_column(sa.Column("updated_at", instant))
    lists = sa.table(
        "exp_lists",
        sa.column("order_key", sa.String()),
        sa.column("body", sa.LargeBinary()),
        sa.column("owner", sa.String()),
        sa.column("updated_at", instant),
    )
    for order_key, body in bind.execute(sa.select(lists.c.order_key, lists.c.body)).all():
        record = json.loads(body)
        filed = datetime.fromisoformat(record["filed_at"].replace("Z", "+00:00")).astimezone(UTC)
        stamp: object = filed.isoformat(timespec="microseconds") if sqlite else filed
        bind.execute(
            sa.update(lists)
            .where(lists.c.order_key == order_key)
            .values(owner=record["owner"], updated_at=stamp)
        )
    op.create_index("ix_exp_lists_owner_filed", "exp_lists", ["owner", "filed_at"])
    op.create_index("ix_exp_lists_ebc_filed", "exp_lists", ["ebc_code", "filed_at"])
    op.create_index("ix_exp_lists_updated_at", "exp_lists", ["updated_at"])
    op.create_index("ix_exp_lists_filed_at", "exp_lists", ["filed_at"])


def downgrade() -> None:
    for name in (
        "ix_exp_lists_filed_at",
        "ix_exp_lists_updated_at",
        "ix_exp_lists_ebc_filed",
        "ix_exp_lists_owner_filed",
    ):
        op.drop_index(name, table_name="exp_lists")
    with op.batch_alter_table("exp_lists") as table:
        table.drop_column("updated_at")
        table.drop_column("owner")
