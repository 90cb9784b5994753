"""Informed agencies' notices over SQLAlchemy Core: inform, list, count, view.

An agency without ``route_when`` never decides (taxation: "taxation sees values and tax
bills"). When a filing is routed, every such agency the policy grants at least one of the
filing's documents gets one *notice* of it (:func:`~.routing.informed_agencies`), in the same
transaction as the deciding agencies' tasks. A notice is read only: no claim, no decision, and
it never enters the combined status. It holds the filing's reference; its view is the filing
cut to the agency's share exactly as a task's (:mod:`.reading`). A notice of another agency
is reported as not found.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Connection, Engine, Row, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Select

from tradewindow.agencies import errors
from tradewindow.agencies.reading import agency_share, page_bounds, reader, stored_filing
from tradewindow.agencies.routing import informed_agencies
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.agencies.tables import agency_notices
from tradewindow.clock import utc_now


class NoticeSort(enum.StrEnum):
    """Orders of a notice listing (the workbench queue's names)."""

    OLDEST = "oldest"
    NEWEST = "newest"
    FILING = "filing"


class Notice(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: int
    filing: str
    agency: str
    policy_version: str
    created_at: datetime


class NoticePage(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    notices: list[Notice]
    page: int
    size: int
    has_more: bool


class NoticeView(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What an agency sees of a notice's filing: only granted fields of the documents it
    receives (kind → view), and the personal-data paths among them (to record the read)."""

    notice: Notice
    documents: dict[str, dict[str, Any]]
    personal_data: list[str]
    policy_version: str


class NoticeBoard:
    def __init__(
        self, engine: Engine, policy: Policy, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._engine = engine
        self._policy = policy
        self._clock = clock or (utc_now)

    def inform(
        self, connection: Connection, filing: str, documents: Mapping[str, Mapping[str, Any]]
    ) -> None:
        """A notice of ``filing`` for every informed agency granted one of its ``documents``,
        in the caller's transaction. Informing again adds nothing."""
        now = self._clock()
        rows = [
            {
                "filing": filing,
                "agency": agency,
                "policy_version": self._policy.version,
                "created_at": now,
            }
            for agency in informed_agencies(self._policy, documents)
        ]
        if rows:
            insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
            statement = insert(agency_notices).on_conflict_do_nothing(
                index_elements=["filing", "agency"]
            )
            connection.execute(statement, rows)

    def list(
        self,
        agency: str,
        *,
        filing: str = "",
        sort: NoticeSort | str = NoticeSort.OLDEST,
        page: int = 1,
        size: int = 50,
    ) -> NoticePage:
        """One page (1-based; ``size`` capped at :data:`~.reading.MAX_PAGE_SIZE`) of
        ``agency``'s notices in ``sort`` order, only those whose filing key contains
        ``filing`` (ignoring case) when it is given."""
        page, size = page_bounds(page, size)
        order = {
            NoticeSort.OLDEST: (agency_notices.c.id,),
            NoticeSort.NEWEST: (agency_notices.c.id.desc(),),
            NoticeSort.FILING: (agency_notices.c.filing, agency_notices.c.id),
        }[NoticeSort(sort)]
        query = _scoped(select(agency_notices), agency, filing)
        query = query.order_by(*order).limit(size + 1).offset((page - 1) * size)
        with reader(self._engine) as connection:
            notices = [_notice(row) for row in connection.execute(query)]
        return NoticePage(
            notices=notices[:size], page=page, size=size, has_more=len(notices) > size
        )

    def count(self, agency: str, *, filing: str = "") -> int:
        """How many notices :meth:`list` pages through for the same ``agency`` and ``filing``."""
        query = _scoped(select(func.count()).select_from(agency_notices), agency, filing)
        with reader(self._engine) as connection:
            found: int = connection.execute(query).scalar_one()
        return found

    def view(self, agency: str, notice: int) -> NoticeView:
        """The notice's filing as ``agency`` may see it (see :class:`NoticeView`)."""
        with reader(self._engine) as connection:
            row = connection.execute(
                select(agency_notices).where(
                    agency_notices.c.id == notice, agency_notices.c.agency == agency
                )
            ).first()
            if row is None:
                raise errors.notice_not_found(notice)
            current = _notice(row)
            stored = stored_filing(connection, current.filing)
        views, personal = agency_share(self._policy, agency, stored)
        return NoticeView(
            notice=current,
            documents=views,
            personal_data=personal,
            policy_version=self._policy.version,
        )


def _scoped(query: Select[Any], agency: str, filing: str) -> Select[Any]:
    query = query.where(agency_notices.c.agency == agency)
    wanted = filing.strip().upper()
    if wanted:
        # autoescape: a "%" or "_" typed by the officer is a character, not a wildcard
        query = query.where(func.upper(agency_notices.c.filing).contains(wanted, autoescape=True))
    return query


def _notice(row: Row[Any]) -> Notice:
    fields = row._mapping
    return Notice(
        id=fields["id"],
        filing=fields["filing"],
        agency=fields["agency"],
        policy_version=fields["policy_version"],
        created_at=fields["created_at"],
    )
