"""Service trade's pages: the public registry and register (``/services``), the applicant's
own applications in the portal (``/portal/services``) and the competent department's
officers' applications in the workbench (``/workbench/services``). Translation only: every
read and change is a call of ``services`` use cases, with the same access as the API (another
applicant's or department's application is not found; reads of identity data are logged).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from tradewindow.reference.gba import gba_cities
from tradewindow.services.departments import departments
from tradewindow.services.documents import Upload
from tradewindow.services.errors import Conflict
from tradewindow.services.ports import RegistryQuery
from tradewindow.services.recognition import (
    REMINDER_DAYS,
    ApplicationForm,
    Employer,
    HomeLicence,
)
from tradewindow.services.recognition_service import Officer
from tradewindow.services.registry import Field, ItemStatus
from tradewindow.services.trade import ServiceTrade
from tradewindow.violations import Rejected, Violation
from tradewindow.web.pages.shell import language_of, page
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import (
    SignedIn,
    check_csrf,
    require_enterprise,
    require_officer,
)
from tradewindow.web.problems import ApiError
from tradewindow.web.routes.services_public import (
    professional_statistics_of,
    registry_statistics_of,
)
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
PAGE = 50
DOCUMENT_FIELDS = ("identity", "licence", "employment")


def _trade(request: AnyRequest) -> ServiceTrade:
    window: Window = request.app.state.window
    return window.app.service_trade


def _today(request: AnyRequest) -> date:
    window: Window = request.app.state.window
    return window.clock().date()


def _mainland_cities() -> list[Any]:
    return [city for city in gba_cities() if city.mainland]


class ServicesPublicPages(Controller):
    path = "/services"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def registry(
        self,
        request: AnyRequest,
        q: str = "",
        field: str = "",
        city: str = "",
        status: str = "",
        department: str = "",
        page_number: Annotated[int, Parameter(query="page", ge=1, le=10_000)] = 1,
    ) -> Template:
        known_status = ItemStatus(status) if status in ItemStatus.__members__.values() else None
        query = RegistryQuery(
            field=field or None,
            city=city or None,
            status=known_status,
            department=department or None,
            text=q[:100] or None,
            limit=PAGE,
            offset=PAGE * (max(page_number, 1) - 1),
        )
        found, total = _trade(request).registry.search(query)
        counts: dict[str, int] = {}
        for _field, item_status, n in _trade(request).registry.counts():
            counts[item_status] = counts.get(item_status, 0) + n
        context = {
            "items": found,
            "total": total,
            "counts": counts,
            "query": {
                "q": q,
                "field": field,
                "city": city,
                "status": status,
                "department": department,
            },
            "departments": list(departments().values()),
            "fields": list(Field),
            "statuses": list(ItemStatus),
            "cities": _mainland_cities(),
        }
        return page(request, "services/registry.html", context)

    @get("/rules/{list_code:str}/{number:str}", sync_to_thread=True)
    def item(self, request: AnyRequest, list_code: str, number: str) -> Template:
        registry = _trade(request).registry
        item_id = f"{list_code}/{number}"
        context = {
            "item": registry.item(item_id),
            "revisions": registry.published_revisions(item_id),
            "departments": departments(),
        }
        return page(request, "services/item.html", context)

    @get("/register", sync_to_thread=True)
    def register(self, request: AnyRequest, q: str = "") -> Template:
        trade = _trade(request)
        professions = {p.code: p for p in trade.recognitions.professions()}
        context = {
            "entries": trade.recognitions.register(q[:100] or None, limit=200),
            "professions": professions,
            "q": q,
        }
        return page(request, "services/register.html", context)

    @get("/statistics", sync_to_thread=True)
    def statistics(self, request: AnyRequest) -> Template:
        trade = _trade(request)
        context = {
            "stats": professional_statistics_of(trade),
            "rules": registry_statistics_of(trade),
            "fields": list(Field),
            "statuses": list(ItemStatus),
            "professions": {p.code: p for p in trade.recognitions.professions()},
            "cities": {c.key: c for c in gba_cities()},
        }
        return page(request, "services/statistics.html", context)


class ApplicantPages(Controller):
    path = "/portal/services"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def mine(self, request: AnyRequest) -> Template:
        who = require_enterprise(request)
        trade = _trade(request)
        context = {
            "applications": trade.recognitions.mine(who.party.id),
            "professions": {p.code: p for p in trade.recognitions.professions()},
        }
        return portal_page(request, "services/mine.html", context, who)

    @get("/apply", sync_to_thread=True)
    def apply_form(self, request: AnyRequest) -> Template:
        who = require_enterprise(request)
        return _apply_page(request, who, {}, [])

    @post("/apply", sync_to_thread=True, status_code=303)
    def apply(self, request: AnyRequest, data: Multipart) -> Template | Redirect:
        who = require_enterprise(request)
        fields = {k: v for k, v in data.items() if isinstance(v, str)}
        check_csrf(request, who, fields)
        try:
            valid_until = date.fromisoformat(fields.get("licence_valid_until", ""))
        except ValueError:
            return _apply_page(request, who, fields, [_bad_date()], status=422)
        form = ApplicationForm(
            profession=fields.get("profession", ""),
            identity_kind=fields.get("identity_kind", ""),
            identity_number=fields.get("identity_number", ""),
            name_en=fields.get("name_en", ""),
            name_zh=fields.get("name_zh", ""),
            licence=HomeLicence(
                authority=fields.get("licence_authority", ""),
                number=fields.get("licence_number", ""),
                valid_until=valid_until,
            ),
            employer=Employer(
                uscc=fields.get("employer_uscc", ""), name=fields.get("employer_name", "")
            ),
            city=fields.get("city", ""),
        )
        uploads = []
        for kind in DOCUMENT_FIELDS:
            upload = data.get(kind)
            if isinstance(upload, UploadFile) and upload.filename:
                uploads.append(
                    Upload(
                        kind=kind,
                        filename=upload.filename,
                        media_type=upload.content_type,
                        content=upload.file.read(),
                    )
                )
        try:
            kept = _trade(request).recognitions.apply(who.party.id, form, uploads)
        except Rejected as refused:
            return _apply_page(request, who, fields, refused.violations, status=422)
        return Redirect(path=f"/portal/services/{kept.id}", status_code=303)

    @get("/{application_id:str}", sync_to_thread=True)
    def application(self, request: AnyRequest, application_id: str) -> Template:
        who = require_enterprise(request)
        return _applicant_page(request, who, application_id)

    @post("/{application_id:str}/withdraw", sync_to_thread=True, status_code=303)
    def withdraw(self, request: AnyRequest, application_id: str, data: Form) -> Template | Redirect:
        who = require_enterprise(request)
        check_csrf(request, who, data)
        try:
            _trade(request).recognitions.withdraw(who.party.id, application_id)
        except Conflict as refused:
            return _applicant_page(request, who, application_id, [refused.violation], status=409)
        return Redirect(path=f"/portal/services/{application_id}", status_code=303)

    @post("/{application_id:str}/renew", sync_to_thread=True, status_code=303)
    def renew(self, request: AnyRequest, application_id: str, data: Form) -> Template | Redirect:
        who = require_enterprise(request)
        check_csrf(request, who, data)
        try:
            valid_until: date | None = date.fromisoformat(data.get("valid_until", ""))
        except ValueError:
            valid_until = None
        try:
            _trade(request).recognitions.renew(
                who.party.id, application_id, data.get("number", ""), valid_until
            )
        except Rejected as refused:
            return _applicant_page(request, who, application_id, refused.violations, status=422)
        except Conflict as refused:
            return _applicant_page(request, who, application_id, [refused.violation], status=409)
        return Redirect(path=f"/portal/services/{application_id}", status_code=303)


def _applicant_page(
    request: AnyRequest,
    who: SignedIn,
    application_id: str,
    problems: list[Violation] | None = None,
    *,
    status: int = 200,
) -> Template:
    view, events = _trade(request).recognitions.own(who.party.id, application_id)
    until = view.recognised_until
    context = {
        "app": view,
        "events": events,
        "officer": False,
        "problems": shown(request, problems or []),
        "renewal_due": until is not None and (until - _today(request)).days <= REMINDER_DAYS,
    }
    return portal_page(request, "services/application.html", context, who, status_code=status)


class OfficerPages(Controller):
    path = "/workbench/services"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def applications(self, request: AnyRequest) -> Template:
        who = require_officer(request)
        officer = officer_of_session(who)
        found = _trade(request).recognitions.worklist(officer, limit=200)
        context = {"applications": found, "department": departments()[officer.department]}
        return portal_page(request, "services/officer_list.html", context, who)

    @get("/{application_id:str}", sync_to_thread=True)
    def application(self, request: AnyRequest, application_id: str) -> Template:
        who = require_officer(request)
        return _officer_page(request, who, application_id)

    @post("/{application_id:str}/decision", sync_to_thread=True, status_code=303)
    def decide(self, request: AnyRequest, application_id: str, data: Form) -> Template | Redirect:
        who = require_officer(request)
        check_csrf(request, who, data)
        recognitions = _trade(request).recognitions
        try:
            recognitions.decide(
                officer_of_session(who),
                application_id,
                data.get("decision", ""),
                data.get("reasons", ""),
            )
        except (Rejected, Conflict) as refused:
            problems = refused.violations if isinstance(refused, Rejected) else [refused.violation]
            return _officer_page(request, who, application_id, problems, status=409)
        return Redirect(path=f"/workbench/services/{application_id}", status_code=303)


def officer_of_session(who: SignedIn) -> Officer:
    agency = who.principal.agency
    if agency is None or agency not in departments():
        raise ApiError(
            403,
            "services.officer_only",
            "only an officer of a registries' department may do this",
            "仅限相关主管部门的工作人员操作",
        )
    return Officer(officer=who.principal.credential_id, department=agency)


def _officer_page(
    request: AnyRequest,
    who: SignedIn,
    application_id: str,
    problems: list[Violation] | None = None,
    *,
    status: int = 200,
) -> Template:
    view, events = _trade(request).recognitions.for_officer(officer_of_session(who), application_id)
    context = {
        "app": view,
        "events": events,
        "officer": True,
        "problems": shown(request, problems or []),
    }
    return portal_page(request, "services/application.html", context, who, status_code=status)


def _apply_page(
    request: AnyRequest,
    who: SignedIn,
    fields: dict[str, str],
    problems: list[Violation],
    *,
    status: int = 200,
) -> Template:
    context = {
        "professions": _trade(request).recognitions.professions(on=_today(request)),
        "cities": _mainland_cities(),
        "form": fields,
        "problems": shown(request, problems),
    }
    return portal_page(request, "services/apply.html", context, who, status_code=status)


def shown(request: AnyRequest, problems: list[Violation]) -> list[tuple[str, str, str]]:
    """(path, code, text in the page's language) of each problem."""
    language = language_of(request)
    return [(v.path, v.code, coded_text(language, v.en, v.zh)) for v in problems]


def _bad_date() -> Violation:
    return Violation(
        path="licence/validUntil",
        code="services.licence.date",
        en="the licence's validity is a date (YYYY-MM-DD)",
        zh="执业资格有效期应为日期（YYYY-MM-DD）",
    )
