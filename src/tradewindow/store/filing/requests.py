"""``filing.ports.RequestRecords`` over one transaction (the clearance unit of work's part
``filing.requests``): the signature replay guard and the answers kept under Idempotency-Keys,
written with the clearance that answers the request, in its commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select

from tradewindow.evidence.chain import time_text
from tradewindow.filing.ports import KeptAnswer
from tradewindow.store.evidence.tables import seen_signatures
from tradewindow.store.transaction import dialect_insert
from tradewindow.store.web.tables import idempotency_keys

DONE = "done"


class SqlRequestRecords:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def first_request(self, signature_digest: str, request_id: str, at: datetime) -> str:
        connection = self._connection
        row = {"signature_digest": signature_digest, "request_id": request_id}
        statement = dialect_insert(connection)(seen_signatures).values(**row, seen_at=time_text(at))
        connection.execute(statement.on_conflict_do_nothing())
        first: str = connection.execute(
            select(seen_signatures.c.request_id).where(
                seen_signatures.c.signature_digest == signature_digest
            )
        ).scalar_one()
        return first

    def kept(self, party_id: str, key: str) -> KeptAnswer | None:
        found = self._connection.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.party_id == party_id,
                idempotency_keys.c.key == key,
                idempotency_keys.c.state == DONE,
            )
        ).first()
        if found is None:
            return None
        return KeptAnswer(
            request_digest=found.request_digest,
            status_code=found.status_code or 200,
            media_type=found.media_type or "",
            headers=found.headers or b"{}",
            body=found.body or b"",
        )

    def keep(self, party_id: str, key: str, answer: KeptAnswer, at: datetime) -> None:
        values = {
            "request_digest": answer.request_digest,
            "state": DONE,
            "status_code": answer.status_code,
            "media_type": answer.media_type,
            "headers": answer.headers,
            "body": answer.body,
            "created_at": at,
        }
        statement = dialect_insert(self._connection)(idempotency_keys).values(
            party_id=party_id, key=key, **values
        )
        # a row left in flight by an earlier version's process is replaced; an answer stays
        self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=[idempotency_keys.c.party_id, idempotency_keys.c.key],
                set_=values,
                where=idempotency_keys.c.state != DONE,
            )
        )
