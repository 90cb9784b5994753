"""The export inspection workbench (``/workbench/export``): the export lists waiting for the
officer's agency (routed by the policy's inspection HS prefixes), each with its goods, where
they go and who sends them — what ``GET /v1/export/agency/lists`` shows — and the decision to
release or refuse, which is ``ClearExport.decide`` as the API's ``…/decision`` calls it (the
list's filer gets its CEB604). A list not waiting for the agency is not found.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.export.model import ExportList
from tradewindow.parties.roles import Action
from tradewindow.web.desk import agency_of
from tradewindow.web.portal.pages import portal_page
from tradewindow.web.portal.session import check_csrf, require_officer
from tradewindow.web.problems import ApiError, not_found
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
DECISIONS = ("release", "refuse")


class ExportWorkbench(Controller):
    path = "/workbench/export"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def queue(self, request: AnyRequest, decided: str = "", decision: str = "") -> Template:
        who = require_officer(request)
        window: Window = request.app.state.window
        agency = agency_of(who.principal, Action.VIEW_QUEUE)
        with window.app.store.export.reading() as records:
            waiting = records.waiting_for_agency(agency)
        context = {
            "items": [_item(x) for x in waiting],
            "agency": window.policy.agency(agency),
            "decided": decided,
            "decision": decision if decision in DECISIONS else "",
            "now": window.clock(),
        }
        return portal_page(request, "portal/export/workbench.html", context, who)

    @post("/{invt_no:str}/decision", sync_to_thread=True, status_code=303)
    def decide(self, request: AnyRequest, invt_no: str, data: Form) -> Redirect:
        who = require_officer(request)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        agency = agency_of(who.principal, Action.DECIDE)
        decision = data.get("decision", "")
        if decision not in DECISIONS:
            raise ApiError(422, "agency.decision.invalid", "decide release or refuse",
                           "请选择放行或不予放行")  # fmt: skip
        try:
            window.app.export.decide(invt_no, agency, decision == "release", window.clock())
        except LookupError:
            raise not_found("export list") from None
        return Redirect(
            path=f"/workbench/export?decided={invt_no}&decision={decision}", status_code=303
        )


def _item(record: ExportList) -> dict[str, Any]:
    head = record.inventory.head
    currencies = {item.currency for item in record.inventory.items}
    return {
        "invt_no": record.invt_no or "",
        "order_no": head.order_no,
        "status": record.status.value,
        "ebc_code": head.ebc_code,
        "ebc_name": head.ebc_name,
        "trade_mode": head.trade_mode,
        "country": head.country,
        "port_code": head.port_code,
        "filed_at": record.filed_at,
        "value": sum((i.total_price for i in record.inventory.items), Decimal(0))
        if len(currencies) == 1
        else None,
        "currency": next(iter(currencies)) if len(currencies) == 1 else "",
        "lines": [
            {
                "gnum": i.gnum,
                "gcode": i.gcode,
                "gname": i.gname,
                "qty": i.qty,
                "unit": i.unit,
                "country": i.country,
            }
            for i in record.inventory.items
        ],
    }
