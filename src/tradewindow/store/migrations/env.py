"""Alembic environment: runs on the connection ``tradewindow.store.migrate`` hands over.

There is no alembic.ini and no engine here; ``migrate`` opens the transaction.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
