"""My filings: the party's filings with filters, one filing (document, receipts, agencies'
combined status, tax bill, timeline) and downloads of receipts and tax bills.

Each page reads through the same calls as the API's ``/v1/cbec/filings`` routes, with the
same role check first, so a page shows a filing exactly when the API would return it (another
party's filing is not found) and records the same personal-data reads.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.response import Template

from tradewindow.agencies.errors import NotFound
from tradewindow.agencies.status import CombinedStatus
from tradewindow.agencies.views import personal_data_in
from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.cbec.lifecycle.cancellation import CANCELLABLE
from tradewindow.cbec.lifecycle.parcels import GateCheck
from tradewindow.cbec.ports import DocStatus
from tradewindow.cbec.receipts import ReceiptMessage, TaxBill, TaxBillMessage
from tradewindow.evidence.chain import RecordKind
from tradewindow.parties.roles import Action, may, require
from tradewindow.web import answers
from tradewindow.web.inputs import RowAfter
from tradewindow.web.portal.forms import KINDS
from tradewindow.web.portal.pages import portal_page
from tradewindow.web.portal.session import SignedIn, require_enterprise
from tradewindow.web.problems import not_found
from tradewindow.web.window import Window

STATUSES = tuple(status.value for status in DocStatus)
PAGE_SIZE = 50
XML = "application/xml"
_TAX_BILL = msgspec.json.Decoder(TaxBill)


class FilingsPages(Controller):
    path = "/portal"
    include_in_schema = False

    @get("/filings", sync_to_thread=True)
    def filings(
        self,
        request: Request[Any, Any, Any],
        kind: str | None = None,
        status: str | None = None,
        after: RowAfter = 0,
    ) -> Template:
        who = require_enterprise(request)
        require(who.principal, Action.READ_OWN_FILINGS)
        window: Window = request.app.state.window
        kind = kind if kind in KINDS else None
        status = status if status in STATUSES else None
        size = min(PAGE_SIZE, window.limits.page_size)
        rows = window.filings.page(
            who.principal.party_id, after=max(after, 0), size=size + 1, kind=kind,
            status=status, newest_first=True,
        )  # fmt: skip
        more = len(rows) > size
        rows = rows[:size]
        listed = [{"row": row, "agencies": _agencies(window, row.kind, row.key)} for row in rows]
        context = {
            "rows": listed,
            "kind": kind,
            "status": status,
            "kinds": KINDS,
            "statuses": STATUSES,
            "next_after": rows[-1].id if more else None,
        }
        return portal_page(request, "portal/filings.html", context, who)

    @get("/filings/{kind:str}/{key:str}", sync_to_thread=True)
    def filing(self, request: Request[Any, Any, Any], kind: str, key: str) -> Template:
        who = require_enterprise(request)
        require(who.principal, Action.READ_OWN_FILINGS)
        window: Window = request.app.state.window
        found = window.filings.filing(who.principal.party_id, kind, key)
        if found is None:
            raise not_found("filing")
        document: dict[str, Any] = json.loads(found.body)
        _record_personal_read(window, who, key, found.body, document)
        receipts = answers.receipt_messages(f"{kind}/{key}", found.receipts)
        agencies = _agencies(window, kind, key)
        tax = None
        if found.invt_no and may(who.principal, Action.READ_TAX_BILLS):
            body = window.filings.tax_bill(who.principal.party_id, found.invt_no)
            tax = _TAX_BILL.decode(body) if body else None
        views = [receipt_view(m) for m in receipts]
        context = {
            "filing": found,
            "document": _flat(document),
            "receipts": views,
            "receipt_rows": receipt_rows(views),
            "agencies": agencies,
            "tax": tax.head if tax else None,
            "tax_lines": tax.items if tax else [],
            "timeline": _timeline(receipts, agencies),
            "after": _after_release(found.kind, found.status, document),
            "parcel": _parcel(window, found.kind, document),
        }
        return portal_page(request, "portal/filing.html", context, who)

    @get("/filings/{kind:str}/{key:str}/receipts/{guid:str}", sync_to_thread=True)
    def receipt(
        self, request: Request[Any, Any, Any], kind: str, key: str, guid: str
    ) -> Response[bytes]:
        """One receipt message of the filing as CEB XML (a download)."""
        who = require_enterprise(request)
        require(who.principal, Action.READ_OWN_FILINGS)
        window: Window = request.app.state.window
        found = window.filings.filing(who.principal.party_id, kind, key)
        if found is None:
            raise not_found("filing")
        for message in answers.receipt_messages(f"{kind}/{key}", found.receipts):
            if message.guid == guid:
                return _download(answers.xml_bytes(message), f"{message_type(message)}-{guid}.xml")
        raise not_found("receipt message")

    @get("/tax-bills/{invt_no:str}", sync_to_thread=True)
    def tax_bill(self, request: Request[Any, Any, Any], invt_no: str) -> Response[bytes]:
        """The CEB816 of a list as CEB XML (a download), as ``/v1/cbec/tax-bills`` gives it."""
        who = require_enterprise(request)
        require(who.principal, Action.READ_TAX_BILLS)
        window: Window = request.app.state.window
        body = window.filings.tax_bill(who.principal.party_id, invt_no)
        if body is None:
            raise not_found("tax bill")
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"tradewindow:CEB816:{invt_no}")).upper()
        message = TaxBillMessage(guid=guid, taxes=[_TAX_BILL.decode(body)])
        return _download(answers.xml_bytes(message), f"CEB816-{invt_no}.xml")


def receipt_view(message: ReceiptMessage) -> dict[str, Any]:
    """A receipt message as rows a page prints: type, guid, and each return's status, time
    and text."""
    plain: dict[str, Any] = msgspec.to_builtins(message)
    returns: list[dict[str, Any]] = []
    for value in plain.values():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):  # a tax bill's return is its head
                returns.append(item.get("TaxHeadRd", item))
    return {"type": message_type(message), "guid": message.guid, "returns": returns}


def receipt_rows(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every return of a filing's receipts, newest first; the newest of each receipt type
    is ``current`` (where the filing stands), the others are earlier steps — a CEB622 399
    "waiting for …" is history once a later CEB622 has concluded the list."""
    rows = [
        {"type": view["type"], "guid": view["guid"], "item": item}
        for view in views
        for item in view["returns"]
    ]
    rows.reverse()  # receipts are stored in the order they were made
    seen: set[str] = set()
    for row in rows:
        row["current"] = row["type"] not in seen
        seen.add(row["type"])
    return rows


def message_type(message: ReceiptMessage) -> str:
    return type(message).__struct_config__.tag  # type: ignore[return-value]


def _parcel(window: Window, kind: str, document: dict[str, Any]) -> GateCheck | None:
    """Where an inventory list's parcel is: arrived at the site, signed for, may it leave."""
    if kind != "inventory":
        return None
    head = document.get("InventoryHead", {})
    return window.app.clearance.parcel_gate(
        str(head.get("logisticsCode", "")), str(head.get("logisticsNo", ""))
    )


def _after_release(kind: str, status: str, document: dict[str, Any]) -> dict[str, Any] | None:
    """What the list's page offers after its declaration: cancel it while its goods are in
    the supervised site, return lines once released (the rules decide; the page only offers)."""
    if kind != "inventory":
        return None
    lines = [
        {"gnum": line.get("gnum"), "gname": line.get("gname"), "qty": line.get("qty"),
         "unit": line.get("unit")}
        for line in document.get("InventoryList", [])
        if isinstance(line, dict)
    ]  # fmt: skip
    return {
        "cancel": status in {s.value for s in CANCELLABLE},
        "return": status == DocStatus.RELEASED.value,
        "lines": lines,
    }


def _agencies(window: Window, kind: str, key: str) -> CombinedStatus | None:
    if kind != "inventory":
        return None
    try:
        return window.desk.combined_status(key)
    except NotFound:
        return None


def _record_personal_read(
    window: Window, who: SignedIn, key: str, body: bytes, document: dict[str, Any]
) -> None:
    """As the API's filing route: a read of personal data goes to the evidence log."""
    personal = personal_data_in(window.policy, document)
    if personal:
        window.evidence.append(
            RecordKind.PERSONAL_DATA_READ,
            [key, *(f"field:{p}" for p in personal)],
            hashlib.sha256(body).hexdigest(),
            who.principal.party_id,
            at=window.clock(),
        )


def _flat(document: dict[str, Any]) -> list[tuple[str, list[tuple[str, Any]]]]:
    """The stored document as sections of (element, value): the head, then each line."""
    sections: list[tuple[str, list[tuple[str, Any]]]] = []
    for name, value in document.items():
        if isinstance(value, dict):
            sections.append((name, [(k, v) for k, v in value.items() if v is not None]))
        elif isinstance(value, list):
            for n, item in enumerate(value, 1):
                if isinstance(item, dict):
                    sections.append((f"{name}[{n}]", list(item.items())))
    return sections


def _timeline(
    receipts: list[ReceiptMessage], agencies: CombinedStatus | None
) -> list[dict[str, Any]]:
    """What happened to the filing, in order: each receipt and each agency's decision."""
    events = []
    for message in receipts:
        for item in receipt_view(message)["returns"]:
            when = str(item.get("returnTime") or "")
            events.append({"sort": when[:14], "when": _receipt_time(when), "at": when,
                           "what": f"{message_type(message)} {item.get('returnStatus', '')}",
                           "info": item.get("returnInfo", "")})  # fmt: skip
    for outcome in agencies.agencies if agencies else []:
        if outcome.decided_at is not None:
            local = outcome.decided_at.astimezone(CHINA_TZ)
            events.append({"sort": local.strftime("%Y%m%d%H%M%S"), "at": outcome.decided_at,
                           "when": local.strftime("%Y-%m-%d %H:%M:%S"),
                           "agency": outcome.agency, "decision": str(outcome.decision),
                           "info": outcome.reason or ""})  # fmt: skip
    return sorted(events, key=lambda e: e["sort"], reverse=True)  # newest first


def _receipt_time(text: str) -> str:
    try:
        at = datetime.strptime(text[:14], "%Y%m%d%H%M%S")  # noqa: DTZ007 - China time, shown so
    except ValueError:
        return text
    return at.strftime("%Y-%m-%d %H:%M:%S")


def _download(content: bytes, filename: str) -> Response[bytes]:
    return Response(
        content=content,
        media_type=XML,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
