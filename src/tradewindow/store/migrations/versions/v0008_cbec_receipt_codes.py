"""Receipts keep the codes a returned document was refused for, beside the receipt's bytes.

Revision ID: 0008_cbec
Revises: 0001
Create Date: 2026-11-29

The ``cbec`` branch: later changes to the clearance tables of 0001 (messages, documents,
receipts, tax bills, buyer totals, number series) follow this revision. ``receipts.codes``
holds ``ReceiptRecord.codes`` space-separated ('' for none). Rows written before it are filled
best-effort from their returnInfo text, the only place their codes were: every bracketed
``[CEB….…]`` of a returned (100) receipt, first met first. A text cut at the receipt's limit
lost the codes past the cut, so those rows keep only the leading ones. The pattern is spelled
out here so the script keeps meaning what it meant when it ran.
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "0008_cbec"
down_revision = "0001"
branch_labels = ("cbec",)
depends_on = None

_CODE = re.compile(r"\[([A-Z][A-Za-z0-9]*\.[A-Za-z0-9_.]+)\]")  # "[CEB621.quota.annual_limit]"
_RETURNED = "100"
_BATCH = 1000


def upgrade() -> None:
    op.add_column("receipts", sa.Column("codes", sa.String(), nullable=False, server_default=""))
    receipts = sa.table(
        "receipts",
        sa.column("id", sa.BigInteger()),
        sa.column("receipt_type", sa.String()),
        sa.column("status", sa.String()),
        sa.column("body", sa.LargeBinary()),
        sa.column("codes", sa.String()),
    )
    connection = op.get_bind()
    returned = (
        sa.select(receipts.c.id, receipts.c.body)
        .where(receipts.c.status == _RETURNED, receipts.c.receipt_type != "CEB816")
        .order_by(receipts.c.id)
    )
    update = (
        sa.update(receipts)
        .where(receipts.c.id == sa.bindparam("row_id"))
        .values(codes=sa.bindparam("row_codes"))
    )
    after = None
    while True:
        page = returned if after is None else returned.where(receipts.c.id > after)
        rows = connection.execute(page.limit(_BATCH)).all()
        if not rows:
            return
        filled = [
            {"row_id": row.id, "row_codes": codes}
            for row in rows
            if (codes := _codes(bytes(row.body)))
        ]
        if filled:
            connection.execute(update, filled)
        after = rows[-1].id


def _codes(body: bytes) -> str:
    try:
        info = json.loads(body).get("returnInfo", "")
    except (ValueError, AttributeError):
        return ""  # not a JSON receipt: nothing to read, the row keeps no codes
    return " ".join(dict.fromkeys(_CODE.findall(info if isinstance(info, str) else "")))


def downgrade() -> None:
    # SQLite before 3.35 cannot drop a column: batch mode copies the table instead
    with op.batch_alter_table("receipts") as table:
        table.drop_column("codes")
