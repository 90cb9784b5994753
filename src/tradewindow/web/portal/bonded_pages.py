"""A bonded warehouse's account book in the portal (``/portal/bonded``): the stock of each
item and a form recording goods brought into the bonded zone. Translation only
(``cbec.bonded`` holds the rules, ``Clearance.enter_stock`` / ``stock_report`` the calls);
for the supervised site's operator (who files CEB711), as ``/v1/cbec/bonded``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.cbec.bonded import StockEntry
from tradewindow.parties.roles import Action, require
from tradewindow.violations import Violation
from tradewindow.web.pages.shell import language_of
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import SignedIn, check_csrf, require_enterprise
from tradewindow.web.window import Window

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


class BondedPages(Controller):
    path = "/portal/bonded"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def stock(self, request: Request[Any, Any, Any], ems: str = "") -> Template:
        who = _operator(request)
        return _page(request, who, ems, {}, [], 200)

    @post("/", sync_to_thread=True, status_code=303)
    def enter(self, request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
        who = _operator(request)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        try:
            qty = Decimal(data.get("qty", "").strip() or "NaN")
        except InvalidOperation:
            qty = Decimal("NaN")
        entry = StockEntry(
            ems_no=data.get("emsNo", "").strip(),
            item_record_no=data.get("itemRecordNo", "").strip(),
            qty=qty,
            source_declaration=data.get("sourceDeclaration", "").strip(),
        )
        refused = window.app.clearance.enter_stock([entry], actor=who.principal.party_id)
        if refused:
            return _page(request, who, entry.ems_no, data, refused, 422)
        return Redirect(path=f"/portal/bonded?ems={entry.ems_no}", status_code=303)


def _operator(request: Request[Any, Any, Any]) -> SignedIn:
    who = require_enterprise(request)
    require(who.principal, Action.FILE_DELIVERY)
    return who


def _page(
    request: Request[Any, Any, Any],
    who: SignedIn,
    ems: str,
    values: dict[str, str],
    refused: list[Violation],
    status: int,
) -> Template:
    window: Window = request.app.state.window
    language = language_of(request)
    context = {
        "ems": ems,
        "rows": window.app.clearance.stock_report(ems or None),
        "values": values,
        "refused": [
            {"code": v.code, "path": v.path, "text": coded_text(language, v.en, v.zh)}
            for v in refused
        ],
    }
    return portal_page(request, "portal/bonded.html", context, who, status_code=status)
