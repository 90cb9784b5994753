"""CBEC export over HTTP. Translation only (``export`` holds every rule).

=====================================================  =======================================
``POST /v1/export/messages``                           file one export message (CEB XML):
                                                       its receipts (JSON, or the message's own
                                                       receipt as CEB XML with
                                                       ``Accept: application/xml``)
``GET  /v1/export/summaries/preview``                  the summaries the caller's departed
                                                       lists would make, the overdue lists
``POST /v1/export/summaries``                          file them (CEB701): CEB702 and CEB792
``POST /v1/export/warehouses``                         register (or renew) an overseas warehouse
                                                       of the caller's enterprise (9810)
``GET  /v1/export/agency/lists``                      an agency: the lists waiting for it
``POST /v1/export/agency/lists/{invt_no}/decision``    release or refuse one
``GET  /v1/export/receipts?after=ID``                  the caller's receipts, oldest first: also
                                                       those of its lists moved on later (woken,
                                                       released, held, departed)
=====================================================  =======================================

Only receipts addressed to the caller are returned (a list another party filed that the
caller's document woke is answered to that party).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter

from tradewindow.export.model import ExportAnswer, ExportList
from tradewindow.export.summary_desk import Preview, SummaryDesk
from tradewindow.export.warehouses import Tenure, Warehouse
from tradewindow.formats import ceb_export, ceb_xml
from tradewindow.parties.identifiers import Scheme
from tradewindow.parties.principal import PartyKind, Principal
from tradewindow.violations import Rejected
from tradewindow.web.openapi_docs import XML, document
from tradewindow.web.problems import ApiError, not_found
from tradewindow.web.window import Window

_JSON = "application/json"
MAX_RECEIPT_ID = 2**62  # a receipt id is a BIGINT: anything beyond is a coded 400


class ExportReceipt(msgspec.Struct, frozen=True, kw_only=True):
    message_type: str  # CEB304 … CEB792
    receipt: dict[str, Any]  # the receipt message as JSON (its XSD element names)


class ExportFiled(msgspec.Struct, frozen=True, kw_only=True):
    message_guid: str
    receipts: list[ExportReceipt]


class SummariesFiled(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ExportFiled]


class AgencyLine(msgspec.Struct, frozen=True, kw_only=True):
    gnum: int
    gcode: str
    gname: str
    qty: Decimal
    unit: str
    country: str


class AgencyList(msgspec.Struct, frozen=True, kw_only=True):
    """What an inspecting agency sees of a list: the goods, where they go, who sends them."""

    invt_no: str
    status: str
    ebc_code: str
    ebc_name: str
    trade_mode: str
    country: str
    port_code: str
    lines: list[AgencyLine]


class AgencyLists(msgspec.Struct, frozen=True, kw_only=True):
    items: list[AgencyList]


class DecisionRequest(msgspec.Struct, frozen=True, kw_only=True):
    decision: Literal["release", "refuse"]


class DecisionAnswer(msgspec.Struct, frozen=True, kw_only=True):
    invt_no: str
    decision: str


class WarehouseRequest(msgspec.Struct, frozen=True, kw_only=True):
    """An overseas warehouse of the caller's enterprise (its first customs code)."""

    warehouse_code: str
    name: str
    country: str
    address: str
    area_m2: Decimal
    tenure: Tenure
    evidence: str
    valid_from: date
    valid_until: date


class NumberedReceipt(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    message_type: str
    receipt: dict[str, Any]


class ReceiptPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[NumberedReceipt]
    after: int  # pass it back to fetch what follows


def _mine(answer: ExportAnswer, party_id: str) -> ExportFiled:
    return ExportFiled(
        message_guid=answer.message_guid,
        receipts=[
            ExportReceipt(
                message_type=str(a.receipt.__struct_config__.tag),
                receipt=msgspec.to_builtins(a.receipt),
            )
            for a in answer.receipts
            if a.party_id == party_id
        ],
    )


class ExportController(Controller):
    path = "/v1/export"
    tags = ["export"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @post(
        "/messages",
        sync_to_thread=True,
        summary="File one CBEC export message (CEB303 … 701, 213, 215) as CEB XML",
        responses=document({201: (ExportFiled, "cleared: its receipts")}, xml=True),
        status_code=201,
    )
    def file(
        self, request: Request[Any, Any, Any], body: bytes, principal: Principal
    ) -> Response[bytes]:
        window: Window = request.app.state.window
        ceb_xml.check_charset(request.headers.get("content-type", ""))
        read = ceb_export.read_message(
            body, max_bytes=window.app.settings.max_message_bytes, max_depth=32
        )
        answer = window.app.export_filing.file(
            principal.party_id, principal.credential_id, read.message, body, window.clock()
        )
        filed = _mine(answer, principal.party_id)
        if XML in request.headers.get("accept", ""):
            own = answer.receipts[0].receipt
            return Response(ceb_export.write_receipt(own), status_code=201, media_type=XML)
        return Response(msgspec.json.encode(filed), status_code=201, media_type=_JSON)

    @get(
        "/summaries/preview",
        sync_to_thread=True,
        summary="The summaries the caller's departed lists would make, and the overdue lists",
        responses=document({200: (Preview, "the summaries, the policy's source, overdue lists")}),
    )
    def preview(self, request: Request[Any, Any, Any], principal: Principal) -> Preview:
        window: Window = request.app.state.window
        today = window.clock().date()
        return SummaryDesk(window.app.store.export).preview(principal.party_id, today)

    @post(
        "/summaries",
        sync_to_thread=True,
        summary="File the caller's summaries (CEB701); the answers carry CEB702 and CEB792",
        responses=document({201: (SummariesFiled, "one answer per summary filed")}),
        status_code=201,
    )
    def summarise(self, request: Request[Any, Any, Any], principal: Principal) -> SummariesFiled:
        window: Window = request.app.state.window
        filing = window.app.export_filing

        def send(message: Any, at: datetime) -> ExportAnswer:
            data = ceb_export.write_message(message)
            return filing.file(principal.party_id, principal.credential_id, message, data, at)

        answers = SummaryDesk(window.app.store.export).file(
            principal.party_id, window.clock(), send
        )
        return SummariesFiled(items=[_mine(a, principal.party_id) for a in answers])

    @get(
        "/receipts",
        sync_to_thread=True,
        summary="The caller's export receipts after a given id, oldest first",
        responses=document({200: (ReceiptPage, "receipts, and the id to continue after")}),
    )
    def receipts(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        after: int = Parameter(default=0, ge=0, le=MAX_RECEIPT_ID),
        limit: int = Parameter(default=100, ge=1, le=500),
    ) -> ReceiptPage:
        window: Window = request.app.state.window
        with window.app.store.export.reading() as records:
            found = records.receipts_for(principal.party_id, after, limit)
        items = [
            NumberedReceipt(
                id=number,
                message_type=str(item.receipt.__struct_config__.tag),
                receipt=msgspec.to_builtins(item.receipt),
            )
            for number, item in found
        ]
        return ReceiptPage(items=items, after=items[-1].id if items else after)

    @get(
        "/agency/lists",
        sync_to_thread=True,
        summary="An agency: the export lists waiting for its decision",
        responses=document({200: (AgencyLists, "the lists, with the goods' lines")}),
    )
    def agency_lists(self, request: Request[Any, Any, Any], principal: Principal) -> AgencyLists:
        window: Window = request.app.state.window
        agency = _agency_of(principal)
        with window.app.store.export.reading() as records:
            found = records.waiting_for_agency(agency)
        return AgencyLists(items=[_agency_view(x) for x in found])

    @post(
        "/agency/lists/{invt_no:str}/decision",
        sync_to_thread=True,
        summary="An agency releases or refuses a list waiting for it",
        responses=document({200: (DecisionAnswer, "decided")}),
        status_code=200,
    )
    def decide(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        invt_no: str,
        data: DecisionRequest,
    ) -> DecisionAnswer:
        window: Window = request.app.state.window
        agency = _agency_of(principal)
        try:
            window.app.export.decide(invt_no, agency, data.decision == "release", window.clock())
        except LookupError:
            raise not_found("export list") from None
        return DecisionAnswer(invt_no=invt_no, decision=data.decision)

    @post(
        "/warehouses",
        sync_to_thread=True,
        summary="Register (or renew) an overseas warehouse of the caller's enterprise (9810)",
        responses=document({201: (Warehouse, "registered")}),
        status_code=201,
    )
    def register_warehouse(
        self, request: Request[Any, Any, Any], principal: Principal, data: WarehouseRequest
    ) -> Warehouse:
        window: Window = request.app.state.window
        party = window.registry.party(principal.party_id)
        code = next((i.value for i in party.identifiers if i.scheme is Scheme.CUSTOMS), None)
        if code is None:
            raise ApiError(
                403, "auth.forbidden", "only an enterprise with a customs code registers"
                " warehouses", "仅有海关编码的企业可备案海外仓",
            )  # fmt: skip
        warehouse = Warehouse(enterprise_code=code, **msgspec.structs.asdict(data))
        found = window.app.export.register_warehouse(warehouse)
        if found:
            raise Rejected(found)
        return warehouse


def _agency_of(principal: Principal) -> str:
    """The agency the caller is; anyone else is answered as if nothing were there."""
    if principal.kind is not PartyKind.AGENCY or principal.agency is None:
        raise not_found("export list")
    return principal.agency


def _agency_view(record: ExportList) -> AgencyList:
    head = record.inventory.head
    return AgencyList(
        invt_no=record.invt_no or "", status=record.status.value, ebc_code=head.ebc_code,
        ebc_name=head.ebc_name, trade_mode=head.trade_mode, country=head.country,
        port_code=head.port_code,
        lines=[
            AgencyLine(gnum=i.gnum, gcode=i.gcode, gname=i.gname, qty=i.qty, unit=i.unit,
                       country=i.country)
            for i in record.inventory.items
        ],
    )  # fmt: skip
