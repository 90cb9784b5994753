"""The anchor file: every checkpoint the platform signed, one JSON line each, kept in the data
folder beside the platform key (``evidence.ports.AnchorSink``).

It lives outside the database, so that whoever can delete rows cannot also remove the
anchors verify checks the chain against; ``tradewindow evidence publish`` hands the same
lines to a third party, who holds them beyond the reach of the data folder too. Lines are
appended under an exclusive lock (writers on one host), never rewritten.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Sequence
from pathlib import Path

import msgspec

from tradewindow.evidence.chain import Anchor
from tradewindow.settings import Settings


def anchor_file_path(settings: Settings) -> Path:
    return settings.evidence.anchor_file or settings.data_dir / "evidence-anchors.jsonl"


class AnchorFileError(ValueError):
    """A line of the anchor file cannot be read as an anchor."""


class AnchorFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def add(self, anchors: Sequence[Anchor]) -> None:
        if not anchors:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "r+b") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            file.seek(0)
            kept = {_seq(line) for line in file.read().splitlines() if line.strip()}
            lines = b"".join(
                msgspec.json.encode(anchor) + b"\n" for anchor in anchors if anchor.seq not in kept
            )
            if lines:
                file.write(lines)
                file.flush()
                os.fsync(file.fileno())

    def read(self) -> list[Anchor]:
        """The anchors kept; none when the file does not exist. Raises
        :class:`AnchorFileError` naming the first line that is not an anchor."""
        if not self.path.exists():
            return []
        return read_anchor_lines(self.path.read_bytes(), str(self.path))


def read_anchor_lines(data: bytes, source: str) -> list[Anchor]:
    anchors = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchors.append(msgspec.json.decode(line, type=Anchor))
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise AnchorFileError(
                f"{source} line {number}: not a checkpoint anchor ({error})"
            ) from None
    return anchors


def _seq(line: bytes) -> int:
    try:
        return msgspec.json.decode(line, type=Anchor).seq
    except (msgspec.DecodeError, msgspec.ValidationError):
        return -1
