"""Where verified signature values are remembered (``evidence.signatures.SeenSignatures``),
shared by every API process: the first request id per signature wins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select

from tradewindow.evidence.chain import time_text
from tradewindow.store.evidence.tables import seen_signatures
from tradewindow.store.transaction import dialect_insert, writer


class SqlSeenSignatures:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def remember(self, signature_digest: str, request_id: str, at: datetime) -> str:
        row = {"signature_digest": signature_digest, "request_id": request_id}
        with writer(self.engine) as connection:
            statement = dialect_insert(connection)(seen_signatures).values(
                **row, seen_at=time_text(at)
            )
            connection.execute(statement.on_conflict_do_nothing())
            first: str = connection.execute(
                select(seen_signatures.c.request_id).where(
                    seen_signatures.c.signature_digest == signature_digest
                )
            ).scalar_one()
        return first
