"""Where verified signature values are remembered, for the replay rule of ``signatures``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from tradewindow.evidence.chain import time_text
from tradewindow.evidence.tables import seen_signatures


class MemorySeenSignatures:
    """In one process only (tests, the ``keys verify`` command)."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def remember(self, signature_digest: str, request_id: str, at: datetime) -> str:
        return self._first.setdefault(signature_digest, request_id)


class SqlSeenSignatures:
    """Shared by every API process: the first request id per signature wins."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def remember(self, signature_digest: str, request_id: str, at: datetime) -> str:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        row = {"signature_digest": signature_digest, "request_id": request_id}
        statement = dialect.insert(seen_signatures).values(**row, seen_at=time_text(at))
        with self.engine.begin() as connection:
            connection.execute(statement.on_conflict_do_nothing())
            first: str = connection.execute(
                select(seen_signatures.c.request_id).where(
                    seen_signatures.c.signature_digest == signature_digest
                )
            ).scalar_one()
        return first
