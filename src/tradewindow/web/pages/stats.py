"""The public statistics dashboard (no sign-in): pages under ``/stats`` and the JSON its charts
read under ``/stats/api``. Handlers only translate: read parameters, ask ``dashboard`` for the
figures, hand ``views`` to a template or the encoder.

==========================================  =============================================
``GET /stats``                              the dashboard (``?through=&direction=&lang=``
                                            plus the table's ``by``, ``period``, ``measure``,
                                            ``start``, ``end``)
``GET /stats/table``                        the breakdown table alone (htmx swaps it in)
``GET /stats/breakdown.csv``                the same rows as CSV
``GET /stats/api/headline``                 headline figures
``GET /stats/api/monthly``                  monthly series with year-on-year growth
``GET /stats/api/ranking/{dimension}``      city, hs_chapter or partner, year to date
``GET /stats/api/breakdown``                the table's header and rows
``GET /stats/api/returns``                  CBEC return and cancellation rates
                                            (``?by=platform|hs_chapter``)
``GET /stats/api/flows``                    imports and exports per month, side by side
``GET /stats/api/destinations``             where exports went, year to date
``GET /stats/api/area-share``               a city's trade through the platform against
                                            its published totals
==========================================  =============================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Template

from tradewindow.analytics import procurement
from tradewindow.analytics.indicators import Indicators
from tradewindow.web.pages import dashboard
from tradewindow.web.pages.shell import language_of, page
from tradewindow.web.pages.views import (
    destinations_view,
    flows_view,
    headline_view,
    ranking_view,
    returns_view,
    series_view,
    share_view,
    table_csv,
    table_view,
)

# app.state keys: the lake's folder (set by the app factory or a test) and the open indicators
LAKE_STATE = "analytics_lake"
INDICATORS_STATE = "analytics_indicators"
JSON = "application/json"
AnyRequest: TypeAlias = Request[Any, Any, Any]
# the handlers' Indicators, injected by name (see DEPENDENCIES)
InjectedIndicators: TypeAlias = NamedDependency[Indicators]


def provide_indicators(state: State) -> Indicators:
    """The app's one ``Indicators``, opened on first use over ``state[LAKE_STATE]`` or, when
    that is unset, ``<data_dir>/lake`` of the window's settings."""
    indicators: Indicators | None = state.get(INDICATORS_STATE)
    if indicators is None:
        root = state.get(LAKE_STATE) or state.window.app.settings.data_dir / "lake"
        indicators = dashboard.open_indicators(Path(root))
        state[INDICATORS_STATE] = indicators
    return indicators


DEPENDENCIES = {"indicators": Provide(provide_indicators, sync_to_thread=False)}


class StatsPages(Controller):
    path = "/stats"
    dependencies = DEPENDENCIES
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def dashboard_page(self, request: AnyRequest, indicators: InjectedIndicators) -> Template:
        language = language_of(request)
        params = request.query_params
        scope = dashboard.scope_from(indicators, params.get("through"), params.get("direction"))
        if scope is None:
            return page(request, "stats/empty.html", {})
        figures = [headline_view(f, language) for f in dashboard.headlines(indicators, scope)]
        rankings = {
            name: ranking_view(dashboard.ranking(indicators, scope, name), language)
            for name in dashboard.RANKINGS
        }
        monthly = series_view(dashboard.monthly(indicators, scope), language)
        returns = returns_view(indicators.lake, "hs_chapter", language)
        table = _table(request, indicators, language, scope.through)
        share = dashboard.area_share(indicators, scope)
        context = {
            "flows": flows_view(dashboard.flows(indicators, scope), language),
            "destinations": destinations_view(dashboard.destinations(indicators, scope), language),
            "share": share_view(share, language) if share else None,
            "procurement": _procurement(indicators),
            "scope": scope,
            "figures": figures,
            "monthly": monthly,
            "rankings": rankings,
            "returns": returns,
            "table": table,
            "options": _options(),
            "query": _scope_query(scope),
        }
        return page(request, "stats/dashboard.html", context)

    @get("/table", sync_to_thread=True)
    def table_fragment(self, request: AnyRequest, indicators: InjectedIndicators) -> Template:
        language = language_of(request)
        table = _table(request, indicators, language, dashboard.latest_day(indicators))
        response = page(request, "stats/_table.html", {"table": table})
        response.headers["HX-Push-Url"] = f"/stats?{table['query']}#breakdown"
        return response

    @get("/breakdown.csv", sync_to_thread=True)
    def table_download(
        self, request: AnyRequest, indicators: InjectedIndicators
    ) -> Response[bytes]:
        language = language_of(request)
        table = _table(request, indicators, language, dashboard.latest_day(indicators))
        return Response(
            content=table_csv(table),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="breakdown.csv"'},
        )


class StatsApi(Controller):
    path = "/stats/api"
    dependencies = DEPENDENCIES
    tags = ["statistics"]  # noqa: RUF012 - Litestar's declared attribute type

    @get("/headline", sync_to_thread=True, summary="Headline figures, year to date")
    def headline(self, request: AnyRequest, indicators: InjectedIndicators) -> Response[bytes]:
        scope = _scope(request, indicators)
        language = language_of(request)
        figures = [headline_view(f, language) for f in dashboard.headlines(indicators, scope)]
        return _json({"through": scope.through, "figures": figures})

    @get("/monthly", sync_to_thread=True, summary="Monthly value with year-on-year growth")
    def monthly(self, request: AnyRequest, indicators: InjectedIndicators) -> Response[bytes]:
        scope = _scope(request, indicators)
        view = series_view(dashboard.monthly(indicators, scope), language_of(request))
        return _json({"through": scope.through, "direction": scope.direction} | view)

    @get("/ranking/{dimension:str}", sync_to_thread=True, summary="Year-to-date ranking")
    def ranking(
        self, request: AnyRequest, indicators: InjectedIndicators, dimension: FromPath[str]
    ) -> Response[bytes]:
        scope = _scope(request, indicators)
        view = ranking_view(dashboard.ranking(indicators, scope, dimension), language_of(request))
        return _json({"through": scope.through, "direction": scope.direction} | view)

    @get("/flows", sync_to_thread=True, summary="Imports and exports per month, side by side")
    def flows(self, request: AnyRequest, indicators: InjectedIndicators) -> Response[bytes]:
        scope = _scope(request, indicators)
        view = flows_view(dashboard.flows(indicators, scope), language_of(request))
        return _json({"through": scope.through} | view)

    @get("/destinations", sync_to_thread=True, summary="Where exports went, year to date")
    def destinations(self, request: AnyRequest, indicators: InjectedIndicators) -> Response[bytes]:
        scope = _scope(request, indicators)
        ranked = dashboard.destinations(indicators, scope)
        return _json({"through": scope.through} | destinations_view(ranked, language_of(request)))

    @get(
        "/area-share",
        sync_to_thread=True,
        summary="A city's trade through the platform against its published yearly totals",
    )
    def area_share(self, request: AnyRequest, indicators: InjectedIndicators) -> Response[bytes]:
        scope = _scope(request, indicators)
        share = dashboard.area_share(indicators, scope)
        view = share_view(share, language_of(request)) if share else None
        return _json({"through": scope.through, "share": view})

    @get("/returns", sync_to_thread=True, summary="CBEC return and cancellation rates")
    def returns(self, request: AnyRequest, indicators: InjectedIndicators) -> Response[bytes]:
        by = request.query_params.get("by", "hs_chapter")
        return _json(returns_view(indicators.lake, by, language_of(request)))

    @get("/breakdown", sync_to_thread=True, summary="A breakdown table's header and rows")
    def breakdown(self, request: AnyRequest, indicators: InjectedIndicators) -> Response[bytes]:
        language = language_of(request)
        return _json(_table(request, indicators, language, dashboard.latest_day(indicators)))


def _procurement(indicators: Indicators) -> dict[str, list[procurement.Share]]:
    """Market procurement's top values by market, destination and HS chapter (empty when the
    lake holds no procurement lines)."""
    found = {by: procurement.breakdown(indicators.lake, by)[:5] for by in procurement.BY}
    return found if any(found.values()) else {}


def _scope(request: AnyRequest, indicators: Indicators) -> dashboard.Scope:
    params = request.query_params
    scope = dashboard.scope_from(indicators, params.get("through"), params.get("direction"))
    if scope is None:
        raise dashboard.empty_lake()
    return scope


def _table(request: AnyRequest, indicators: Indicators, language: str, end: Any) -> dict[str, Any]:
    params = request.query_params
    parameters = {
        "by": params.getall("by", []),
        "measure": params.getall("measure", []),
        "period": params.get("period"),
        "direction": params.get("flow"),
        "start": params.get("start"),
        "end": params.get("end"),
    }
    breakdown = dashboard.breakdown_from(parameters, end)
    view = table_view(dashboard.table(indicators, breakdown), language)
    return view | {"query": _breakdown_query(breakdown, language)}


def _breakdown_query(breakdown: dashboard.Breakdown, language: str) -> str:
    pairs = [("by", name) for name in breakdown.by]
    pairs += [("measure", name) for name in breakdown.measures]
    pairs += [("period", breakdown.period), ("flow", breakdown.direction)]
    if breakdown.start:
        pairs.append(("start", breakdown.start.isoformat()))
    if breakdown.end:
        pairs.append(("end", breakdown.end.isoformat()))
    pairs.append(("lang", language))
    return urlencode(pairs)


def _scope_query(scope: dashboard.Scope) -> str:
    return f"through={scope.through.isoformat()}&direction={scope.direction}"


def _options() -> dict[str, Any]:
    return {
        "dimensions": dashboard.TABLE_DIMENSIONS,
        "periods": dashboard.TABLE_PERIODS,
        "measures": dashboard.TABLE_MEASURES,
        "directions": (*dashboard.DIRECTIONS, "all"),
    }


def _json(content: Any) -> Response[bytes]:
    return Response(content=msgspec.json.encode(content), media_type=JSON)
