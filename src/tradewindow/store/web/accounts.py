"""``web.ports.AccountRecords`` over SQLAlchemy Core: the portals' accounts and sessions.
Reads are read-only connections (on SQLite a deferred transaction: never the writer's lock)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, insert, select, update

from tradewindow.store.engine import READ_ONLY
from tradewindow.store.web.portal_tables import portal_accounts, portal_sessions
from tradewindow.store.web.records import AccountRow, SessionRow


class SqlAccountRecords:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, row: AccountRow) -> bool:
        with self._engine.begin() as connection:
            taken = connection.execute(
                select(portal_accounts.c.id).where(portal_accounts.c.username == row.username)
            ).first()
            if taken is not None:
                return False
            connection.execute(insert(portal_accounts).values(**_values(row)))
        return True

    def by_username(self, username: str) -> AccountRow | None:
        with self._reader() as connection:
            row = connection.execute(
                select(portal_accounts).where(portal_accounts.c.username == username)
            ).first()
        return None if row is None else _account(row._mapping)

    def of_party(self, party_id: str) -> list[AccountRow]:
        with self._reader() as connection:
            rows = connection.execute(
                select(portal_accounts)
                .where(portal_accounts.c.party_id == party_id)
                .order_by(portal_accounts.c.username)
            ).all()
        return [_account(r._mapping) for r in rows]

    def set_password_hash(self, account_id: str, password_hash: str, *, unlock: bool) -> None:
        values: dict[str, object] = {"password_hash": password_hash}
        if unlock:
            values.update(failed_attempts=0, locked_until=None)
        with self._engine.begin() as connection:
            connection.execute(
                update(portal_accounts).where(portal_accounts.c.id == account_id).values(**values)
            )

    def open_session(
        self, account_id: str, session_id: str, csrf_token: str, at: datetime, expires: datetime
    ) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(portal_accounts)
                .where(portal_accounts.c.id == account_id)
                .values(failed_attempts=0, locked_until=None)
            )
            connection.execute(
                insert(portal_sessions).values(
                    id=session_id,
                    account_id=account_id,
                    csrf_token=csrf_token,
                    created_at=at,
                    last_seen_at=at,
                    expires_at=expires,
                )
            )

    def session(self, session_id: str) -> SessionRow | None:
        query = (
            select(
                portal_sessions.c.id.label("session_id"),
                portal_sessions.c.csrf_token,
                portal_sessions.c.created_at.label("session_created_at"),
                portal_sessions.c.last_seen_at,
                portal_sessions.c.expires_at,
                portal_sessions.c.revoked_at,
                portal_accounts,
            )
            .join(portal_accounts, portal_accounts.c.id == portal_sessions.c.account_id)
            .where(portal_sessions.c.id == session_id)
        )
        with self._reader() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return SessionRow(
            id=row.session_id,
            account=_account(row._mapping),
            csrf_token=row.csrf_token,
            created_at=row.session_created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
        )

    def touch(self, session_id: str, at: datetime) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(portal_sessions)
                .where(portal_sessions.c.id == session_id)
                .values(last_seen_at=at)
            )

    def revoke(self, session_id: str, at: datetime) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(portal_sessions)
                .where(portal_sessions.c.id == session_id, portal_sessions.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )

    def _reader(self) -> Connection:
        return self._engine.connect().execution_options(**{READ_ONLY: True})


def _values(row: AccountRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in AccountRow.__struct_fields__}


def _account(row: RowMapping) -> AccountRow:
    return AccountRow(**{name: row[name] for name in AccountRow.__struct_fields__})
