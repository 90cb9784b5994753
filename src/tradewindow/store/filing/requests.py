"""``filing.ports.RequestRecords`` over one transaction (the clearance unit of work's part
``filing.requests``): the signature replay guard and the answers kept under Idempotency-Keys,
written with the clearance that answers the request, in its commit.

The statements are built once (SQLAlchemy then only binds them); answers kept are written at
the transaction's end (``flush``: one statement for every request a group commit merged)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from tradewindow.evidence.chain import time_text
from tradewindow.filing.ports import KeptAnswer
from tradewindow.store.evidence.tables import seen_signatures
from tradewindow.store.web.tables import idempotency_keys

DONE = "done"

_FIRST = select(seen_signatures.c.request_id).where(
    seen_signatures.c.signature_digest == bindparam("signature_digest")
)
_KEPT = select(idempotency_keys).where(
    idempotency_keys.c.party_id == bindparam("party_id"),
    idempotency_keys.c.key == bindparam("key"),
    idempotency_keys.c.state == DONE,
)


@cache
def _inserts(dialect: str) -> tuple[Any, Any]:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    answer = insert(idempotency_keys)
    replaced = {
        name: answer.excluded[name]
        for name in (
            "request_digest",
            "state",
            "status_code",
            "media_type",
            "headers",
            "body",
            "created_at",
        )
    }
    return (
        insert(seen_signatures)
        .on_conflict_do_nothing()
        .returning(seen_signatures.c.signature_digest),
        # a row left in flight by another route's request is replaced; an answer stays
        answer.on_conflict_do_update(
            index_elements=[idempotency_keys.c.party_id, idempotency_keys.c.key],
            set_=replaced,
            where=idempotency_keys.c.state != DONE,
        ),
    )


class SqlRequestRecords:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._kept: list[dict[str, Any]] = []

    def first_request(self, signature_digest: str, request_id: str, at: datetime) -> str:
        seen, _ = _inserts(self._connection.dialect.name)
        row = {"signature_digest": signature_digest, "request_id": request_id}
        if self._connection.execute(seen, {**row, "seen_at": time_text(at)}).first():
            return request_id  # the first: the usual case, one statement
        first: str = self._connection.execute(_FIRST, row).scalar_one()
        return first

    def kept(self, party_id: str, key: str) -> KeptAnswer | None:
        found = self._connection.execute(_KEPT, {"party_id": party_id, "key": key}).first()
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
        self._kept.append(
            {
                "party_id": party_id,
                "key": key,
                "request_digest": answer.request_digest,
                "state": DONE,
                "status_code": answer.status_code,
                "media_type": answer.media_type,
                "headers": answer.headers,
                "body": answer.body,
                "created_at": at,
            }
        )

    def flush(self) -> None:
        """Write the answers kept (called before the transaction commits)."""
        if self._kept:
            _, answers = _inserts(self._connection.dialect.name)
            self._connection.execute(answers, self._kept)
            self._kept = []
