"""Persistence for CBEC clearance: SQLAlchemy Core over SQLite (default) or PostgreSQL.

``open_store(url)`` migrates and returns a ``SqlStore`` (a ``cbec.ports.ClearanceStore``);
``migrate(url)`` runs the Alembic migrations shipped in this package, without an alembic.ini.
"""

from tradewindow.store.engine import migrate
from tradewindow.store.errors import (
    DuplicateDocument,
    DuplicateMessage,
    DuplicateRecord,
    DuplicateTaxBill,
    MissingDocument,
    StoreError,
)
from tradewindow.store.store import SqlStore, open_store
from tradewindow.store.unit_of_work import SqlUnitOfWork

__all__ = [
    "DuplicateDocument",
    "DuplicateMessage",
    "DuplicateRecord",
    "DuplicateTaxBill",
    "MissingDocument",
    "SqlStore",
    "SqlUnitOfWork",
    "StoreError",
    "migrate",
    "open_store",
]
