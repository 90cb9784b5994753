"""The evidence log's storage (``evidence.ports``): the chain's records, their subject index
and the replay guard's seen signatures, on SQLite and PostgreSQL."""

from tradewindow.store.evidence.chain import SqlChainRecords, SqlEvidenceStore
from tradewindow.store.evidence.seen import SqlSeenSignatures

__all__ = ["SqlChainRecords", "SqlEvidenceStore", "SqlSeenSignatures"]
