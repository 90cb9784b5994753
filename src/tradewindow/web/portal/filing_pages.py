"""The enterprise portal's filing pages: file by form (checked as the user types), upload
CEB files, and a message's receipts. Translation only: the steps are :mod:`.filing`'s."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import unquote

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.cbec.prefill import Firm, from_order, inventory_prefill
from tradewindow.parties.identifiers import Scheme
from tradewindow.parties.roles import FILING_ACTIONS, Action, may, require
from tradewindow.reference.hs import search_hs
from tradewindow.web import answers
from tradewindow.web.pages.shell import language_of
from tradewindow.web.portal import pickers
from tradewindow.web.portal.filing import check_form, file_form, file_upload
from tradewindow.web.portal.filings_pages import receipt_view
from tradewindow.web.portal.forms import (
    DEFAULTS,
    KINDS,
    LINE_DEFAULTS,
    MAX_LINES,
    SPECS,
    FormSpec,
    input_name,
    line_count,
    new_guid,
)
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import (
    SignedIn,
    check_csrf,
    require_enterprise,
    require_signed_in,
)
from tradewindow.web.problems import not_found
from tradewindow.web.window import Window

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
RECENT = 10  # previous lists a clerk may copy from


class FilingPages(Controller):
    path = "/portal"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def home(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        if require_signed_in(request).session.account.officer:
            return Redirect(path="/workbench", status_code=303)  # an officer's home
        who = require_enterprise(request)
        context = {
            "kinds": fileable(who),
            "may_read": may(who.principal, Action.READ_OWN_FILINGS),
            "may_keys": may(who.principal, Action.MANAGE_KEYS),
        }
        return portal_page(request, "portal/home.html", context, who)

    @get("/file/{kind:str}", sync_to_thread=True)
    def form(
        self, request: Request[Any, Any, Any], kind: str, copy: str = "", order: str = ""
    ) -> Template:
        """A new filing: defaults, and for a list the firm's own codes, the trade lane of
        its last list (or of the list it copies, goods included) and today's dates; from one
        of the firm's orders, that order's parcel, buyer and goods."""
        who, spec = _filer(request, kind)
        values = {f"head.{k}": v for k, v in DEFAULTS[spec.kind].items()}
        values |= {f"line.1.{k}": v for k, v in LINE_DEFAULTS.get(spec.kind, {}).items()}
        recent: list[str] = []
        orders: list[str] = []
        if spec.kind == "inventory":
            window: Window = request.app.state.window
            recent = _recent(window, who, "inventory")
            orders = _recent(window, who, "order")
            chosen = copy if copy in recent else (recent[0] if recent else None)
            previous = _stored(window, who, "inventory", chosen) if chosen else None
            values |= inventory_prefill(_firm(who), previous, window.clock(), lines=bool(copy))
            ordered = _order(window, who, values.get("head.ebpCode", ""), order)
            if ordered is not None:
                values = {k: v for k, v in values.items() if not k.startswith("line.")}
                values |= from_order(ordered)
        return _form_page(
            request, who, spec, values, {}, [], recent=recent, copied=copy, orders=orders,
            ordered=order,
        )  # fmt: skip

    @post("/file/{kind:str}/check", sync_to_thread=True, status_code=200)
    def check(self, request: Request[Any, Any, Any], kind: str, data: Form) -> Template:
        """The live check (htmx): each filled-in input's violations beside it; how many
        inputs still need attention."""
        who, spec = _filer(request, kind)
        check_csrf(request, who, data)
        checked = check_form(request.app.state.window, who.principal, spec, data)
        errors, general = _placed(request, checked.violations, checked.read.filled)
        every, whole = _placed(request, checked.violations, None)
        names = _input_names(spec, checked.read.lines)
        summary = _summary(spec, every, whole)
        context = {"names": names, "errors": errors, "general": general,
                   "summary": summary, "total": len(summary)}  # fmt: skip
        return portal_page(request, "portal/_check.html", context, who)

    @post("/file/{kind:str}", sync_to_thread=True, status_code=303)
    def submit(self, request: Request[Any, Any, Any], kind: str, data: Form) -> Template | Redirect:
        who, spec = _filer(request, kind)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        checked = check_form(window, who.principal, spec, data)
        form_only = [v for v in checked.violations if v.code.startswith("portal.form.")]
        if not form_only:
            filed = file_form(window, who.principal, checked.read.message)
            if filed.answer is not None:
                return Redirect(path=f"/portal/messages/{filed.answer.guid}", status_code=303)
            assert filed.error is not None  # noqa: S101 - Filed holds one or the other
            status, violations = filed.error.status, filed.error.violations
        else:
            status, violations = 422, checked.violations
        fresh = {**data, "message_guid": new_guid(), "document_guid": new_guid()}
        errors, general = _placed(request, violations, None)
        return _form_page(request, who, spec, fresh, errors, general, status=status)

    @get("/file/{kind:str}/line", sync_to_thread=True)
    def line(self, request: Request[Any, Any, Any], kind: str, n: int) -> Template:
        who, spec = _filer(request, kind)
        if not spec.line or not 1 <= n <= MAX_LINES:
            raise not_found("line")
        values = {f"line.{n}.{k}": v for k, v in LINE_DEFAULTS.get(spec.kind, {}).items()}
        context = {"spec": spec, "n": n, "values": values, "errors": {}}
        return portal_page(request, "portal/_line.html", context, who)

    @get("/pick/hs", sync_to_thread=True)
    def pick_hs(self, request: Request[Any, Any, Any]) -> Template:
        """HS 2022 subheadings matching the typed code or words, as datalist options."""
        who = require_enterprise(request)
        typed = next((v for _, v in request.query_params.items() if v.strip()), "")
        found = [e for e in search_hs(typed.strip(), limit=15) if e.level == 6] if typed else []
        return portal_page(request, "portal/_hs_options.html", {"entries": found}, who)

    @get("/upload", sync_to_thread=True)
    def upload_page(self, request: Request[Any, Any, Any]) -> Template:
        who = require_enterprise(request)
        return portal_page(request, "portal/upload.html", {}, who)

    @post("/upload", sync_to_thread=True, status_code=200)
    def upload(self, request: Request[Any, Any, Any], body: bytes) -> Template:
        """One file (the page's script sends each file of a selection in turn)."""
        who = require_enterprise(request)
        check_csrf(request, who, {})
        window: Window = request.app.state.window
        name = unquote(request.headers.get("x-file-name", ""))
        filed = file_upload(
            window, who.principal, body, name, request.headers.get("content-type", "")
        )
        language = language_of(request)
        context: dict[str, Any] = {"name": name, "error": None, "answer": None}
        if filed.error is not None:
            error = filed.error
            context["error"] = {"status": error.status, "code": error.code,
                                "text": coded_text(language, error.en, error.zh),
                                "violations": error.violations}  # fmt: skip
        elif filed.answer is not None:
            context["answer"] = filed.answer
            messages = answers.receipt_messages(filed.answer.guid, filed.answer.receipts)
            context["receipts"] = [receipt_view(m) for m in messages]
        status = filed.error.status if filed.error else 201
        return portal_page(request, "portal/_upload_result.html", context, who, status_code=status)

    @get("/messages/{guid:str}", sync_to_thread=True)
    def message(self, request: Request[Any, Any, Any], guid: str) -> Template:
        """A message's receipts; another party's message is not found (as in the API)."""
        who = require_enterprise(request)
        require(who.principal, Action.READ_OWN_FILINGS)
        window: Window = request.app.state.window
        if not window.filings.sent_by(who.principal.party_id, guid):
            raise not_found("message")
        records = window.app.clearance.answer_for(guid)
        messages = answers.receipt_messages(guid, records)
        context = {"guid": guid, "receipts": [receipt_view(m) for m in messages]}
        return portal_page(request, "portal/message.html", context, who)


def fileable(who: SignedIn) -> list[str]:
    """The kinds of document the party may file (its roles, directly or as commissioned)."""
    return [k for k in KINDS if may(who.principal, FILING_ACTIONS[SPECS[k].message_type])]


def _filer(request: Request[Any, Any, Any], kind: str) -> tuple[SignedIn, FormSpec]:
    who = require_enterprise(request)
    if kind not in SPECS:
        raise not_found("form")
    spec = SPECS[kind]
    require(who.principal, FILING_ACTIONS[spec.message_type])
    return who, spec


def _firm(who: SignedIn) -> Firm:
    customs = who.party.identifier(Scheme.CUSTOMS)
    return Firm(
        customs_code=customs.value if customs else None,
        name=who.party.name_zh or who.party.name_en,
        roles=who.party.roles,
        city=who.party.city,
    )


def _recent(window: Window, who: SignedIn, kind: str) -> list[str]:
    """The keys of the firm's last filings of ``kind``, newest first (what it may copy or
    start a list from)."""
    rows = window.filings.page(who.principal.party_id, size=RECENT, kind=kind, newest_first=True)
    return [row.key for row in rows]


def _order(window: Window, who: SignedIn, platform: str, typed: str) -> dict[str, Any] | None:
    """The order a list starts from: ``typed`` is its key or its number on ``platform``
    (the lane's ebpCode). Only an order the firm filed or that names it as the e-commerce
    enterprise; any other reads as none (``Filings.order_for_list``)."""
    typed = typed.strip()
    if not typed:
        return None
    key = typed if "|" in typed else f"{platform}|{typed}"
    customs = who.party.identifier(Scheme.CUSTOMS)
    codes = [customs.value] if customs else []
    body = window.filings.order_for_list(who.principal.party_id, codes, key)
    if body is None:
        return None
    order: dict[str, Any] = json.loads(body)
    return order


def _stored(window: Window, who: SignedIn, kind: str, key: str) -> dict[str, Any] | None:
    found = window.filings.filing(who.principal.party_id, kind, key)
    if found is None:
        return None
    document: dict[str, Any] = json.loads(found.body)
    return document


def _form_page(
    request: Request[Any, Any, Any],
    who: SignedIn,
    spec: FormSpec,
    values: dict[str, str],
    errors: dict[str, list[dict[str, str]]],
    general: list[dict[str, str]],
    *,
    status: int = 200,
    recent: list[str] | None = None,
    copied: str = "",
    orders: list[str] | None = None,
    ordered: str = "",
) -> Template:
    values = {"message_guid": new_guid(), "document_guid": new_guid()} | values
    context = {
        "recent": recent or [],
        "copied": copied,
        "orders": orders or [],
        "ordered": ordered,
        "summary": _summary(spec, errors, general),
        "spec": spec,
        "values": values,
        "errors": errors,
        "general": general,
        "lines": line_count(values) if spec.line else 0,
        "max_lines": MAX_LINES,
        "lists": pickers.datalists(language_of(request)),
    }
    return portal_page(request, "portal/file.html", context, who, status_code=status)


def _placed(
    request: Request[Any, Any, Any], violations: list[Any], filled: frozenset[str] | None
) -> tuple[dict[str, list[dict[str, str]]], list[dict[str, str]]]:
    """Violations by the input they belong to (only filled-in inputs' when ``filled`` is
    given), and those of no input (the envelope, a whole document)."""
    language = language_of(request)
    by_input: dict[str, list[dict[str, str]]] = {}
    general = []
    for violation in violations:
        shown = {"code": violation.code, "path": violation.path,
                 "text": coded_text(language, violation.en, violation.zh)}  # fmt: skip
        name = input_name(violation.path)
        if name is None:
            general.append(shown)
        elif filled is None or name in filled:
            by_input.setdefault(name, []).append(shown)
    return by_input, general


def _summary(
    spec: FormSpec, errors: dict[str, list[dict[str, str]]], general: list[dict[str, str]]
) -> list[dict[str, str]]:
    """Every problem once, in the form's order: the field (its input's id to jump to, its
    name) and the message; problems of no single field last."""
    order = {name: n for n, name in enumerate(_input_names(spec, MAX_LINES))}
    listed = []
    for name in sorted(errors, key=lambda n: order.get(n, len(order))):
        element = name.rsplit(".", 1)[-1]
        line = name.split(".")[1] if name.startswith("line.") else ""
        for error in errors[name]:
            listed.append({"id": "f-" + name.replace(".", "-"), "element": element,
                           "line": line, **error})  # fmt: skip
    return listed + [{"id": "", "element": "", "line": "", **error} for error in general]


def _input_names(spec: FormSpec, lines: int) -> list[str]:
    names = [f"head.{f.name}" for f in spec.head]
    for n in range(1, lines + 1):
        names += [f"line.{n}.{f.name}" for f in spec.line]
    return names
