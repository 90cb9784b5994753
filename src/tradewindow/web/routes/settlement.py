"""Tax settlement and bonded stock over HTTP: translation only (``cbec.settlement``,
``cbec.bonded`` hold the rules, ``cbec.clearance.Clearance`` the calls).

- ``GET /v1/cbec/tax/statement?agent=&month=`` — the withholding agent's bills released that
  month (JSON, or CSV with ``Accept: text/csv``); ``GET /v1/cbec/tax/guarantee?agent=``;
  ``POST /v1/cbec/tax/payments`` — a payment of one bill, idempotent by its ``paymentId``.
  The agent code must be one of the caller's own registration codes (else 404, as for a
  code nobody holds); the caller needs the right to read its tax bills.
- ``POST /v1/cbec/bonded/entries`` — goods brought into bonded account books (all or none);
  ``GET /v1/cbec/bonded/stock?emsNo=`` — each item's account. Entries are the supervised
  site's operator's (who files CEB711).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post

from tradewindow.cbec.bonded import StockEntry, StockRow
from tradewindow.cbec.ports import Guarantee
from tradewindow.cbec.settlement import Payment, StatementRow, statement_csv
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import Action, require
from tradewindow.violations import Violation
from tradewindow.web.openapi_docs import document
from tradewindow.web.problems import ApiError, not_found
from tradewindow.web.window import Window


class PaymentRequest(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    agent: str  # the withholding agent's code (the bills' assureCode)
    payment_id: str  # the payer's own id: the same id again is the same payment
    tax_no: str
    amount: Decimal
    paid_at: datetime | None = None  # timezone-aware; now when absent


class PaymentAnswer(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    payment_id: str
    tax_no: str
    amount: Decimal
    released_lists: int  # lists held for the guarantee released by this payment


class Statement(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    agent: str
    month: str
    rows: list[StatementRow]


class EntryRequest(msgspec.Struct, frozen=True, kw_only=True):
    entries: list[StockEntry]


class StockReport(msgspec.Struct, frozen=True, kw_only=True):
    items: list[StockRow]


class SettlementController(Controller):
    path = "/v1/cbec"
    tags = ["cbec"]  # noqa: RUF012 - Litestar reads it as a plain attribute

    @get(
        "/tax/statement",
        sync_to_thread=True,
        summary="A withholding agent's tax bills released in a month (JSON, or CSV)",
        responses=document({}),
    )
    def statement(
        self, request: Request[Any, Any, Any], principal: Principal, agent: str, month: str
    ) -> Response[Any]:
        window = _own_agent(request, principal, agent)
        rows = window.app.clearance.tax_statement(agent, month)
        if "text/csv" in request.headers.get("accept", ""):
            return Response(statement_csv(rows).encode(), media_type="text/csv; charset=utf-8")
        return Response(Statement(agent=agent, month=month, rows=rows))

    @get(
        "/tax/guarantee",
        sync_to_thread=True,
        summary="A withholding agent's tax guarantee: amount and what its unpaid bills use",
        responses=document({}),
    )
    def guarantee(
        self, request: Request[Any, Any, Any], principal: Principal, agent: str
    ) -> Guarantee:
        window = _own_agent(request, principal, agent)
        kept = window.app.clearance.guarantee(agent)
        if kept is None:
            raise not_found("guarantee")
        return kept

    @post(
        "/tax/payments",
        sync_to_thread=True,
        status_code=201,
        summary="Record a payment of one tax bill (idempotent by paymentId)",
        responses=document({201: (PaymentAnswer, "the payment as recorded")}),
    )
    def pay(
        self, request: Request[Any, Any, Any], principal: Principal, data: PaymentRequest
    ) -> PaymentAnswer:
        window = _own_agent(request, principal, data.agent)
        payment = Payment(
            payment_id=data.payment_id,
            tax_no=data.tax_no,
            amount=data.amount,
            paid_at=data.paid_at or window.clock(),
        )
        refused, receipts = window.app.clearance.record_payment(data.agent, payment)
        if refused:
            raise _refused(refused)
        return PaymentAnswer(
            payment_id=data.payment_id,
            tax_no=data.tax_no,
            amount=data.amount,
            released_lists=sum(1 for r in receipts if r.status == "800"),
        )

    @post(
        "/bonded/entries",
        sync_to_thread=True,
        status_code=201,
        summary="Record goods brought into bonded account books (all or none)",
        responses=document({201: (StockReport, "the account of every item entered")}),
    )
    def enter(
        self, request: Request[Any, Any, Any], principal: Principal, data: EntryRequest
    ) -> StockReport:
        window: Window = request.app.state.window
        require(principal, Action.FILE_DELIVERY)
        refused = window.app.clearance.enter_stock(data.entries, actor=principal.party_id)
        if refused:
            raise _refused(refused)
        books = {e.ems_no for e in data.entries}
        rows = [r for ems in sorted(books) for r in window.app.clearance.stock_report(ems)]
        return StockReport(items=rows)

    @get(
        "/bonded/stock",
        sync_to_thread=True,
        summary="Each item's account in bonded account books",
        responses=document({}),
    )
    def stock(
        self, request: Request[Any, Any, Any], principal: Principal, ems_no: str | None = None
    ) -> StockReport:
        window: Window = request.app.state.window
        require(principal, Action.FILE_DELIVERY)
        return StockReport(items=window.app.clearance.stock_report(ems_no))


def _own_agent(request: Request[Any, Any, Any], principal: Principal, agent: str) -> Window:
    window: Window = request.app.state.window
    require(principal, Action.READ_TAX_BILLS)
    codes = {i.value.upper() for i in window.registry.party(principal.party_id).identifiers}
    if agent.upper() not in codes:
        raise not_found("withholding agent")
    return window


def _refused(violations: list[Violation]) -> ApiError:
    first = violations[0]
    return ApiError(422, first.code, first.en, first.zh, violations=violations)
