"""The statistics lake's reads of the system of record (``analytics.ports.LakeSource``)."""

from tradewindow.store.analytics.source import SqlLakeSource

__all__ = ["SqlLakeSource"]
