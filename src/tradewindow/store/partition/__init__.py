"""Partitioned clearance's storage: a store per partition, the inbox, the partition evidence
chains (``docs/adr/0009``)."""

from tradewindow.store.partition.chain import SqlPartitionChain, SqlPartitionChains
from tradewindow.store.partition.numbers import BLOCK
from tradewindow.store.partition.store import (
    InboxUnitOfWork,
    PartitionStore,
    PartitionUnitOfWork,
    SqlInbox,
)

__all__ = [
    "BLOCK",
    "InboxUnitOfWork",
    "PartitionStore",
    "PartitionUnitOfWork",
    "SqlInbox",
    "SqlPartitionChain",
    "SqlPartitionChains",
]
