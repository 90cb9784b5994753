"""Market procurement trade (1039) over HTTP. Translation only (``procurement`` holds every rule).

=====================================================  =======================================
``GET  /v1/procurement/markets``                       the recognised markets
``GET  /v1/procurement/me``                            the caller's operators, buyers, agents
``POST /v1/procurement/operators|buyers|agents``       register the caller as one
``POST /v1/procurement/commissions``                   a buyer commissions an agent
``GET|POST /v1/procurement/sales``                     the sales the caller reaches; record one
``POST /v1/procurement/sales/upload?operator=``        record an operator's sales from CSV
                                                       (``text/csv``; all or none)
``GET  /v1/procurement/sales/{sale_id}``               one, with its history
``POST /v1/procurement/sales/{sale_id}/confirm``       the buyer or its agent confirms
``POST /v1/procurement/sales/{sale_id}/correct``       the operator corrects (fields given)
``POST /v1/procurement/sales/{sale_id}/cancel``        the operator cancels, saying why
``GET|POST /v1/procurement/shipments``                 the caller's shipments; consolidate one
``GET  /v1/procurement/shipments/{shipment_id}``       one shipment
``GET  …/{shipment_id}/declaration``                   the simplified declaration (JSON, or WCO
                                                       DM XML with ``Accept: application/xml``)
``POST …/{shipment_id}/declare``                       the agent sends it to customs
``POST …/{shipment_id}/decision``                      customs: released or refused
``POST /v1/procurement/fx-receipts``                   an operator's foreign-exchange receipt
``GET  …/{shipment_id}/settlement``                    receipts reconciled per operator
``GET  /v1/procurement/views/sales|fx-receipts``       an agency's views (its policy's fields)
``GET  /v1/procurement/views/vat-exemptions``          taxation: exempt sales per operator/month
``GET  /v1/procurement/views/market-figures``          commerce: value by market, destination
                                                       and HS chapter
=====================================================  =======================================

Anything the caller may not reach is 404 exactly like what does not exist; the customs decision
is 404 to anyone but customs.

(Over 400 lines: one short translating handler per endpoint of the table above, sharing the
capability's refusal mapping; no rule lives here.)
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from tradewindow.formats.procurement_csv import COLUMNS, read_sales
from tradewindow.formats.wco_declaration import declaration_json, declaration_xml, document_of
from tradewindow.parties.principal import PartyKind, Principal
from tradewindow.procurement.consolidation import ShipmentForm
from tradewindow.procurement.declaration import Declaration
from tradewindow.procurement.errors import not_found
from tradewindow.procurement.model import (
    Agent,
    Buyer,
    Commission,
    FxReceipt,
    Market,
    Operator,
    SaleState,
    Shipment,
    Transaction,
)
from tradewindow.procurement.platform import MarketProcurement
from tradewindow.procurement.registry import AgentForm, BuyerForm, OperatorForm
from tradewindow.procurement.sales import SaleChanges, SaleForm
from tradewindow.procurement.service import FxForm, Settlement
from tradewindow.procurement.sharing import AgencyViews, Exemption, MarketFigure
from tradewindow.web.openapi_docs import XML, document
from tradewindow.web.problems import ApiError
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]


class MarketList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Market]


class Registrations(msgspec.Struct, frozen=True, kw_only=True):
    operators: list[Operator]
    buyers: list[Buyer]
    agents: list[Agent]


class CommissionRequest(msgspec.Struct, frozen=True, kw_only=True):
    buyer_id: str
    agent_id: str


class SaleRequest(msgspec.Struct, frozen=True, kw_only=True):
    operator_id: str
    sale: SaleForm


class SaleList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Transaction]


class SaleNote(msgspec.Struct, frozen=True, kw_only=True):
    note: str = ""


class ShipmentRequest(msgspec.Struct, frozen=True, kw_only=True):
    agent_id: str
    shipment: ShipmentForm


class ShipmentList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Shipment]


class DeclarationView(msgspec.Struct, frozen=True, kw_only=True):
    shipment: Shipment
    declaration: Declaration


class ShipmentDecision(msgspec.Struct, frozen=True, kw_only=True):
    decision: str  # released or refused (any other is a coded 422)
    note: str = ""


class FigureList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[MarketFigure]


class SettlementList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Settlement]


def _platform(request: AnyRequest) -> MarketProcurement:
    window: Window = request.app.state.window
    return window.app.market_procurement


def _json(value: object, status: int = 200) -> Response[bytes]:
    return Response(msgspec.json.encode(value), status_code=status, media_type="application/json")


class ProcurementController(Controller):
    path = "/v1/procurement"
    tags = ["procurement"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get("/markets", sync_to_thread=True, summary="The recognised markets", responses=document({}))
    def markets(self, request: AnyRequest, principal: Principal) -> MarketList:
        return MarketList(items=_platform(request).sales.markets())

    @get(
        "/me",
        sync_to_thread=True,
        summary="The caller's registrations: operators, buyers, agents",
        responses=document({}),
    )
    def me(self, request: AnyRequest, principal: Principal) -> Registrations:
        operators, buyers, agents = _platform(request).sales.registrations(principal.party_id)
        return Registrations(operators=operators, buyers=buyers, agents=agents)

    @post(
        "/operators",
        sync_to_thread=True,
        status_code=201,
        summary="Register the caller as a market operator (商户) of a market",
        responses=document({201: (Operator, "registered")}),
    )
    def register_operator(
        self, request: AnyRequest, data: OperatorForm, principal: Principal
    ) -> Operator:
        return _platform(request).sales.register_operator(data, principal.party_id)

    @post(
        "/buyers",
        sync_to_thread=True,
        status_code=201,
        summary="Register the caller as a foreign buyer (采购商) of a market",
        responses=document({201: (Buyer, "registered")}),
    )
    def register_buyer(self, request: AnyRequest, data: BuyerForm, principal: Principal) -> Buyer:
        return _platform(request).sales.register_buyer(data, principal.party_id)

    @post(
        "/agents",
        sync_to_thread=True,
        status_code=201,
        summary="Register the caller as a procurement agent (代理企业)",
        responses=document({201: (Agent, "registered")}),
    )
    def register_agent(self, request: AnyRequest, data: AgentForm, principal: Principal) -> Agent:
        return _platform(request).sales.register_agent(data, principal.party_id)

    @post(
        "/commissions",
        sync_to_thread=True,
        status_code=201,
        summary="The caller's buyer commissions an agent to confirm and consolidate",
        responses=document({201: (Commission, "granted")}),
    )
    def commission(
        self, request: AnyRequest, data: CommissionRequest, principal: Principal
    ) -> Commission:
        return _platform(request).sales.commission(principal.party_id, data.buyer_id, data.agent_id)

    @get(
        "/sales",
        sync_to_thread=True,
        summary="The sales the caller reaches (as operator, buyer or commissioned agent)",
        responses=document({}),
    )
    def sales(
        self,
        request: AnyRequest,
        principal: Principal,
        in_state: Annotated[SaleState | None, Parameter(query="state")] = None,
    ) -> SaleList:
        return SaleList(items=_platform(request).sales.sales(principal.party_id, in_state))

    @post(
        "/sales",
        sync_to_thread=True,
        status_code=201,
        summary="An operator records a sale to a foreign buyer (交易登记)",
        responses=document({201: (Transaction, "recorded")}),
    )
    def record_sale(
        self, request: AnyRequest, data: SaleRequest, principal: Principal
    ) -> Transaction:
        return _platform(request).sales.record_sale(principal.party_id, data.operator_id, data.sale)

    @post(
        "/sales/upload",
        sync_to_thread=True,
        status_code=201,
        summary="An operator records many sales from CSV, all or none (交易登记批量导入)",
        description="A header row `"
        + ",".join(COLUMNS)
        + "`, then one row per goods line; rows with the same sale_ref are one sale. Every bad"
        " row or sale is reported at once (paths `row[N]/column`, `sale[ref]/…`); nothing is"
        " recorded unless all are.",
        responses=document({201: (SaleList, "recorded, in the order of the file")}),
    )
    def upload_sales(
        self,
        request: AnyRequest,
        body: bytes,  # the raw CSV (``text/csv``), not JSON
        principal: Principal,
        operator_id: Annotated[str, Parameter(query="operator")],
    ) -> SaleList:
        forms = read_sales(body)
        recorded = _platform(request).sales.record_sales(principal.party_id, operator_id, forms)
        return SaleList(items=recorded)

    @get(
        "/sales/{sale_id:str}",
        sync_to_thread=True,
        summary="One sale with its history",
        responses=document({200: (Transaction, "the sale")}),
    )
    def sale(self, request: AnyRequest, sale_id: str, principal: Principal) -> Transaction:
        return _platform(request).sales.sale(principal.party_id, sale_id)

    @post(
        "/sales/{sale_id:str}/confirm",
        sync_to_thread=True,
        status_code=200,
        summary="The buyer, or the agent it commissioned, confirms the sale",
        responses=document({200: (Transaction, "confirmed")}),
    )
    def confirm(self, request: AnyRequest, sale_id: str, principal: Principal) -> Transaction:
        return _platform(request).sales.confirm_sale(principal.party_id, sale_id)

    @post(
        "/sales/{sale_id:str}/correct",
        sync_to_thread=True,
        status_code=200,
        summary="The operator corrects its sale (the fields given replace the recorded ones)",
        responses=document({200: (Transaction, "corrected; to be confirmed again")}),
    )
    def correct(
        self, request: AnyRequest, sale_id: str, data: SaleChanges, principal: Principal
    ) -> Transaction:
        return _platform(request).sales.correct_sale(principal.party_id, sale_id, data)

    @post(
        "/sales/{sale_id:str}/cancel",
        sync_to_thread=True,
        status_code=200,
        summary="The operator cancels its sale, saying why",
        responses=document({200: (Transaction, "cancelled")}),
    )
    def cancel(
        self, request: AnyRequest, sale_id: str, data: SaleNote, principal: Principal
    ) -> Transaction:
        return _platform(request).sales.cancel_sale(principal.party_id, sale_id, data.note)

    @get(
        "/shipments",
        sync_to_thread=True,
        summary="The shipments of the caller's agents and buyers",
        responses=document({}),
    )
    def shipments(self, request: AnyRequest, principal: Principal) -> ShipmentList:
        return ShipmentList(items=_platform(request).shipments.shipments(principal.party_id))

    @post(
        "/shipments",
        sync_to_thread=True,
        status_code=201,
        summary="An agent consolidates confirmed sales of one buyer (组货装箱)",
        responses=document({201: (Shipment, "drafted")}),
    )
    def consolidate(
        self, request: AnyRequest, data: ShipmentRequest, principal: Principal
    ) -> Shipment:
        return _platform(request).shipments.consolidate(
            principal.party_id, data.agent_id, data.shipment
        )

    @get(
        "/shipments/{shipment_id:str}",
        sync_to_thread=True,
        summary="One shipment",
        responses=document({200: (Shipment, "the shipment")}),
    )
    def shipment(self, request: AnyRequest, shipment_id: str, principal: Principal) -> Shipment:
        return _platform(request).shipments.shipment(principal.party_id, shipment_id)

    @get(
        "/shipments/{shipment_id:str}/declaration",
        sync_to_thread=True,
        summary="The simplified declaration: the five goods of highest value itemised, the"
        " rest merged by HS chapter (JSON, or WCO DM 3.x XML by Accept)",
        responses=document({200: (DeclarationView, "the draft")}, xml=True),
    )
    def declaration(
        self, request: AnyRequest, shipment_id: str, principal: Principal
    ) -> Response[bytes]:
        platform = _platform(request)
        shipment, declaration = platform.shipments.declaration(principal.party_id, shipment_id)
        if XML not in request.headers.get("accept", ""):
            return _json(DeclarationView(shipment=shipment, declaration=declaration))
        agent, buyer = platform.shipments.parties_of(shipment)
        document_ = document_of(shipment, declaration, agent, buyer)
        return Response(declaration_xml(document_), media_type=XML)

    @get(
        "/shipments/{shipment_id:str}/declaration.json",
        sync_to_thread=True,
        summary="The declaration as exchanged (the WCO XML's figures as JSON)",
        responses=document({}),
    )
    def declaration_document(
        self, request: AnyRequest, shipment_id: str, principal: Principal
    ) -> Response[bytes]:
        platform = _platform(request)
        shipment, declaration = platform.shipments.declaration(principal.party_id, shipment_id)
        agent, buyer = platform.shipments.parties_of(shipment)
        body = declaration_json(document_of(shipment, declaration, agent, buyer))
        return Response(body, media_type="application/json")

    @post(
        "/shipments/{shipment_id:str}/declare",
        sync_to_thread=True,
        status_code=200,
        summary="The agent sends the drafted declaration to customs",
        responses=document({200: (Shipment, "declared")}),
    )
    def declare(self, request: AnyRequest, shipment_id: str, principal: Principal) -> Shipment:
        return _platform(request).shipments.declare(principal.party_id, shipment_id)

    @post(
        "/shipments/{shipment_id:str}/decision",
        sync_to_thread=True,
        status_code=200,
        summary="Customs' decision on a declared shipment, linked to each of its sales",
        responses=document({200: (Shipment, "decided")}),
    )
    def decide(
        self, request: AnyRequest, shipment_id: str, data: ShipmentDecision, principal: Principal
    ) -> Shipment:
        if principal.kind is not PartyKind.AGENCY or principal.agency != "customs":
            raise not_found("shipment", shipment_id)  # only customs sees declared shipments
        return _platform(request).shipments.decide(
            principal.credential_id, shipment_id, data.decision, data.note
        )

    @post(
        "/fx-receipts",
        sync_to_thread=True,
        status_code=201,
        summary="An operator records foreign exchange received for a shipment",
        responses=document({201: (FxReceipt, "recorded")}),
    )
    def record_receipt(self, request: AnyRequest, data: FxForm, principal: Principal) -> FxReceipt:
        return _platform(request).shipments.record_receipt(principal.party_id, data)

    @get(
        "/shipments/{shipment_id:str}/settlement",
        sync_to_thread=True,
        summary="Each operator's part of the shipment against its receipts (USD); unmatched"
        " amounts listed",
        responses=document({200: (SettlementList, "per operator")}),
    )
    def settlement(
        self, request: AnyRequest, shipment_id: str, principal: Principal
    ) -> SettlementList:
        found = _platform(request).shipments.reconcile(principal.party_id, shipment_id)
        return SettlementList(items=found)


class ExemptionList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Exemption]


def _agency_of(principal: Principal) -> str:
    if principal.kind is not PartyKind.AGENCY or principal.agency is None:
        raise ApiError(
            403,
            "MPT.views.agency_only",
            "only an agency reads the shared views",
            "仅限监管部门查阅共享数据",
        )
    return principal.agency


class ProcurementViewsController(Controller):
    """The agencies' views of market procurement: exactly the fields ``policy.toml`` grants
    each (an agency granted none of a kind gets an empty list)."""

    path = "/v1/procurement/views"
    tags = ["procurement"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/sales",
        sync_to_thread=True,
        summary="Confirmed sales as the agency may see them (month YYYY-MM)",
        responses=document({200: (AgencyViews, "views and the personal-data paths they hold")}),
    )
    def sales(
        self, request: AnyRequest, principal: Principal, month: str | None = None
    ) -> AgencyViews:
        return _platform(request).sharing.sales(
            _agency_of(principal), principal.credential_id, month
        )

    @get(
        "/fx-receipts",
        sync_to_thread=True,
        summary="Operators' foreign-exchange receipts as the agency may see them",
        responses=document({200: (AgencyViews, "views")}),
    )
    def receipts(
        self, request: AnyRequest, principal: Principal, month: str | None = None
    ) -> AgencyViews:
        return _platform(request).sharing.receipts(_agency_of(principal), month)

    @get(
        "/vat-exemptions",
        sync_to_thread=True,
        summary="VAT-exempt sales per operator and month (from the agency's own views)",
        responses=document({200: (ExemptionList, "per operator and month")}),
    )
    def exemptions(
        self, request: AnyRequest, principal: Principal, month: str | None = None
    ) -> ExemptionList:
        agency = _agency_of(principal)
        found = _platform(request).sharing.exemptions(agency, principal.credential_id, month)
        return ExemptionList(items=found)

    @get(
        "/market-figures",
        sync_to_thread=True,
        summary="Market procurement statistics: yuan value by market, destination and HS chapter"
        " (from the agency's own views)",
        responses=document({200: (FigureList, "per market, destination and chapter")}),
    )
    def figures(
        self, request: AnyRequest, principal: Principal, month: str | None = None
    ) -> FigureList:
        agency = _agency_of(principal)
        found = _platform(request).sharing.figures(agency, principal.credential_id, month)
        return FigureList(items=found)
