"""Service trade: the rule-integration registry and qualification recognition.

Revision ID: 0010_services
Revises: 0001
Create Date: 2026-12-05

The ``services`` branch of the capability migrations (tables used by ``tradewindow.services``).
Times are TIMESTAMPTZ on PostgreSQL and UTC ISO-8601 text on SQLite, as in 0001. Bodies are
the core's records as JSON text; the columns beside them are what is filtered and sorted on.
Revisions, history and events are history: nothing updates them but a revision's workflow
state, and nothing deletes them (retention erases a closed application's documents' bytes).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_services"
down_revision = "0001"
branch_labels = ("services",)
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    instant: sa.types.TypeEngine[object] = (
        sa.String(32) if sqlite else sa.DateTime(timezone=True)  # type: ignore[assignment]
    )
    row_id = sa.Integer() if sqlite else sa.BigInteger()
    op.create_table(
        "svc_rule_revisions",
        sa.Column("item_id", sa.String(), primary_key=True),
        sa.Column("revision", sa.Integer(), primary_key=True),
        sa.Column("list_code", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("departments", sa.String(), nullable=False),
        sa.Column("cities", sa.String(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("author_department", sa.String(), nullable=False),
        sa.Column("created_at", instant, nullable=False),
        sa.Column("reviewer", sa.String()),
        sa.Column("published_at", instant),
    )
    op.create_index("ix_svc_rule_revisions_state", "svc_rule_revisions", ["state", "list_code"])
    op.create_table(
        "svc_rule_history",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=False),
        sa.Column("at", instant, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_svc_rule_history_item", "svc_rule_history", ["item_id", "id"])
    op.create_table(
        "svc_professions",
        sa.Column("code", sa.String(), primary_key=True),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "svc_applications",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("department", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("filing_number", sa.String(), unique=True),
        sa.Column("profession", sa.String(), nullable=False),
        sa.Column("home", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("submitted_at", instant, nullable=False),
        sa.Column("updated_at", instant, nullable=False),
        sa.Column("decided_at", instant),
    )
    op.create_index("ix_svc_applications_owner", "svc_applications", ["owner"])
    op.create_index("ix_svc_applications_department", "svc_applications", ["department", "state"])
    op.create_index("ix_svc_applications_state", "svc_applications", ["state", "id"])
    op.create_table(
        "svc_documents",
        sa.Column("application_id", sa.String(), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("content", sa.LargeBinary()),
    )
    op.create_table(
        "svc_events",
        sa.Column("id", row_id, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("at", instant, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("before", sa.String()),
        sa.Column("after", sa.String(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_svc_events_application", "svc_events", ["application_id", "id"])


def downgrade() -> None:
    for table in (
        "svc_events",
        "svc_documents",
        "svc_applications",
        "svc_professions",
        "svc_rule_history",
        "svc_rule_revisions",
    ):
        op.drop_table(table)
