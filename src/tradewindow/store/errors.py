"""Typed errors the store raises, so callers never catch a driver's exception."""

from __future__ import annotations

from tradewindow.transaction import ConcurrentWrite


class StoreError(Exception):
    """Base of every error raised by ``tradewindow.store``."""


class DuplicateRecord(StoreError, ConcurrentWrite):
    """A row with the same identity is already stored.

    The unit of work that raised it is spoiled (PostgreSQL aborts the transaction): leave the
    ``with`` block, which rolls it back, and start again.
    """

    table = "record"

    def __init__(self, detail: str) -> None:
        super().__init__(f"duplicate {self.table}: {detail}")
        self.detail = detail


class DuplicateDocument(DuplicateRecord):
    """A document with the same (kind, key) is already stored."""

    table = "documents"


class DuplicateMessage(DuplicateRecord):
    """A message with the same guid is already stored."""

    table = "messages"


class DuplicateTaxBill(DuplicateRecord):
    """A tax bill with the same tax number is already stored."""

    table = "tax_bills"


class MissingDocument(StoreError):
    """``update_documents`` was given a document that is not stored."""
