"""The withholding agent's monthly tax statement in the portal (``/portal/tax``), and its CSV:
translation only (``cbec.settlement`` holds the rules, ``Clearance.tax_statement`` the call).
The statement is the signed-in party's own: the bills whose ``assureCode`` is one of its
registration codes, as ``GET /v1/cbec/tax/statement`` gives them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template

from tradewindow.cbec.settlement import StatementRow, statement_csv
from tradewindow.parties.roles import Action, require
from tradewindow.web.portal.pages import portal_page
from tradewindow.web.portal.session import SignedIn, require_enterprise
from tradewindow.web.window import Window

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class TaxPages(Controller):
    path = "/portal/tax"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def statement(self, request: Request[Any, Any, Any], month: str = "") -> Template:
        who, window, chosen = _scope(request, month)
        rows = _rows(window, who, chosen)
        outstanding = sum((r.outstanding for r in rows), Decimal(0))
        context = {"month": chosen, "rows": rows, "outstanding": outstanding}
        return portal_page(request, "portal/tax.html", context, who)

    @get("/statement.csv", sync_to_thread=True)
    def csv(self, request: Request[Any, Any, Any], month: str = "") -> Response[bytes]:
        who, window, chosen = _scope(request, month)
        body = statement_csv(_rows(window, who, chosen)).encode()
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="tax-{chosen}.csv"'},
        )


def _scope(request: Request[Any, Any, Any], month: str) -> tuple[SignedIn, Window, str]:
    who = require_enterprise(request)
    require(who.principal, Action.READ_TAX_BILLS)
    window: Window = request.app.state.window
    chosen = month if _MONTH.fullmatch(month) else window.clock().strftime("%Y-%m")
    return who, window, chosen


def _rows(window: Window, who: SignedIn, month: str) -> list[StatementRow]:
    codes = sorted({i.value for i in window.registry.party(who.principal.party_id).identifiers})
    clearance = window.app.clearance
    return [row for code in codes for row in clearance.tax_statement(code, month)]
