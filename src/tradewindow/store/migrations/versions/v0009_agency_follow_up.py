"""Agency tasks held or sent for inspection are followed up, not concluded.

Revision ID: 0009_agency_follow_up
Revises: 0008_agency_notices
Create Date: 2026-12-05

On the ``agencies`` branch. A hold or an inspection used to end a task ("decided"), which left
the list in manual review or inspection with no task and no next action. Such tasks are now
``follow_up`` until the agency releases or refuses (``agencies.status.NEXT_ACTIONS``); this
moves the ones already stored. Nothing else changes: the decision, reason and times stay.
"""

from __future__ import annotations

from alembic import op

revision = "0009_agency_follow_up"
down_revision = "0008_agency_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE agency_tasks SET status = 'follow_up' "
        "WHERE status = 'decided' AND decision IN ('hold', 'inspect', 'request_documents')"
    )


def downgrade() -> None:
    op.execute("UPDATE agency_tasks SET status = 'decided' WHERE status = 'follow_up'")
