"""Where verified signature values are remembered, for the replay rule of ``signatures``:
in one process here; shared by every API process in ``store.evidence.SqlSeenSignatures``."""

from __future__ import annotations

from datetime import datetime


class MemorySeenSignatures:
    """In one process only (tests, the ``keys verify`` command)."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def remember(self, signature_digest: str, request_id: str, at: datetime) -> str:
        return self._first.setdefault(signature_digest, request_id)
