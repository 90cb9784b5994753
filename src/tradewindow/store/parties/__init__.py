"""The party registry's storage (``parties.ports``): parties, identifiers, credentials,
bearer tokens, registered keys and commissions."""

from tradewindow.store.parties.records import SqlPartyRecords, SqlPartyStore

__all__ = ["SqlPartyRecords", "SqlPartyStore"]
