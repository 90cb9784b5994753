"""What the lake's loader reads from the system of record, as a Protocol; ``store/analytics``
implements it over the clearance store's tables (read-only: on SQLite a deferred transaction,
so the loader never takes the writer's lock from clearance)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

import msgspec


class ReleasedList(msgspec.Struct, frozen=True):
    """A released inventory list: its key, version, JSON body and when it was received."""

    key: str
    version: int
    body: bytes
    received_at: datetime


class ChangedList(msgspec.Struct, frozen=True):
    """An inventory list changed since a watermark, whatever its status now."""

    key: str
    status: str
    received_at: datetime | None
    updated_at: datetime
    version: int


class ReturnedLine(msgspec.Struct, frozen=True, kw_only=True):
    """A line of an accepted CEB625 return, with the value taken off the annual total."""

    list_key: str
    refund_key: str
    gnum: int
    value: Decimal
    at: datetime


class CancelledList(msgspec.Struct, frozen=True):
    key: str
    body: bytes
    updated_at: datetime


class ReturnsOnFile(msgspec.Struct, frozen=True, kw_only=True):
    returned: list[ReturnedLine]
    lists: dict[str, bytes]  # the JSON bodies of the lists the returned lines belong to
    cancelled: list[CancelledList]


class ExportFiled(msgspec.Struct, frozen=True):
    """An export list: its order key, when it was filed, its JSON body."""

    key: str
    filed_at: datetime
    body: bytes


class ExportSaved(msgspec.Struct, frozen=True):
    """An export list saved since a watermark, whatever its status now."""

    key: str
    status: str
    filed_at: datetime
    updated_at: datetime


class LakeSource(Protocol):
    def released(self, received: tuple[datetime, datetime] | None = None) -> Iterator[ReleasedList]:
        """Released lists received in ``[start, end)`` (all received ones when None), by
        received time then key, streamed: the reader stays open while the caller iterates."""
        ...

    def changed_since(self, since: datetime) -> list[ChangedList]: ...

    def latest_bills(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The body of the latest tax bill of each list that has one."""
        ...

    def exports_filed(
        self, statuses: Collection[str], filed: tuple[datetime, datetime] | None = None
    ) -> Iterator[ExportFiled]:
        """Export lists in ``statuses`` filed in ``[start, end)`` (all when None), in filing
        order, streamed."""
        ...

    def exports_saved_since(self, since: datetime) -> list[ExportSaved]: ...

    def returns(self) -> ReturnsOnFile:
        """Every accepted return's lines, the lists they return from, and every cancelled
        list, read together (one snapshot)."""
        ...
