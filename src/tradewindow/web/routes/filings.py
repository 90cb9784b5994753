"""The party's own filings and tax bills: list, one filing, one CEB816. Translation only.

Another party's filing or tax bill is 404, exactly like one that does not exist. Reading a
filing whose document holds personal data (buyer name, ID number, phone …) is recorded in the
evidence log, as every such read is.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any, Literal

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from tradewindow.agencies.errors import NotFound
from tradewindow.agencies.status import CombinedStatus
from tradewindow.agencies.views import personal_data_in
from tradewindow.cbec.lifecycle.parcels import GateCheck
from tradewindow.cbec.receipts import ReceiptMessage, TaxBill, TaxBillMessage
from tradewindow.evidence.chain import RecordKind
from tradewindow.formats import cursors
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action, require
from tradewindow.web import answers
from tradewindow.web.inputs import PageSize
from tradewindow.web.openapi_docs import XML, document
from tradewindow.web.problems import ApiError, not_found
from tradewindow.web.window import Window

Kind = Literal[
    "order", "payment", "waybill", "inventory", "cancel", "refund", "waybill_status", "delivery"
]
Status = Literal[
    "accepted", "waiting", "returned", "review", "inspection", "agencies", "released", "deleted",
    "cancelled", "pending",
]  # fmt: skip
_TAX_BILL = msgspec.json.Decoder(TaxBill)
_SINCE = Parameter(default=None, description="filed at or after (RFC 3339)")
_UNTIL = Parameter(default=None, description="filed before (RFC 3339)")


class FilingSummary(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    kind: str
    key: str
    status: str
    message_guid: str
    filed_at: datetime
    updated_at: datetime


class FilingPage(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    items: list[FilingSummary]
    next_cursor: str | None  # pass as ?cursor= for the next page; None on the last


class FilingDetail(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    kind: str
    key: str
    status: str
    version: int
    invt_no: str | None
    filed_at: datetime
    updated_at: datetime
    document: dict[str, Any]
    receipts: list[ReceiptMessage]
    agencies: CombinedStatus | None  # inventory lists routed to agencies
    parcel: GateCheck | None = None  # an inventory list's parcel: arrived, signed, may leave


class FilingController(Controller):
    path = "/v1/cbec"
    tags = ["cbec"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get("/filings", sync_to_thread=True, summary="The party's own filings", responses=document({}))
    def filings(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        kind: Kind | None = None,
        status: Status | None = None,
        since: datetime | None = _SINCE,
        until: datetime | None = _UNTIL,
        cursor: str | None = None,
        limit: PageSize = 50,
    ) -> FilingPage:
        window: Window = request.app.state.window
        require(principal, Action.READ_OWN_FILINGS)
        size = min(limit, window.limits.page_size)
        rows = window.filings.page(
            principal.party_id,
            after=_after(cursor),
            size=size + 1,
            kind=kind,
            status=status,
            since=since,
            until=until,
        )
        more = len(rows) > size
        rows = rows[:size]
        return FilingPage(
            items=[
                FilingSummary(
                    kind=r.kind,
                    key=r.key,
                    status=r.status,
                    message_guid=r.message_guid,
                    filed_at=r.filed_at,
                    updated_at=r.updated_at,
                )
                for r in rows
            ],
            next_cursor=_cursor(rows[-1].id) if more else None,
        )

    @get(
        "/filings/{kind:str}/{key:str}",
        sync_to_thread=True,
        summary="One filing: document, status, receipts and the agencies' combined status",
        responses=document({}),
    )
    def filing(
        self, request: Request[Any, Any, Any], kind: str, key: str, principal: Principal
    ) -> FilingDetail:
        window: Window = request.app.state.window
        require(principal, Action.READ_OWN_FILINGS)
        found = window.filings.filing(principal.party_id, kind, key)
        if found is None:
            raise not_found("filing")
        body: dict[str, Any] = json.loads(found.body)
        personal = personal_data_in(window.policy, body)
        if personal:
            window.evidence.append(
                RecordKind.PERSONAL_DATA_READ,
                [key, *(f"field:{p}" for p in personal)],
                hashlib.sha256(found.body).hexdigest(),
                principal.party_id,
                at=window.clock(),
            )
        agencies = None
        parcel = None
        if kind == "inventory":
            try:
                agencies = window.desk.combined_status(key)
            except NotFound:
                agencies = None
            head = body.get("InventoryHead", {})
            parcel = window.app.clearance.parcel_gate(
                str(head.get("logisticsCode", "")), str(head.get("logisticsNo", ""))
            )
        return FilingDetail(
            kind=found.kind,
            key=found.key,
            status=found.status,
            version=found.version,
            invt_no=found.invt_no,
            filed_at=found.filed_at,
            updated_at=found.updated_at,
            document=body,
            receipts=answers.receipt_messages(f"{kind}/{key}", found.receipts),
            agencies=agencies,
            parcel=parcel,
        )

    @get(
        "/tax-bills/{invt_no:str}",
        sync_to_thread=True,
        summary="The CEB816 tax bill of a list (JSON, or CEB XML with Accept: application/xml)",
        responses=document({200: (TaxBillMessage, "the electronic tax bill")}, xml=True),
    )
    def tax_bill(
        self, request: Request[Any, Any, Any], invt_no: str, principal: Principal
    ) -> Response[bytes]:
        window: Window = request.app.state.window
        require(principal, Action.READ_TAX_BILLS)
        body = window.filings.tax_bill(principal.party_id, invt_no)
        if body is None:
            raise not_found("tax bill")
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"tradewindow:CEB816:{invt_no}")).upper()
        message = TaxBillMessage(guid=guid, taxes=[_TAX_BILL.decode(body)])
        best = request.accept.best_match(["application/json", XML, "text/xml"])
        if best in (XML, "text/xml"):
            return Response(content=answers.xml_bytes(message), media_type=XML)
        return Response(content=answers.json_message(message), media_type="application/json")


def _cursor(last_id: int) -> str:
    return cursors.write("f", last_id)


def _after(cursor: str | None) -> int:
    if not cursor:
        return 0
    after = cursors.read("f", cursor)
    if after is not None:
        return after
    raise ApiError(
        400, "http.cursor_invalid", "the cursor is not one this API gave", "分页游标无效"
    )
