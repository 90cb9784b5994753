"""The portal's export pages (issue 13): a seller's or broker's export lists with their
statuses, the export list form checked as it is typed (CEB603), the summary declaration
previewed before it is filed (CEB701 → CEB702 and CEB792), and the overseas warehouses it
registers for 9810. Translation only: every step is the export core's (``export_form``,
``SummaryDesk``, ``ClearExport.register_warehouse``), with the API's rights.

=============================================  ==================================================
``GET  /portal/export``                        own export lists (``?status=``; ``?filed=GUID``
                                               shows what a filing was answered)
``GET  /portal/export/file``                   a new export list (the firm's codes, its lane)
``POST /portal/export/file/check``             the live check (htmx)
``POST /portal/export/file``                   file it
``GET  /portal/export/file/line?n=``           one more goods line (htmx)
``GET  /portal/export/summaries``              what the summary would declare, deadlines
``POST /portal/export/summaries``              file the summaries
``GET|POST /portal/export/warehouses``         overseas warehouses: the registered, register one
=============================================  ==================================================

(Over 400 lines: one short translating handler per page of the table above, sharing the form's
parsing and the refusal mapping; no rule lives here.)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.export.clearance import Unfit
from tradewindow.export.documents import ExportMessage
from tradewindow.export.flow import Status
from tradewindow.export.model import ExportAnswer, ExportList
from tradewindow.export.summary import deadline, policy_on
from tradewindow.export.summary_desk import SummaryDesk
from tradewindow.export.warehouses import Tenure, Warehouse
from tradewindow.filing.refusals import FilingRefused
from tradewindow.formats import ceb_export
from tradewindow.parties.identifiers import Scheme
from tradewindow.parties.roles import Action, may, require
from tradewindow.violations import Violation
from tradewindow.web import i18n
from tradewindow.web.pages.shell import language_of
from tradewindow.web.portal import pickers
from tradewindow.web.portal.export_form import EXPORT_SPEC, check_export, file_export, prefill
from tradewindow.web.portal.forms import MAX_LINES, input_name, line_count, new_guid
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import SignedIn, check_csrf, require_enterprise
from tradewindow.web.problems import ApiError, filing_error, not_found
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
SHOWN = 200  # own lists on one page, newest first
STATUSES = [s.value for s in Status]
WAREHOUSE_FIELDS = ("warehouseCode", "name", "country", "address", "areaM2", "tenure",
                    "evidence", "validFrom", "validUntil")  # fmt: skip


class ExportPages(Controller):
    path = "/portal/export"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def lists(self, request: AnyRequest, status: str = "", filed: str = "") -> Template:
        who = require_enterprise(request)
        require(who.principal, Action.READ_OWN_FILINGS)
        window: Window = request.app.state.window
        chosen = Status(status) if status in STATUSES else None
        with window.app.store.export.reading() as records:
            found = records.lists_of(who.party.id, _codes(who), limit=SHOWN, status=chosen)
            answer = records.answer(filed) if filed else None
        receipts = (
            _receipts(answer[1], who.party.id) if answer and answer[0] == who.party.id else []
        )
        context = {
            "lists": [_list_row(x) for x in found],
            "statuses": STATUSES,
            "status": chosen.value if chosen else "",
            "filed": filed if receipts else "",
            "receipts": receipts,
            "may_file": _may_file(who),
        }
        return portal_page(request, "portal/export/lists.html", context, who)

    @get("/file", sync_to_thread=True)
    def form(self, request: AnyRequest) -> Template:
        """A new list: the defaults, the firm as consignor and declarant, the lane of its
        last list and today's export date."""
        who = _filer(request)
        window: Window = request.app.state.window
        with window.app.store.export.reading() as records:
            last = next(iter(records.lists_of(who.party.id, _codes(who), limit=1)), None)
        values = prefill(who.party, last, window.clock())
        return _form_page(request, who, values, {}, [])

    @post("/file/check", sync_to_thread=True, status_code=200)
    def check(self, request: AnyRequest, data: Form) -> Template:
        """The live check (htmx): each filled-in input's violations beside it, and how many
        problems the list has in all."""
        who = _filer(request)
        check_csrf(request, who, data)
        checked = check_export(request.app.state.window, who.principal, data)
        errors, general = _placed(request, checked.violations, checked.read.filled)
        every, whole = _placed(request, checked.violations, None)
        summary = _summary(every, whole, language_of(request))
        context = {"names": _input_names(checked.read.lines), "errors": errors,
                   "general": general, "summary": summary, "total": len(summary)}  # fmt: skip
        return portal_page(request, "portal/_check.html", context, who)

    @post("/file", sync_to_thread=True, status_code=303)
    def submit(self, request: AnyRequest, data: Form) -> Template | Redirect:
        who = _filer(request)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        checked = check_export(window, who.principal, data)
        status, violations = 422, checked.violations
        if checked.message is not None and not any(
            v.code.startswith("portal.form.") for v in checked.violations
        ):
            try:
                answer = file_export(window, who.principal, checked)
            except FilingRefused as refused:
                status, violations = _refusal_status(refused), refused.violations
            except Unfit as unfit:
                status, violations = 422, unfit.violations
            else:
                return Redirect(path=f"/portal/export?filed={answer.message_guid}", status_code=303)
        fresh = {**data, "message_guid": new_guid(), "document_guid": new_guid()}
        errors, general = _placed(request, violations, None)
        return _form_page(request, who, fresh, errors, general, status=status)

    @get("/file/line", sync_to_thread=True)
    def line(self, request: AnyRequest, n: int) -> Template:
        who = _filer(request)
        if not 1 <= n <= MAX_LINES:
            raise not_found("line")
        values = {f"line.{n}.currency": "142"}
        context = {"spec": EXPORT_SPEC, "n": n, "values": values, "errors": {}}
        return portal_page(request, "portal/export/_line.html", context, who)

    @get("/summaries", sync_to_thread=True)
    def summaries(self, request: AnyRequest) -> Template:
        who = _filer(request)
        return _summary_page(request, who)

    @post("/summaries", sync_to_thread=True, status_code=200)
    def file_summaries(self, request: AnyRequest, data: Form) -> Template:
        """File one CEB701 per summary the preview showed; the answers (CEB702, CEB792)."""
        who = _filer(request)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        filing = window.app.export_filing

        def send(message: ExportMessage, at: Any) -> ExportAnswer:
            data = ceb_export.write_message(message)
            return filing.file(who.party.id, who.principal.credential_id, message, data, at)

        try:
            answers = SummaryDesk(window.app.store.export).file(who.party.id, window.clock(), send)
        except FilingRefused as refused:
            problems = _shown(request, refused.violations)
            return _summary_page(request, who, problems=problems, status=_refusal_status(refused))
        filed = [_receipts(answer, who.party.id) for answer in answers]
        return _summary_page(request, who, filed=filed)

    @get("/warehouses", sync_to_thread=True)
    def warehouses(self, request: AnyRequest) -> Template:
        who = require_enterprise(request)
        return _warehouse_page(request, who, {}, {})

    @post("/warehouses", sync_to_thread=True, status_code=303)
    def register(self, request: AnyRequest, data: Form) -> Template | Redirect:
        """Register (or renew) an overseas warehouse of the firm: every fault at once, beside
        its field."""
        who = require_enterprise(request)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        read, found = _warehouse(_customs_code(who), data)
        if read is not None:
            found = window.app.export.register_warehouse(read)
            if not found:
                target = f"/portal/export/warehouses?registered={quote(read.warehouse_code)}"
                return Redirect(path=target, status_code=303)
        errors: dict[str, list[dict[str, str]]] = {}
        for violation in found:
            shown = {"code": violation.code, "text": _text(request, violation)}
            errors.setdefault(violation.path, []).append(shown)
        return _warehouse_page(request, who, data, errors, status=422)


# --- pages --------------------------------------------------------------------------------


def _form_page(
    request: AnyRequest,
    who: SignedIn,
    values: dict[str, str],
    errors: dict[str, list[dict[str, str]]],
    general: list[dict[str, str]],
    *,
    status: int = 200,
) -> Template:
    window: Window = request.app.state.window
    values = {"message_guid": new_guid(), "document_guid": new_guid()} | values
    code = who.party.identifier(Scheme.CUSTOMS)
    with window.app.store.export.reading() as records:
        warehouses = records.warehouses_of(code.value) if code else []
    context = {
        "summary": _summary(errors, general, language_of(request)),
        "spec": EXPORT_SPEC,
        "values": values,
        "errors": errors,
        "general": general,
        "lines": line_count(values),
        "max_lines": MAX_LINES,
        "lists": pickers.datalists(language_of(request)),
        "warehouses": warehouses,
        "today": window.clock().date(),
    }
    return portal_page(request, "portal/export/file.html", context, who, status_code=status)


def _summary_page(
    request: AnyRequest,
    who: SignedIn,
    *,
    filed: list[list[dict[str, Any]]] | None = None,
    problems: list[dict[str, str]] | None = None,
    status: int = 200,
) -> Template:
    """What filing would declare now: each summary's lists and merged lines, each list's
    deadline, the overdue ones (the desk's preview; the deadline is the core's)."""
    window: Window = request.app.state.window
    desk = SummaryDesk(window.app.store.export)
    today = window.clock().date()
    waiting = desk.waiting(who.party.id)
    preview = desk.preview(who.party.id, today)
    overdue = {x.invt_no for x in preview.overdue}
    departed = {x.invt_no: x.departed_on for x in waiting if x.invt_no and x.departed_on}
    policy = policy_on(max(departed.values())) if departed else None
    summaries = []
    for item in preview.summaries:
        lists = [
            {"invt_no": n, "departed_on": departed[n], "overdue": n in overdue,
             "due": deadline(departed[n], policy, desk.calendar) if policy else None}
            for n in item.invt_nos
        ]  # fmt: skip
        due = min((x["due"] for x in lists if x["due"]), default=None)
        summaries.append({"summary": item, "lists": lists, "due": due})
    context = {
        "source": preview.source,
        "summaries": summaries,
        "overdue": preview.overdue,
        "simplified": [x for x in waiting if x.inventory.head.statistics_flag != "B"],
        "filed": filed,
        "problems": problems or [],
        "today": today,
    }
    return portal_page(request, "portal/export/summaries.html", context, who, status_code=status)


def _warehouse_page(
    request: AnyRequest,
    who: SignedIn,
    values: dict[str, str],
    errors: dict[str, list[dict[str, str]]],
    *,
    status: int = 200,
) -> Template:
    window: Window = request.app.state.window
    code = who.party.identifier(Scheme.CUSTOMS)
    with window.app.store.export.reading() as records:
        registered = records.warehouses_of(code.value) if code else []
    context = {
        "warehouses": registered,
        "values": values,
        "errors": errors,
        "fields": WAREHOUSE_FIELDS,
        "tenures": [t.value for t in Tenure],
        "registered": request.query_params.get("registered", ""),
        "may_register": code is not None,
        "today": window.clock().date(),
        "lists": pickers.datalists(language_of(request)),
    }
    return portal_page(request, "portal/export/warehouses.html", context, who, status_code=status)


# --- reading and writing -------------------------------------------------------------------


def _filer(request: AnyRequest) -> SignedIn:
    """A firm that may file export lists (the import list's filing action)."""
    who = require_enterprise(request)
    require(who.principal, Action.FILE_INVENTORY)
    return who


def _may_file(who: SignedIn) -> bool:
    return may(who.principal, Action.FILE_INVENTORY)


def _codes(who: SignedIn) -> list[str]:
    """The firm's customs codes: a list naming one as consignor is the firm's own."""
    return [i.value for i in who.party.identifiers if i.scheme is Scheme.CUSTOMS]


def _customs_code(who: SignedIn) -> str:
    code = who.party.identifier(Scheme.CUSTOMS)
    if code is None:
        raise ApiError(403, "auth.forbidden", "only an enterprise with a customs code registers"
                       " warehouses", "仅有海关编码的企业可备案海外仓")  # fmt: skip
    return code.value


def _warehouse(code: str, data: dict[str, str]) -> tuple[Warehouse | None, list[Violation]]:
    """The registration the form describes, or what the form alone got wrong (a number or a
    day that does not read as one, a tenure not offered)."""
    unread: list[Violation] = []
    area = _decimal(data.get("areaM2", ""))
    if area is None:
        unread.append(_unread("areaM2", "decimal", "a number of square metres, e.g. 1200",
                              "须为平方米数，如 1200"))  # fmt: skip
    days = {name: _day(data.get(name, "")) for name in ("validFrom", "validUntil")}
    for name, day in days.items():
        if day is None:
            unread.append(_unread(name, "day", "a day, YYYY-MM-DD", "须为日期（YYYY-MM-DD）"))
    tenure = data.get("tenure", "")
    if tenure not in {t.value for t in Tenure}:
        unread.append(_unread("tenure", "choice", "owned or leased", "请选择自有或租赁"))
    if unread or area is None or days["validFrom"] is None or days["validUntil"] is None:
        return None, unread
    return Warehouse(
        enterprise_code=code, warehouse_code=data.get("warehouseCode", "").strip(),
        name=data.get("name", "").strip(), country=data.get("country", "").strip(),
        address=data.get("address", "").strip(), area_m2=area, tenure=Tenure(tenure),
        evidence=data.get("evidence", "").strip(), valid_from=days["validFrom"],
        valid_until=days["validUntil"],
    ), []  # fmt: skip


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _unread(path: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=f"portal.form.{rule}", en=en, zh=zh)


def _refusal_status(refused: FilingRefused) -> int:
    """The HTTP status the API gives the same refusal."""
    return filing_error(refused).status


def _text(request: AnyRequest, violation: Violation) -> str:
    return coded_text(language_of(request), violation.en, violation.zh)


def _shown(request: AnyRequest, violations: list[Violation]) -> list[dict[str, str]]:
    return [{"code": v.code, "path": v.path, "text": _text(request, v)} for v in violations]


def _placed(
    request: AnyRequest, violations: list[Violation], filled: frozenset[str] | None
) -> tuple[dict[str, list[dict[str, str]]], list[dict[str, str]]]:
    """Violations by the input they belong to (only filled-in inputs' when ``filled`` is
    given), and those of no input."""
    by_input: dict[str, list[dict[str, str]]] = {}
    general = []
    for shown, violation in zip(_shown(request, violations), violations, strict=True):
        name = input_name(violation.path)
        if name is None:
            general.append(shown)
        elif filled is None or name in filled:
            by_input.setdefault(name, []).append(shown)
    return by_input, general


def _summary(
    errors: dict[str, list[dict[str, str]]],
    general: list[dict[str, str]],
    language: str = "en",
) -> list[dict[str, str]]:
    """Every problem once, in the form's order, each with the input to jump to and its label
    as the form shows it (an export list's own where it has one: export date, exit office)."""
    order = {name: n for n, name in enumerate(_input_names(MAX_LINES))}
    listed = []
    for name in sorted(errors, key=lambda n: order.get(n, len(order))):
        element = name.rsplit(".", 1)[-1]
        line = name.split(".")[1] if name.startswith("line.") else ""
        label = _label("line" if line else "head", element, language)
        for error in errors[name]:
            listed.append({"id": "f-" + name.replace(".", "-"), "element": element,
                           "line": line, "label": label, **error})  # fmt: skip
    return listed + [{"id": "", "element": "", "line": "", "label": "", **error}
                     for error in general]  # fmt: skip


def _label(part: str, element: str, language: str) -> str:
    key = f"export.field.{part}.{element}"
    found = i18n.message(language, key)
    return i18n.message(language, f"portal.field.{element}") if found == key else found


def _input_names(lines: int) -> list[str]:
    names = [f"head.{f.name}" for f in EXPORT_SPEC.head]
    for n in range(1, lines + 1):
        names += [f"line.{n}.{f.name}" for f in EXPORT_SPEC.line]
    return names


def _list_row(record: ExportList) -> dict[str, Any]:
    head = record.inventory.head
    currencies = {item.currency for item in record.inventory.items}
    value = sum((item.total_price for item in record.inventory.items), Decimal(0))
    return {
        "order_no": head.order_no,
        "invt_no": record.invt_no,
        "trade_mode": head.trade_mode,
        "country": head.country,
        "ebc": head.ebc_code,
        "lines": len(record.inventory.items),
        "value": value if len(currencies) == 1 else None,
        "currency": next(iter(currencies)) if len(currencies) == 1 else "",
        "status": record.status.value,
        "filed_at": record.filed_at,
        "departed_on": record.departed_on,
        "sum_no": record.sum_no,
        "codes": record.codes,
        "waiting_for": sorted(record.facts.agencies_pending),
    }


def _receipts(answer: ExportAnswer, party_id: str) -> list[dict[str, Any]]:
    """The receipts of an answer addressed to the party, as rows: type, and each return's
    numbers, status and text (a CEB792's head: the summary and its declaration)."""
    rows = []
    for addressed in answer.receipts:
        if addressed.party_id != party_id:
            continue
        kind = str(addressed.receipt.__struct_config__.tag)
        for item in msgspec.to_builtins(addressed.receipt)[_returns_of(addressed.receipt)]:
            shown = item.get("SummaryResultHead", item)
            rows.append({"type": kind, "item": shown})
    return rows


def _returns_of(receipt: msgspec.Struct) -> str:
    (field,) = [f for f in msgspec.structs.fields(receipt) if f.name == "returns"]
    return field.encode_name
