"""Market procurement storage (``procurement.ports``): registries, sales, shipments, receipts."""

from tradewindow.store.procurement.records import SqlProcurementRecords, SqlProcurementStore

__all__ = ["SqlProcurementRecords", "SqlProcurementStore"]
