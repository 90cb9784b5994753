"""The partition key on the clearance tables (issue 14 item 4, ``docs/scaling.md``): an
``order_no`` column on ``documents``, ``receipts``, ``tax_bills``, ``filings``,
``agency_tasks`` and the CBEC tables of a list (``cbec_returned_lines``,
``cbec_tax_adjustments``, ``cbec_bill_agents``, ``cbec_guarantee_holds``), filled for the
rows stored before it, and in each unique key, so that a distributed PostgreSQL (Citus) can
take ``order_no`` as the distribution column.

Revision ID: 0018_partition_keys
Revises: 0017_partition
Create Date: 2026-12-05

On the ``partition`` branch; it depends on the revisions that made the tables it alters.

- ``order_no`` is the ``orderNo`` of the row's order: taken from the keys that embed it
  (``ebpCode|orderNo``: orders, payments, lists, cancellations, and every list key), from a
  return's list (its ``order_ref``), from a waybill's body (its key is
  ``logisticsCode|logisticsNo``), and from the stored document for receipts; "" for rows that
  name no order (a parcel's status, a delivery, a message's CEB900, a waybill's filing claim).
- Unique keys: ``(order_no, kind, key)`` for documents and filings, ``(order_no, filing,
  agency)`` for agency tasks, ``(order_no, tax_no)`` for tax bills and bill agents,
  ``(order_no, list_key)`` for guarantee holds. On PostgreSQL the old keys without it are
  dropped (kept as plain indexes for the reads by key); a waybill's key stays unique by a
  partial unique index (its key does not embed its order). SQLite, never distributed, keeps its
  old keys as they are (dropping one there rebuilds the table) beside the new ones.
- Primary keys are not changed (see ``docs/scaling.md``).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0018_partition_keys"
down_revision = "0017_partition"
branch_labels = None
depends_on = ("0014_cbec_tax_settlement", "0009_agency_follow_up", "0010_filing")

_BY_ORDER = ("order", "payment", "inventory", "cancel")
_LIST_TABLES = (
    "cbec_returned_lines",
    "cbec_tax_adjustments",
    "cbec_bill_agents",
    "cbec_guarantee_holds",
)
# (table, unique index name, columns)
_UNIQUE = (
    ("documents", "uq_documents_order_no_kind_key", ["order_no", "kind", "key"]),
    ("filings", "uq_filings_order_no_kind_key", ["order_no", "kind", "key"]),
    ("agency_tasks", "uq_agency_tasks_order_no_filing_agency", ["order_no", "filing", "agency"]),
    ("tax_bills", "uq_tax_bills_order_no_tax_no", ["order_no", "tax_no"]),
    ("cbec_bill_agents", "uq_cbec_bill_agents_order_no_tax_no", ["order_no", "tax_no"]),
    ("cbec_guarantee_holds", "uq_cbec_guarantee_holds_order_no_list_key", ["order_no", "list_key"]),
)
# PostgreSQL: the old unique keys, dropped, and the plain index each leaves for reads by key
_OLD_KEYS = (
    ("documents", "uq_documents_kind_key", "ix_documents_kind_key", ["kind", "key"]),
    ("filings", "uq_filings_kind_key", "ix_filings_kind_key", ["kind", "key"]),
    (
        "agency_tasks",
        "uq_agency_tasks_filing_agency",
        "ix_agency_tasks_filing_agency",
        ["filing", "agency"],
    ),
)


def _after_bar(column: str, sqlite: bool) -> str:
    """SQL for the text after the first '|' of ``column`` (the orderNo of ``ebpCode|orderNo``)."""
    find = "instr" if sqlite else "strpos"
    return f"substr({column}, {find}({column}, '|') + 1)"


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for table in ("documents", "receipts", "tax_bills", "filings", "agency_tasks", *_LIST_TABLES):
        op.add_column(table, sa.Column("order_no", sa.String(), nullable=False, server_default=""))

    def after(column: str) -> str:
        return _after_bar(column, sqlite)

    by_order = ", ".join(f"'{kind}'" for kind in _BY_ORDER)
    # documents: every kind but a waybill carries its order's key in order_ref
    op.execute(
        f"UPDATE documents SET order_no = {after('order_ref')}"  # noqa: S608 - constants
        f" WHERE order_ref IS NOT NULL AND kind <> 'waybill'"
    )
    _waybills(bind)
    # receipts: the stored document's, else the key's own for the kinds whose key embeds it
    op.execute(
        "UPDATE receipts SET order_no = COALESCE((SELECT d.order_no FROM documents d"
        " WHERE d.kind = receipts.kind AND d.key = receipts.doc_key), '')"
    )
    op.execute(
        f"UPDATE receipts SET order_no = {after('doc_key')}"  # noqa: S608 - constants
        f" WHERE order_no = '' AND kind IN ({by_order})"
    )
    op.execute(f"UPDATE tax_bills SET order_no = {after('doc_key')}")  # noqa: S608
    op.execute(
        f"UPDATE filings SET order_no = {after('key')} WHERE kind IN ({by_order})"  # noqa: S608
    )
    op.execute(
        "UPDATE filings SET order_no = COALESCE((SELECT d.order_no FROM documents d"
        " WHERE d.kind = 'refund' AND d.key = filings.key), '') WHERE kind = 'refund'"
    )
    # an export list's filing is EXP|ebpCode|orderNo (export.sharing.FILING_PREFIX)
    unprefixed = "CASE WHEN filing LIKE 'EXP|%' THEN substr(filing, 5) ELSE filing END"
    op.execute(f"UPDATE agency_tasks SET order_no = {after(unprefixed)}")  # noqa: S608
    for table in _LIST_TABLES:
        op.execute(f"UPDATE {table} SET order_no = {after('list_key')}")  # noqa: S608
    for table, name, columns in _UNIQUE:
        op.create_index(name, table, columns, unique=True)
    if sqlite:
        op.create_index(
            "uq_documents_waybill_key", "documents", ["kind", "key"], unique=True,
            sqlite_where=sa.text("kind = 'waybill'"),
        )  # fmt: skip
        return
    op.create_index(
        "uq_documents_waybill_key", "documents", ["kind", "key"], unique=True,
        postgresql_where=sa.text("kind = 'waybill'"),
    )  # fmt: skip
    for table, constraint, index, columns in _OLD_KEYS:
        op.drop_constraint(constraint, table, type_="unique")
        op.create_index(index, table, columns)


def _waybills(bind: sa.Connection) -> None:
    """A waybill's orderNo is in its body only (``{"LogisticsHead": {"orderNo": …}}``)."""
    documents = sa.table(
        "documents",
        sa.column("kind", sa.String()),
        sa.column("key", sa.String()),
        sa.column("body", sa.LargeBinary()),
        sa.column("order_no", sa.String()),
    )
    rows = bind.execute(
        sa.select(documents.c.key, documents.c.body).where(documents.c.kind == "waybill")
    )
    found = [{"b_key": key, "b_order_no": _order_no(json.loads(body))} for key, body in rows]
    if found:
        bind.execute(
            sa.update(documents)
            .where(documents.c.kind == "waybill", documents.c.key == sa.bindparam("b_key"))
            .values(order_no=sa.bindparam("b_order_no")),
            found,
        )


def _order_no(body: object) -> str:
    heads = body.values() if isinstance(body, dict) else ()
    found = [head["orderNo"] for head in heads if isinstance(head, dict) and "orderNo" in head]
    return str(found[0]) if found else ""


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        for table, constraint, index, columns in _OLD_KEYS:
            op.drop_index(index, table_name=table)
            op.create_unique_constraint(constraint, table, columns)
    op.drop_index("uq_documents_waybill_key", table_name="documents")
    for table, name, _ in _UNIQUE:
        op.drop_index(name, table_name=table)
    for table in ("documents", "receipts", "tax_bills", "filings", "agency_tasks", *_LIST_TABLES):
        with op.batch_alter_table(table) as altered:
            altered.drop_column("order_no")
