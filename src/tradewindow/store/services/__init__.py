"""The service-trade registries' storage (``services.ports``): rule-integration revisions and
history, professions, applications, their documents and events."""

from tradewindow.store.services.records import (
    SqlRecognitionRecords,
    SqlRecognitionStore,
    SqlRegistryRecords,
    SqlRegistryStore,
)

__all__ = [
    "SqlRecognitionRecords",
    "SqlRecognitionStore",
    "SqlRegistryRecords",
    "SqlRegistryStore",
]
