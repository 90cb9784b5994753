"""What the channel needs from the outside, as Protocols: where encrypted chunks are kept
(:class:`ObjectStore`: the local content-addressed file system by default, an S3-compatible
bucket in deployments) and where its records are kept (:class:`ChannelRecords`, SQL in
``store/datachannel``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

import msgspec

from tradewindow.datachannel.lawfulness import Mechanism, Totals
from tradewindow.datachannel.manifest import Manifest
from tradewindow.datachannel.model import Dataset, Project, Transfer
from tradewindow.datachannel.sealing import Buffer


class ObjectStore(Protocol):
    """Immutable objects named by the SHA-256 of their bytes, or by a name the caller derives
    (64 hex digits) when hashing the bytes once more would buy nothing."""

    def put(self, data: Buffer, name: str | None = None) -> str:
        """Keep ``data`` durably (on disk, synced) and answer its name only then."""
        ...

    def get(self, name: str, start: int = 0, end: int | None = None) -> bytes:
        """Bytes ``[start, end)`` of the object (KeyError when there is none)."""
        ...

    def delete(self, name: str) -> None: ...

    def exists(self, name: str) -> bool: ...


class StoredChunk(msgspec.Struct, frozen=True, kw_only=True):
    index: int
    digest: str  # SHA-256 of the plaintext
    object_name: str  # the ObjectStore name of the encrypted chunk
    size: int  # plaintext bytes


class TransferContext(msgspec.Struct, frozen=True, kw_only=True):
    """A transfer with what every step on it needs, read at once: its project, its dataset and
    the sealed dataset key (None before the upload began or after destruction)."""

    transfer: Transfer
    project: Project | None
    dataset: Dataset | None
    sealed_key: bytes | None


class EvidenceRecord(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One step of a transfer, chained to the one before by its hash."""

    id: int
    transfer: str
    step: str  # request | approval | upload | release | download | verification | destruction
    person: str
    at: datetime
    detail: str  # JSON
    digest: str
    previous: str


class ChannelRecords(Protocol):
    def save_project(self, project: Project) -> None: ...

    def project(self, code: str) -> Project | None: ...

    def projects(self) -> Sequence[Project]: ...

    def save_dataset(self, dataset: Dataset) -> None: ...

    def dataset(self, code: str) -> Dataset | None: ...

    def datasets(self, project: str) -> Sequence[Dataset]: ...

    def file_mechanism(self, handler: str, mechanism: Mechanism, reference: str) -> None: ...

    def mechanisms(self, handler: str) -> frozenset[Mechanism]: ...

    def totals(self, handler: str, since: date, until: date) -> Totals:
        """Persons in the handler's transfers requested from ``since`` to ``until`` (refused
        ones excluded)."""
        ...

    def save_transfer(
        self, transfer: Transfer, handler: str, day: date, dataset: Dataset
    ) -> None: ...

    def transfer(self, id: str) -> Transfer | None: ...

    def transfers(self) -> Sequence[Transfer]: ...

    def context(self, transfer: str) -> TransferContext | None:
        """The transfer, its project, dataset and sealed key in one read (None: no transfer)."""
        ...

    def save_key(self, transfer: str, sealed: bytes) -> None: ...

    def sealed_key(self, transfer: str) -> bytes | None: ...

    def save_chunk(self, transfer: str, chunk: StoredChunk) -> None: ...

    def save_chunks(self, chunks: Sequence[tuple[str, StoredChunk]]) -> None:
        """Keep the chunk records (transfer, chunk) in one transaction."""
        ...

    def chunks(
        self, transfer: str, first: int = 0, last: int | None = None
    ) -> Sequence[StoredChunk]:
        """The transfer's chunks (``first`` to ``last`` inclusive when given), by index."""
        ...

    def forget_chunks(self, transfer: str) -> None: ...

    def save_manifest(self, manifest: Manifest) -> None: ...

    def manifest(self, transfer: str) -> Manifest | None: ...

    def record(self, transfer: str, step: str, person: str, at: datetime, detail: str) -> str:
        """Append an evidence record; answer its digest."""
        ...

    def evidence(self, transfer: str) -> Sequence[EvidenceRecord]: ...
