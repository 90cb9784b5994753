"""Market procurement's pages: the enterprise portal (``/portal/procurement``: an operator
records sales one by one or as a CSV file, corrects or cancels them on the sale's page with its
history, a buyer or its agent confirms them, an agent consolidates a buyer's confirmed
sales and reviews the simplified declaration before sending it) and the customs workbench
(``/workbench/procurement``: declared shipments and the decision). Translation only: every
read and change is a call of the ``procurement`` use cases, with the API's access rules.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Response, Template

from tradewindow.formats.procurement_csv import COLUMNS, read_sales
from tradewindow.procurement.consolidation import ShipmentForm
from tradewindow.procurement.errors import Conflict, Forbidden
from tradewindow.procurement.model import Line, SaleState
from tradewindow.procurement.platform import MarketProcurement
from tradewindow.procurement.sales import SaleChanges, SaleForm
from tradewindow.violations import Rejected, Violation
from tradewindow.web.pages.shell import language_of
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import SignedIn, check_csrf, require_enterprise, require_officer
from tradewindow.web.problems import ApiError
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
EDITABLE = (SaleState.RECORDED, SaleState.CONFIRMED)
MONTH = re.compile(r"20\d\d-(0[1-9]|1[0-2])")
CSV_EXAMPLE = "S1,{buyer},{day},USD,4202210090,真皮手袋,10,011,25.50\n"
PORTS = ("CNNSA", "CNHUA")
CUSTOMS = "customs"


def _platform(request: AnyRequest) -> MarketProcurement:
    window: Window = request.app.state.window
    return window.app.market_procurement


def _shown(request: AnyRequest, problems: list[Violation]) -> list[tuple[str, str, str]]:
    language = language_of(request)
    return [(v.path, v.code, coded_text(language, v.en, v.zh)) for v in problems]


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return Decimal(0)  # refused by the sale's rules (quantity / price more than zero)
    return value if value.is_finite() else Decimal(0)


def _line(data: dict[str, str], prefix: str = "") -> Line:
    return Line(
        hs_code=data.get(f"{prefix}hs_code", "").strip(),
        name=data.get(f"{prefix}name", "").strip(),
        quantity=_decimal(data.get(f"{prefix}quantity", "")),
        unit=data.get(f"{prefix}unit", "").strip(),
        price=_decimal(data.get(f"{prefix}price", "")),
    )


def _changes(data: dict[str, str], lines: int) -> SaleChanges | Violation:
    """The correction a sale's form asks for: each kept line as edited, a new one when its HS
    code is given; the day and currency as typed (an unreadable day is named, not guessed)."""
    try:
        sold_on = date.fromisoformat(data.get("sold_on", "").strip())
    except ValueError:
        return Violation(
            path="sold_on",
            code="MPT.sale.sold_on.date",
            en="the day of the sale is a date (YYYY-MM-DD)",
            zh="交易日期应为日期（YYYY-MM-DD）",
        )
    kept = [_line(data, f"line-{n}-") for n in range(lines) if not data.get(f"line-{n}-drop")]
    if data.get("line-new-hs_code", "").strip():
        kept.append(_line(data, "line-new-"))
    return SaleChanges(
        sold_on=sold_on,
        currency=data.get("currency", "").strip().upper(),
        lines=tuple(kept),
        note=data.get("note", "").strip(),
    )


def _overview(
    request: AnyRequest, who: SignedIn, problems: list[Violation] | None = None, status: int = 200
) -> Template:
    platform = _platform(request)
    party = who.party.id
    operators, buyers, agents = platform.sales.registrations(party)
    sales = platform.sales.sales(party)
    reach = platform.sales.reach_of(party)
    context = {
        "operators": operators,
        "buyers": buyers,
        "agents": agents,
        "market_buyers": platform.sales.buyers_for_operators(party),
        "sales": sales,
        "to_confirm": [
            s for s in sales if s.state is SaleState.RECORDED and s.buyer_id in reach.buyer_ids
        ],
        "to_ship": [s for s in sales if s.state is SaleState.CONFIRMED and agents],
        "shipments": platform.shipments.shipments(party),
        "ports": PORTS,
        "recorded": request.query_params.get("recorded", ""),
        "problems": _shown(request, problems or []),
    }
    return portal_page(request, "procurement/portal.html", context, who, status_code=status)


class ProcurementPages(Controller):
    path = "/portal/procurement"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def overview(self, request: AnyRequest) -> Template:
        return _overview(request, require_enterprise(request))

    @post("/sales", sync_to_thread=True, status_code=303)
    def record(self, request: AnyRequest, data: Form) -> Template | Redirect:
        who = require_enterprise(request)
        check_csrf(request, who, data)
        form = SaleForm(
            buyer_id=data.get("buyer_id", ""),
            sold_on=_platform(request).sales.clock().date(),
            currency=data.get("currency", "USD").strip().upper(),
            lines=(_line(data),),
        )
        try:
            _platform(request).sales.record_sale(who.party.id, data.get("operator_id", ""), form)
        except Rejected as refused:
            return _overview(request, who, refused.violations, 422)
        return Redirect(path="/portal/procurement", status_code=303)

    @post("/sales/upload", sync_to_thread=True, status_code=303)
    def upload(self, request: AnyRequest, data: Multipart) -> Template | Redirect:
        """An operator's sales from a CSV file, all or none (the API's and CLI's reading)."""
        who = require_enterprise(request)
        check_csrf(request, who, data)
        upload = data.get("file")
        content = upload.file.read() if isinstance(upload, UploadFile) else b""
        try:
            forms = read_sales(content)
            recorded = _platform(request).sales.record_sales(
                who.party.id, str(data.get("operator_id", "")), forms
            )
        except Rejected as refused:
            return _overview(request, who, refused.violations, 422)
        return Redirect(path=f"/portal/procurement?recorded={len(recorded)}", status_code=303)

    @get("/sales.csv", sync_to_thread=True)
    def template(self, request: AnyRequest) -> Response[bytes]:
        """The CSV layout to fill in: the header and one example row."""
        who = require_enterprise(request)
        platform = _platform(request)
        buyers = platform.sales.buyers_for_operators(who.party.id)
        example = CSV_EXAMPLE.format(
            buyer=buyers[0].id if buyers else "BUYER-ID", day=platform.sales.clock().date()
        )
        body = ",".join(COLUMNS) + "\n" + example
        return Response(
            body.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="sales.csv"'},
        )

    @get("/sales/{sale_id:str}", sync_to_thread=True)
    def sale(self, request: AnyRequest, sale_id: str) -> Template:
        return _sale_page(request, require_enterprise(request), sale_id)

    @post("/sales/{sale_id:str}/correct", sync_to_thread=True, status_code=303)
    def correct(self, request: AnyRequest, sale_id: str, data: Form) -> Template | Redirect:
        who = require_enterprise(request)
        check_csrf(request, who, data)
        platform = _platform(request)
        sale = platform.sales.sale(who.party.id, sale_id)
        changes = _changes(data, len(sale.lines))
        try:
            if isinstance(changes, Violation):
                raise Rejected([changes])
            platform.sales.correct_sale(who.party.id, sale_id, changes)
        except Rejected as refused:
            return _sale_page(request, who, sale_id, refused.violations, 422)
        except (Conflict, Forbidden) as refused:
            return _sale_page(request, who, sale_id, [refused.violation], 409)
        return Redirect(path=f"/portal/procurement/sales/{sale_id}", status_code=303)

    @post("/sales/{sale_id:str}/cancel", sync_to_thread=True, status_code=303)
    def cancel(self, request: AnyRequest, sale_id: str, data: Form) -> Template | Redirect:
        who = require_enterprise(request)
        check_csrf(request, who, data)
        try:
            _platform(request).sales.cancel_sale(
                who.party.id, sale_id, data.get("note", "").strip()
            )
        except (Conflict, Forbidden) as refused:
            return _sale_page(request, who, sale_id, [refused.violation], 409)
        return Redirect(path=f"/portal/procurement/sales/{sale_id}", status_code=303)

    @post("/sales/{sale_id:str}/confirm", sync_to_thread=True, status_code=303)
    def confirm(self, request: AnyRequest, sale_id: str, data: Form) -> Template | Redirect:
        who = require_enterprise(request)
        check_csrf(request, who, data)
        try:
            _platform(request).sales.confirm_sale(who.party.id, sale_id)
        except (Conflict, Forbidden) as refused:
            return _overview(request, who, [refused.violation], 409)
        return Redirect(path="/portal/procurement", status_code=303)

    @post("/shipments", sync_to_thread=True, status_code=303)
    def consolidate(self, request: AnyRequest, data: Form) -> Template | Redirect:
        who = require_enterprise(request)
        check_csrf(request, who, data)
        chosen = tuple(sorted(key[3:] for key, value in data.items() if key.startswith("tx-")))
        containers = tuple(c for c in data.get("containers", "").upper().split() if c)
        form = ShipmentForm(
            buyer_id=data.get("buyer_id", ""),
            transaction_ids=chosen,
            containers=containers,
            port_of_loading=data.get("port_of_loading", ""),
            destination=data.get("destination", "").strip().upper(),
        )
        try:
            shipment = _platform(request).shipments.consolidate(
                who.party.id, data.get("agent_id", ""), form
            )
        except Rejected as refused:
            return _overview(request, who, refused.violations, 422)
        return Redirect(path=f"/portal/procurement/shipments/{shipment.id}", status_code=303)

    @get("/shipments/{shipment_id:str}", sync_to_thread=True)
    def shipment(self, request: AnyRequest, shipment_id: str) -> Template:
        who = require_enterprise(request)
        return _shipment_page(request, who, shipment_id)

    @post("/shipments/{shipment_id:str}/declare", sync_to_thread=True, status_code=303)
    def declare(self, request: AnyRequest, shipment_id: str, data: Form) -> Template | Redirect:
        who = require_enterprise(request)
        check_csrf(request, who, data)
        try:
            _platform(request).shipments.declare(who.party.id, shipment_id)
        except Conflict as refused:
            return _shipment_page(request, who, shipment_id, [refused.violation], 409)
        return Redirect(path=f"/portal/procurement/shipments/{shipment_id}", status_code=303)


def _sale_page(
    request: AnyRequest,
    who: SignedIn,
    sale_id: str,
    problems: list[Violation] | None = None,
    status: int = 200,
) -> Template:
    platform = _platform(request)
    sale = platform.sales.sale(who.party.id, sale_id)
    own = sale.operator_id in platform.sales.reach_of(who.party.id).operator_ids
    context = {
        "sale": sale,
        "editable": own and sale.state in EDITABLE,
        "problems": _shown(request, problems or []),
    }
    return portal_page(request, "procurement/sale.html", context, who, status_code=status)


def _shipment_page(
    request: AnyRequest,
    who: SignedIn,
    shipment_id: str,
    problems: list[Violation] | None = None,
    status: int = 200,
) -> Template:
    platform = _platform(request)
    shipment, declaration = platform.shipments.declaration(who.party.id, shipment_id)
    reach = platform.sales.reach_of(who.party.id)
    context = {
        "shipment": shipment,
        "declaration": declaration,
        "is_agent": shipment.agent_id in reach.agent_ids,
        "problems": _shown(request, problems or []),
    }
    return portal_page(request, "procurement/shipment.html", context, who, status_code=status)


def _customs(request: AnyRequest) -> SignedIn:
    who = require_officer(request)
    if who.principal.agency != CUSTOMS:
        raise ApiError(
            403,
            "MPT.workbench.customs_only",
            "only customs decides shipments",
            "仅限海关对组货单作出决定",
        )
    return who


class ProcurementWorkbench(Controller):
    path = "/workbench/procurement"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def declared(self, request: AnyRequest) -> Template:
        who = _customs(request)
        context = {"shipments": _platform(request).shipments.declared(), "problems": []}
        return portal_page(request, "procurement/workbench.html", context, who)

    @get("/figures", sync_to_thread=True)
    def figures(self, request: AnyRequest) -> Template:
        """Any agency's market procurement figures of a month, from its own views (commerce's
        statistics; taxation's VAT-exempt sales per operator)."""
        who = require_officer(request)
        platform = _platform(request)
        month = request.query_params.get("month", "")
        if not MONTH.fullmatch(month):
            month = platform.sales.clock().strftime("%Y-%m")
        agency, actor = who.principal.agency or "", who.principal.credential_id
        context = {
            "month": month,
            "figures": platform.sharing.figures(agency, actor, month),
            "exemptions": platform.sharing.exemptions(agency, actor, month),
            "problems": [],
        }
        return portal_page(request, "procurement/figures.html", context, who)

    @post("/{shipment_id:str}/decision", sync_to_thread=True, status_code=303)
    def decide(self, request: AnyRequest, shipment_id: str, data: Form) -> Template | Redirect:
        who = _customs(request)
        check_csrf(request, who, data)
        try:
            _platform(request).shipments.decide(
                who.principal.credential_id,
                shipment_id,
                data.get("decision", ""),
                data.get("note", ""),
            )
        except (Rejected, Conflict) as refused:
            problems = refused.violations if isinstance(refused, Rejected) else [refused.violation]
            context = {
                "shipments": _platform(request).shipments.declared(),
                "problems": _shown(request, problems),
            }
            return portal_page(request, "procurement/workbench.html", context, who, status_code=409)
        return Redirect(path="/workbench/procurement", status_code=303)
