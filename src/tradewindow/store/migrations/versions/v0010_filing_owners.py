"""No document without an owner: every message and document filed before the filing use case
claimed them (``tradewindow clear`` did not) gets the platform operator as its filer.

Revision ID: 0010_filing
Revises: 0006_web
Create Date: 2026-12-05

The ``filing`` branch (the tables ``api_messages`` and ``filings`` that 0006_web created
belong to the filing capability now; later changes to them follow this revision). A stored
message with no sender row, and a stored document with no owner row, are recorded as filed
by ``operator:local`` through the credential ``migration`` (channel ``cli``): the identity
``tradewindow clear`` now files under when no ``--as`` is given, so no party can read them,
and a party filing the same order number later is judged by the filing rights, not by a
claim that raced ahead. The rows it adds are told apart by that credential; the downgrade
removes exactly those. Times are as 0006 stored them (TIMESTAMPTZ on PostgreSQL, UTC
ISO-8601 text on SQLite): copied from the source rows as they are.
"""

from __future__ import annotations

from alembic import op

revision = "0010_filing"
down_revision = "0006_web"
branch_labels = ("filing",)
depends_on = None

OPERATOR = "operator:local"
CREDENTIAL = "migration"


def upgrade() -> None:
    op.execute(
        f"""
        INSERT INTO api_messages
            (guid, party_id, credential_id, message_type, format, digest, received_at)
        SELECT m.guid, '{OPERATOR}', '{CREDENTIAL}', m.message_type, 'cli', m.digest,
               m.received_at
        FROM messages m
        WHERE NOT EXISTS (SELECT 1 FROM api_messages a WHERE a.guid = m.guid)
        """  # noqa: S608 - constants of this script, no input
    )
    op.execute(
        f"""
        INSERT INTO filings (kind, key, party_id, credential_id, message_guid, filed_at)
        SELECT d.kind, d.key, '{OPERATOR}', '{CREDENTIAL}', d.message_guid, d.received_at
        FROM documents d
        WHERE NOT EXISTS (SELECT 1 FROM filings f WHERE f.kind = d.kind AND f.key = d.key)
        ORDER BY d.received_at, d.kind, d.key
        """  # noqa: S608 - constants of this script, no input
    )


def downgrade() -> None:
    op.execute(f"DELETE FROM filings WHERE credential_id = '{CREDENTIAL}'")  # noqa: S608
    op.execute(f"DELETE FROM api_messages WHERE credential_id = '{CREDENTIAL}'")  # noqa: S608
