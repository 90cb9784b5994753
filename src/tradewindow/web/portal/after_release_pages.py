"""Cancel or return a list from its page in "my filings": translation only.

The list's filer fills in a reason (and for a return, the quantity of each line); the live
check (htmx) shows what would happen — the list's faults with their codes, or the value the
buyer's annual total gets back, the tax taken off the bill and, for a return an officer
reviews, whose officer decides — through :meth:`Clearance.preview`, nothing stored. Sending
it files a CEB623 or CEB625 through the one filing path (``web.portal.filing.file_form``),
as the API would, and shows the message's receipts.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.cbec.documents import CancelMessage, Inventory, RefundMessage
from tradewindow.cbec.lifecycle.applications import (
    cancel_messages,
    cancel_of,
    refund_messages,
    return_of,
)
from tradewindow.formats import ceb_json
from tradewindow.parties.roles import Action, require
from tradewindow.violations import Violation
from tradewindow.web.pages.shell import language_of
from tradewindow.web.portal.filing import file_form
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import SignedIn, check_csrf, require_enterprise
from tradewindow.web.problems import not_found
from tradewindow.web.window import Window

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
_INVENTORY = msgspec.json.Decoder(Inventory)
_BASE = "/lists/{key:str}"  # not under /filings/{kind}/{key}: a static segment would shadow it


class AfterReleasePages(Controller):
    path = "/portal"
    include_in_schema = False

    @post(f"{_BASE}/cancel/check", sync_to_thread=True, status_code=200)
    def check_cancel(self, request: Request[Any, Any, Any], key: str, data: Form) -> Template:
        who, window, message = _application(request, key, data, "cancel")
        return _preview(request, who, window, message)

    @post(f"{_BASE}/return/check", sync_to_thread=True, status_code=200)
    def check_return(self, request: Request[Any, Any, Any], key: str, data: Form) -> Template:
        who, window, message = _application(request, key, data, "return")
        return _preview(request, who, window, message)

    @post(f"{_BASE}/cancel", sync_to_thread=True, status_code=303)
    def cancel(self, request: Request[Any, Any, Any], key: str, data: Form) -> Template | Redirect:
        who, window, message = _application(request, key, data, "cancel")
        return _file(request, who, window, message)

    @post(f"{_BASE}/return", sync_to_thread=True, status_code=303)
    def return_lines(
        self, request: Request[Any, Any, Any], key: str, data: Form
    ) -> Template | Redirect:
        who, window, message = _application(request, key, data, "return")
        return _file(request, who, window, message)


def _application(
    request: Request[Any, Any, Any], key: str, data: dict[str, str], what: str
) -> tuple[SignedIn, Window, CancelMessage | RefundMessage | list[Violation]]:
    """The signed-in filer, and its cancellation or return of the list ``key`` built from
    the form (or the form's own faults); another party's list is not found."""
    who = require_enterprise(request)
    check_csrf(request, who, data)
    require(who.principal, Action.FILE_CANCELLATION if what == "cancel" else Action.FILE_RETURN)
    window: Window = request.app.state.window
    found = window.filings.filing(who.principal.party_id, "inventory", key)
    if found is None or not found.invt_no:
        raise not_found("filing")
    inventory = _INVENTORY.decode(found.body)
    now = window.clock()
    reason = data.get("reason", "")
    codes = {i.value.upper() for i in window.registry.party(who.principal.party_id).identifiers}
    if what == "cancel":
        message: CancelMessage | RefundMessage = cancel_messages(
            [cancel_of(inventory, found.invt_no, now, reason)]
        )[0]
    else:
        lines, faults = _quantities(inventory, data)
        if faults:
            return who, window, faults
        message = refund_messages([return_of(inventory, found.invt_no, now, lines, reason)])[0]
    # the sender is the filer itself: its own code among the list's agent and enterprise
    head = inventory.head
    own = next((c for c in (head.agent_code, head.ebc_code) if c.upper() in codes), None)
    if own is not None:
        message = msgspec.structs.replace(
            message, base_transfer=msgspec.structs.replace(message.base_transfer, cop_code=own)
        )
    return who, window, message


def _quantities(
    inventory: Inventory, data: dict[str, str]
) -> tuple[dict[int, Decimal], list[Violation]]:
    lines: dict[int, Decimal] = {}
    faults: list[Violation] = []
    for item in inventory.items:
        text = data.get(f"qty.{item.gnum}", "").strip()
        if not text:
            continue
        try:
            qty = Decimal(text)
        except InvalidOperation:
            qty = Decimal("NaN")
        if not qty.is_finite() or qty < 0:
            faults.append(
                Violation(
                    path=f"qty.{item.gnum}",
                    code="portal.form.not_a_quantity",
                    en=f"line {item.gnum}: {text[:20]!r} is not a quantity",
                    zh=f"第{item.gnum}项：{text[:20]!r}不是数量",
                )
            )
        elif qty > 0:
            lines[item.gnum] = qty
    if not lines and not faults:
        faults.append(
            Violation(
                path="qty",
                code="portal.form.no_lines",
                en="give the quantity of at least one line to return",
                zh="请至少填写一项退货数量",
            )
        )
    return lines, faults


def _shown(request: Request[Any, Any, Any], violations: list[Violation]) -> list[dict[str, str]]:
    language = language_of(request)
    return [
        {"code": v.code, "path": v.path, "text": coded_text(language, v.en, v.zh)}
        for v in violations
    ]


def _preview(
    request: Request[Any, Any, Any],
    who: SignedIn,
    window: Window,
    message: CancelMessage | RefundMessage | list[Violation],
) -> Template:
    if isinstance(message, list):
        context: dict[str, Any] = {"violations": _shown(request, message), "preview": None}
    else:
        (preview,) = window.app.clearance.preview(message)
        context = {"violations": _shown(request, preview.violations), "preview": preview}
    return portal_page(request, "portal/_after_release_check.html", context, who)


def _file(
    request: Request[Any, Any, Any],
    who: SignedIn,
    window: Window,
    message: CancelMessage | RefundMessage | list[Violation],
) -> Template | Redirect:
    if isinstance(message, list):
        context: dict[str, Any] = {"violations": _shown(request, message), "preview": None}
        return portal_page(
            request, "portal/_after_release_check.html", context, who, status_code=422
        )
    filed = file_form(window, who.principal, ceb_json.write_message(message))
    if filed.answer is not None:
        return Redirect(path=f"/portal/messages/{filed.answer.guid}", status_code=303)
    assert filed.error is not None  # noqa: S101 - Filed holds one or the other
    context = {"violations": _shown(request, filed.error.violations), "preview": None}
    return portal_page(
        request,
        "portal/_after_release_check.html",
        context,
        who,
        status_code=filed.error.status,
    )
