"""The portals' routers, mounted by the app factory.

Kept out of the package's ``__init__`` so that importing one portal module (say
``web.portal.accounts`` from ``web.window``) does not import every page and, through them,
``web.window`` itself again."""

from __future__ import annotations

from litestar import Router

from tradewindow.web.portal.after_release_pages import AfterReleasePages
from tradewindow.web.portal.bonded_pages import BondedPages
from tradewindow.web.portal.data_pages import DataPages, RegisterPages
from tradewindow.web.portal.export_pages import ExportPages
from tradewindow.web.portal.export_workbench import ExportWorkbench
from tradewindow.web.portal.filing_pages import FilingPages
from tradewindow.web.portal.filings_pages import FilingsPages
from tradewindow.web.portal.keys_pages import KeysPages
from tradewindow.web.portal.notice_pages import NoticePages
from tradewindow.web.portal.pages import portal_error
from tradewindow.web.portal.procurement_pages import ProcurementPages, ProcurementWorkbench
from tradewindow.web.portal.rule_pages import RulePages
from tradewindow.web.portal.services_pages import ApplicantPages, OfficerPages
from tradewindow.web.portal.signin import SignInController
from tradewindow.web.portal.tax_pages import TaxPages
from tradewindow.web.portal.workbench import Workbench


def routers() -> list[Router]:
    """The portals' router: its errors are pages, with the API's status and code."""
    return [
        Router(
            path="/",
            route_handlers=[
                SignInController,
                FilingPages,
                FilingsPages,
                AfterReleasePages,
                TaxPages,
                BondedPages,
                KeysPages,
                Workbench,
                NoticePages,
                ApplicantPages,
                OfficerPages,
                RulePages,
                ProcurementPages,
                ProcurementWorkbench,
                DataPages,
                RegisterPages,
                ExportPages,
                ExportWorkbench,
            ],
            exception_handlers={Exception: portal_error},
            include_in_schema=False,
        )
    ]
