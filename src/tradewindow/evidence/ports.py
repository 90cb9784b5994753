"""What the evidence log needs from the store, as Protocols (``store/evidence`` implements
them over SQLite and PostgreSQL).

Appends serialise: :meth:`ChainRecords.locked_head` takes the chain's lock before it reads
the head, so two writers never link to the same record (the store also refuses a second
record after the same ``prev_hash``). The chain's records may join another capability's
transaction as the part :data:`EVIDENCE_CHAIN` (clearance, commission grants), so that the
records commit or roll back with the work they describe.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from tradewindow.evidence.chain import Anchor, Record
from tradewindow.transaction import Part


class ChainRecords(Protocol):
    """The chain inside one write transaction."""

    def locked_head(self) -> tuple[int, str]:
        """(seq, hash) of the newest record, (0, GENESIS) for an empty log, read after taking
        the chain's lock (held until the transaction ends)."""
        ...

    def insert(self, sealed: Sequence[Record]) -> None:
        """Store sealed records, index every record but a checkpoint by its subjects, and
        keep every checkpoint again as an anchor outside the chain table."""
        ...

    def last_checkpoint_seq(self) -> int | None:
        """The seq of the newest checkpoint (0 when none), in this transaction; None for a
        chain that is not checkpointed itself (a clearance partition's, which signed heads
        in the platform's chain tie to it: ``evidence.partitions``)."""
        ...


EVIDENCE_CHAIN: Part[ChainRecords] = Part("evidence.chain")


class EvidenceStore(Protocol):
    def appending(self) -> AbstractContextManager[ChainRecords]:
        """A write transaction of its own, committed when the block ends."""
        ...

    def head(self) -> tuple[int, str]: ...

    def records(self, after: int, last: int | None, limit: int) -> list[Record]:
        """Up to ``limit`` records with ``after`` < seq (≤ ``last`` when given), by seq."""
        ...

    def seqs_naming(self, subject: str) -> list[int]:
        """The seqs of the records naming ``subject``, ascending."""
        ...

    def first_checkpoint_after(self, seq: int) -> int | None:
        """The seq of the first checkpoint after record ``seq``, if any."""
        ...

    def anchors(self, after: int = 0) -> list[Anchor]:
        """The checkpoints kept outside the chain table with seq > ``after``, by seq."""
        ...

    def newest_anchor_seq(self) -> int:
        """The seq of the newest checkpoint kept outside the chain table (0 when none)."""
        ...

    def set_timestamp(self, seq: int, token: str) -> None:
        """Keep an RFC 3161 token (base64 DER) with checkpoint ``seq``'s anchor."""
        ...


class Destination(Protocol):
    """Where an outbound call may go, pinned to the address that was checked."""

    @property
    def pinned_url(self) -> str: ...

    @property
    def host(self) -> str: ...

    @property
    def host_header(self) -> str: ...


class Egress(Protocol):
    """The egress policy of outbound calls (``logistics.guard.EgressGuard``)."""

    def admit(self, url: str, path: str = ...) -> Destination:
        """The checked destination of ``url``; raises when it may not be called."""
        ...


class AnchorSink(Protocol):
    """Where anchors go outside the database (the anchor file in the data folder)."""

    def add(self, anchors: Sequence[Anchor]) -> None:
        """Keep ``anchors`` (those already kept are not kept twice)."""
        ...

    def read(self) -> list[Anchor]: ...
