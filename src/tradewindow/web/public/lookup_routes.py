"""The code lookup's pages and JSON API (no sign-in). Handlers only translate.

=======================================  ===================================================
``GET /lookup?q=``                       search HS, locations and customs codes at once
                                         (an htmx request gets the results fragment only)
``GET /lookup/hs``                       the 97 HS chapters
``GET /lookup/hs/{code}``                an HS entry: its path and its children
``GET /lookup/ports?q=&country=&port=``  UN/LOCODE locations
``GET /lookup/codes/{table}?q=``         a customs code table with its ISO / Rec 20 mapping
``GET /api/v1/lookup/hs?q=``             JSON: HS search
``GET /api/v1/lookup/hs/{code}``         JSON: an HS entry with path and children
``GET /api/v1/lookup/ports?q=``          JSON: location search
``GET /api/v1/lookup/codes/{table}?q=``  JSON: a customs code table, filtered
=======================================  ===================================================
"""

from __future__ import annotations

from typing import Annotated, Any, TypeAlias

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from tradewindow.web.pages.shell import page
from tradewindow.web.problems import ApiError, not_found
from tradewindow.web.public import lookup

AnyRequest: TypeAlias = Request[Any, Any, Any]
Query = Annotated[str, QueryParameter(default="", max_length=100)]
Country = Annotated[str, QueryParameter(default="", max_length=2, description="ISO alpha-2")]
PortsOnly = Annotated[bool, QueryParameter(default=False, description="only the port function")]
Limit = Annotated[int, QueryParameter(ge=1, le=200)]
SUMMARY_LIMIT = 10  # locations and entries of each customs table on the combined search page


def is_htmx(request: AnyRequest) -> bool:
    return request.headers.get("hx-request") == "true"


class LookupPages(Controller):
    path = "/lookup"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def search_page(self, request: AnyRequest, q: Query) -> Template:
        context: dict[str, Any] = {"query": q.strip(), "tables": list(lookup.CODE_TABLES)}
        if context["query"]:
            context |= {
                "hs": lookup.hs_search(q),
                "ports": lookup.port_search(q, limit=SUMMARY_LIMIT),
                "codes": {
                    table: lookup.code_search(table, q, SUMMARY_LIMIT)
                    for table in lookup.CODE_TABLES
                },
            }
        template = "public/_lookup_results.html" if is_htmx(request) else "public/lookup.html"
        response = page(request, template, context)
        response.headers["Vary"] += ", HX-Request"
        return response

    @get("/hs", sync_to_thread=True)
    def chapters_page(self, request: AnyRequest) -> Template:
        return page(request, "public/hs.html", {"detail": None, "children": lookup.hs_chapters()})

    @get("/hs/{code:str}", sync_to_thread=True)
    def entry_page(self, request: AnyRequest, code: FromPath[str]) -> Template:
        detail = lookup.hs_detail(code)
        if detail is None:
            return page(request, "public/not_found.html", {"what": code}, status_code=404)
        return page(request, "public/hs.html", {"detail": detail, "children": detail.children})

    @get("/ports", sync_to_thread=True)
    def ports_page(
        self, request: AnyRequest, q: Query, country: Country, port: PortsOnly
    ) -> Template:
        found = lookup.port_search(q, country, ports_only=port)
        template = "public/_ports_results.html" if is_htmx(request) else "public/ports.html"
        response = page(request, template, {"search": found})
        response.headers["Vary"] += ", HX-Request"
        return response

    @get("/codes/{table:str}", sync_to_thread=True)
    def codes_page(self, request: AnyRequest, table: FromPath[str], q: Query) -> Template:
        if table not in lookup.CODE_TABLES:
            return page(request, "public/not_found.html", {"what": table}, status_code=404)
        found = lookup.code_search(table, q)
        context = {"found": found, "tables": list(lookup.CODE_TABLES)}
        template = "public/_codes_results.html" if is_htmx(request) else "public/codes.html"
        response = page(request, template, context)
        response.headers["Vary"] += ", HX-Request"
        return response


class LookupApi(Controller):
    path = "/api/v1/lookup"
    tags = ["lookup"]  # noqa: RUF012 - Litestar's declared attribute type

    @get("/hs", sync_to_thread=True, summary="Search HS 2022 by code, English or Chinese words")
    def hs(self, q: Query, limit: Limit = lookup.HS_LIMIT) -> lookup.HsSearch:
        """Entries whose code starts with the digits given, or whose English description,
        Chinese names (``name_zh`` Simplified, ``name_zh_hant`` Traditional) or Chinese search
        words contain every word; exact names and search words first. Chinese names cover
        the chapters and some headings only, and are tradewindow's, not an official
        translation: ``note`` is ``hs.zh_partial`` for a Chinese query."""
        return lookup.hs_search(q, limit)

    @get("/hs/{code:str}", sync_to_thread=True, summary="An HS entry with its path and children")
    def hs_entry(self, code: FromPath[str]) -> lookup.HsDetail:
        """A chapter (2 digits), heading (4) or subheading (6); an 8- or 10-digit national
        code resolves to its subheading."""
        detail = lookup.hs_detail(code)
        if detail is None:
            raise not_found(f"HS code {code}")
        return detail

    @get("/ports", sync_to_thread=True, summary="Search UN/LOCODE locations")
    def ports(
        self,
        q: Query,
        country: Country,
        port: PortsOnly,
        limit: Limit = lookup.PORT_LIMIT,
    ) -> lookup.PortSearch:
        """By code (``CNSZX``) or name; optionally one country's, optionally ports only."""
        return lookup.port_search(q, country, ports_only=port, limit=limit)

    @get("/codes/{table:str}", sync_to_thread=True, summary="A customs code table, filtered")
    def codes(self, table: FromPath[str], q: Query) -> lookup.CodeTable:
        """``table`` is one of countries, currencies, units, offices, trade-modes,
        transport-modes, wrap-types; ``q`` matches a code prefix, an English or Chinese name,
        or a mapped code (ISO 3166 / ISO 4217 / Rec 20)."""
        if table not in lookup.CODE_TABLES:
            raise ApiError(
                404,
                "lookup.table.unknown",
                f"no code table {table!r}; tables: {', '.join(lookup.CODE_TABLES)}",
                f"没有代码表“{table}”",
            )
        return lookup.code_search(table, q)
