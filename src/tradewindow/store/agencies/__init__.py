"""The agencies' storage (``agencies.ports``): tasks, notices, and the filings they read."""

from tradewindow.store.agencies.desk import SqlAgencyStore, SqlRouting

__all__ = ["SqlAgencyStore", "SqlRouting"]
