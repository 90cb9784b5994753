"""Service trade's public JSON API (no sign-in): the rule-integration registry, its export,
the recognised professions, the public register of professionals and the statistics.

=============================================  ==============================================
``GET /api/v1/services/rules``                 published items: field, city, status,
                                               department, list and text filters; paged
``GET /api/v1/services/rules.csv``             the same as CSV (every match, UTF-8 with BOM)
``GET /api/v1/services/rules/{list}/{no}``     an item and its published revisions
``GET /api/v1/services/professions``           the recognised professions in force
``GET /api/v1/services/register?q=``           recognised professionals, as the policy shows
``GET /api/v1/services/stats``                 items by field and status; professionals by
                                               profession, home, city and state; by month
=============================================  ==============================================

Text search matches English and Chinese in either script: stored texts and queries are both
folded to lower case and Simplified characters (``services.search.fold``), so a query in
Traditional characters finds a text written in Simplified, and the other way round.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter

from tradewindow.services.disclosure import RecognitionView
from tradewindow.services.ports import RegistryQuery
from tradewindow.services.recognition import Profession
from tradewindow.services.registry import ItemContent, ItemStatus, Revision
from tradewindow.services.statistics import (
    ProfessionalStatistics,
    RegistryStatistics,
    professional_statistics,
    registry_statistics,
)
from tradewindow.services.trade import ServiceTrade
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]
Text = Annotated[str, QueryParameter(default="", max_length=100)]
Code = Annotated[str, QueryParameter(default="", max_length=40)]
MAX_OFFSET = 2**31 - 1  # beyond any register; a larger offset is a coded 400, not an overflow
Limit = Annotated[int, QueryParameter(default=50, ge=1, le=500)]
Offset = Annotated[int, QueryParameter(default=0, ge=0, le=MAX_OFFSET)]
CSV_LIMIT = 10_000


class PublishedItem(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """An item as published (the officers who drafted and reviewed it are not named)."""

    item_id: str
    revision: int
    published_at: datetime | None
    content: ItemContent


class RuleList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[PublishedItem]
    total: int


class RuleDetail(msgspec.Struct, frozen=True, kw_only=True):
    item: PublishedItem
    revisions: list[PublishedItem]  # every publication, oldest first


class ProfessionList(msgspec.Struct, frozen=True, kw_only=True):
    items: list[Profession]


class Register(msgspec.Struct, frozen=True, kw_only=True):
    items: list[RecognitionView]


class RuleCount(msgspec.Struct, frozen=True, kw_only=True):
    field: str
    status: str
    items: int


class ProfessionalCount(msgspec.Struct, frozen=True, kw_only=True):
    profession: str
    home: str
    city: str
    state: str
    applications: int


class MonthCount(msgspec.Struct, frozen=True, kw_only=True):
    month: str
    profession: str
    recognitions: int


class Statistics(msgspec.Struct, frozen=True, kw_only=True):
    rules: list[RuleCount]
    professionals: list[ProfessionalCount]
    recognitions_by_month: list[MonthCount] = msgspec.field(name="recognitionsByMonth")


def trade(request: AnyRequest) -> ServiceTrade:
    window: Window = request.app.state.window
    return window.app.service_trade


def published(revision: Revision) -> PublishedItem:
    return PublishedItem(
        item_id=revision.item_id,
        revision=revision.revision,
        published_at=revision.published_at,
        content=revision.content,
    )


def registry_query(
    field: str,
    city: str,
    status: str,
    department: str,
    list_code: str,
    q: str,
    limit: int,
    offset: int,
) -> RegistryQuery:
    known = status if status in ItemStatus.__members__.values() else None
    return RegistryQuery(
        field=field or None,
        city=city or None,
        status=ItemStatus(known) if known else None,
        department=department or None,
        list_code=list_code or None,
        text=q if q.strip() else None,
        limit=limit,
        offset=offset,
    )


class ServicesPublicApi(Controller):
    path = "/api/v1/services"
    tags = ["services"]  # noqa: RUF012 - Litestar's declared attribute type

    @get("/rules", sync_to_thread=True, summary="Published rule-integration items, filtered")
    def rules(
        self,
        request: AnyRequest,
        field: Code,
        city: Code,
        status: Code,
        department: Code,
        list_code: Annotated[str, QueryParameter(default="", max_length=40, query="list")],
        q: Text,
        limit: Limit,
        offset: Offset,
    ) -> RuleList:
        """Every given filter must hold; ``q`` matches every word in the English or Chinese
        texts (Traditional Chinese read as Simplified); an unknown status matches nothing."""
        query = registry_query(field, city, status, department, list_code, q, limit, offset)
        if status and query.status is None:
            return RuleList(items=[], total=0)
        found, total = trade(request).registry.search(query)
        return RuleList(items=[published(r) for r in found], total=total)

    @get("/rules.csv", sync_to_thread=True, summary="Published items as CSV", media_type="text/csv")
    def rules_csv(
        self,
        request: AnyRequest,
        field: Code,
        city: Code,
        status: Code,
        department: Code,
        list_code: Annotated[str, QueryParameter(default="", max_length=40, query="list")],
        q: Text,
    ) -> Response[bytes]:
        query = registry_query(field, city, status, department, list_code, q, CSV_LIMIT, 0)
        found = [] if status and query.status is None else trade(request).registry.search(query)[0]
        return Response(
            rules_as_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="rule-integration.csv"'},
        )

    @get("/rules/{list_code:str}/{number:str}", sync_to_thread=True, summary="One published item")
    def rule(self, request: AnyRequest, list_code: str, number: str) -> RuleDetail:
        registry = trade(request).registry
        item_id = f"{list_code}/{number}"
        return RuleDetail(
            item=published(registry.item(item_id)),
            revisions=[published(r) for r in registry.published_revisions(item_id)],
        )

    @get("/professions", sync_to_thread=True, summary="Recognised professions in force")
    def professions(self, request: AnyRequest) -> ProfessionList:
        window: Window = request.app.state.window
        today: date = window.clock().date()
        return ProfessionList(items=trade(request).recognitions.professions(on=today))

    @get(
        "/register", sync_to_thread=True, summary="The public register of recognised professionals"
    )
    def register(self, request: AnyRequest, q: Text, limit: Limit, offset: Offset) -> Register:
        """Recognised and suspended professionals with only what the disclosure policy makes
        public; ``q`` matches names, licence and filing numbers and employers, in any script."""
        text = q if q.strip() else None
        return Register(items=trade(request).recognitions.register(text, limit, offset))

    @get("/stats", sync_to_thread=True, summary="Items and professionals counted")
    def stats(self, request: AnyRequest) -> Statistics:
        services = trade(request)
        return Statistics(
            rules=[RuleCount(field=f, status=s, items=n) for f, s, n in services.registry.counts()],
            professionals=[
                ProfessionalCount(profession=p, home=h, city=c, state=s, applications=n)
                for p, h, c, s, n in services.recognitions.counts()
            ],
            recognitions_by_month=[
                MonthCount(month=m, profession=p, recognitions=n)
                for m, p, n in services.recognitions.by_month()
            ],
        )

    @get(
        "/stats/professionals",
        sync_to_thread=True,
        summary="Recognised professionals by profession, home and city, and month by month",
    )
    def professionals(self, request: AnyRequest) -> ProfessionalStatistics:
        """The figures of ``/services/statistics``: those in the register now (recognised or
        suspended) by profession, home jurisdiction and city; every application by state;
        recognitions decided each month with the running total."""
        return professional_statistics_of(trade(request))

    @get(
        "/stats/rules",
        sync_to_thread=True,
        summary="Rule-integration items by field and status, and publications month by month",
    )
    def rule_statistics(self, request: AnyRequest) -> RegistryStatistics:
        return registry_statistics_of(trade(request))


def registry_statistics_of(services: ServiceTrade) -> RegistryStatistics:
    registry = services.registry
    return registry_statistics(registry.counts(), registry.publications())


def professional_statistics_of(services: ServiceTrade) -> ProfessionalStatistics:
    recognitions = services.recognitions
    return professional_statistics(recognitions.counts(), recognitions.by_month())


CSV_COLUMNS = (
    "list", "number", "field", "status", "title_en", "title_zh", "mainland_rule",
    "counterpart", "counterpart_rule", "measure_en", "measure_zh", "departments", "cities",
    "published_at", "illustrative",
)  # fmt: skip


def rules_as_csv(revisions: list[Revision]) -> bytes:
    """UTF-8 with a byte-order mark, so a spreadsheet opens the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for revision in revisions:
        c = revision.content
        writer.writerow(
            [
                c.list_code, c.number, c.field.value, c.status.value, c.title_en, c.title_zh,
                c.mainland_rule, " ".join(c.counterpart), c.counterpart_rule, c.measure_en,
                c.measure_zh, " ".join(c.departments), " ".join(c.cities),
                revision.published_at.isoformat() if revision.published_at else "",
                "yes" if c.illustrative else "no",
            ]
        )  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")
