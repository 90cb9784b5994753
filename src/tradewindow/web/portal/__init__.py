"""The signed-in portals: sign-in, the enterprise portal (``/portal``: file by form or upload,
my filings, keys) and the agency workbench (``/workbench``; ``/workbench/notices`` for an
agency that is informed but does not decide).

Mounted by the app factory with ``*portal.routers()``; every page reads and writes through
the same services and role checks as the HTTP API (``filing``, ``store.filing``, the
agency desk), so a page never shows what the API would refuse.
"""

from __future__ import annotations

from litestar import Router

from tradewindow.web.portal.data_pages import DataPages, RegisterPages
from tradewindow.web.portal.filing_pages import FilingPages
from tradewindow.web.portal.filings_pages import FilingsPages
from tradewindow.web.portal.keys_pages import KeysPages
from tradewindow.web.portal.notice_pages import NoticePages
from tradewindow.web.portal.pages import portal_error
from tradewindow.web.portal.rule_pages import RulePages
from tradewindow.web.portal.services_pages import ApplicantPages, OfficerPages
from tradewindow.web.portal.signin import SignInController
from tradewindow.web.portal.workbench import Workbench

__all__ = ["routers"]


def routers() -> list[Router]:
    """The portals' router: its errors are pages, with the API's status and code."""
    return [
        Router(
            path="/",
            route_handlers=[
                SignInController,
                FilingPages,
                FilingsPages,
                KeysPages,
                Workbench,
                NoticePages,
                ApplicantPages,
                OfficerPages,
                RulePages,
                DataPages,
                RegisterPages,
            ],
            exception_handlers={Exception: portal_error},
            include_in_schema=False,
        )
    ]
