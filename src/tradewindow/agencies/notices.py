"""Informed agencies' notices: inform, list, count, view (stored by ``agencies.ports``).

An agency without ``route_when`` never decides (taxation: "taxation sees values and tax
bills"). When a filing is routed, every such agency the policy grants at least one of the
filing's documents gets one *notice* of it (:func:`~.routing.informed_agencies`, compiled
once per policy: ``Router``), in the same transaction as the deciding agencies' tasks. A
notice is read only: no claim, no decision, and it never enters the combined status. It holds
the filing's reference; its view is the filing cut to the agency's share exactly as a task's
(:mod:`.reading`). A notice of another agency is reported as not found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from tradewindow.agencies import errors
from tradewindow.agencies.ports import AgencyStore, Notice, NoticeSort, Routing
from tradewindow.agencies.reading import agency_share, page_bounds
from tradewindow.agencies.routing import Router
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.clock import Clock, utc_now

__all__ = ["Notice", "NoticeBoard", "NoticePage", "NoticeSort", "NoticeView"]


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
    def __init__(self, store: AgencyStore, policy: Policy, *, clock: Clock = utc_now) -> None:
        self._store = store
        self._policy = policy
        self._clock = clock
        self._router = Router(policy)

    def inform(
        self, routing: Routing, filing: str, documents: Mapping[str, Mapping[str, Any]]
    ) -> None:
        """A notice of ``filing`` for every informed agency granted one of its ``documents``,
        in the routing's transaction. Informing again adds nothing."""
        informed = self._router.informed(documents)
        if informed:
            routing.add_notices(filing, informed, self._policy.version, self._clock())

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
        notices = self._store.notices(
            agency, filing, NoticeSort(sort), offset=(page - 1) * size, limit=size + 1
        )
        return NoticePage(
            notices=notices[:size], page=page, size=size, has_more=len(notices) > size
        )

    def count(self, agency: str, *, filing: str = "") -> int:
        """How many notices :meth:`list` pages through for the same ``agency`` and ``filing``."""
        return self._store.count_notices(agency, filing)

    def view(self, agency: str, notice: int) -> NoticeView:
        """The notice's filing as ``agency`` may see it (see :class:`NoticeView`)."""
        current = self._store.notice(agency, notice)
        if current is None:
            raise errors.notice_not_found(notice)
        stored = self._store.filing_documents(current.filing)
        views, personal = agency_share(self._policy, agency, stored)
        return NoticeView(
            notice=current,
            documents=views,
            personal_data=personal,
            policy_version=self._policy.version,
        )
