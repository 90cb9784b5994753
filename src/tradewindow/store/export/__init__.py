"""Export storage (``export.ports``) over the store's engine."""

from tradewindow.store.export.records import SqlExportRecords, SqlExportStore

__all__ = ["SqlExportRecords", "SqlExportStore"]
