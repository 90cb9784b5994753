"""The logistics services' storage (``logistics.ports``): Track & Trace events, their references
and entitlements, subscriptions and owed callbacks, the relay's marks, customs decisions on
containers and gate alerts (tables of migration ``0005_logistics``)."""

from sqlalchemy import Engine

from tradewindow.logistics.services import LogisticsRecords
from tradewindow.store.logistics.events import SqlEventRecords
from tradewindow.store.logistics.subscriptions import SqlDeliveryRecords, SqlSubscriptionRecords


def open_records(engine: Engine) -> LogisticsRecords:
    return LogisticsRecords(
        events=SqlEventRecords(engine),
        subscriptions=SqlSubscriptionRecords(engine),
        deliveries=SqlDeliveryRecords(engine),
    )


__all__ = ["SqlDeliveryRecords", "SqlEventRecords", "SqlSubscriptionRecords", "open_records"]
