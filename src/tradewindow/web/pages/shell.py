"""The page shell every page shares: templates, language, navigation, the language switch.

A handler returns ``page(request, "stats/dashboard.html", {...})``; the shell adds the
request's language (and remembers a ``?lang=`` choice in a cookie), the navigation, links to
the same page in each language, and the template functions: ``_("key", name=value)`` for
catalogue messages, and the filters ``money``, ``count``, ``percent``, ``exact``, ``moment``
``label(dimension)`` that write figures and codes in the page's language, and ``chinese_name``
that gives an HS entry's Chinese name on Chinese pages (nothing on English ones); and
``human``'s ``when``, ``since`` and ``code_name`` for business data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from litestar import Request
from litestar.datastructures import Cookie
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from tradewindow.reference import HsEntry
from tradewindow.web import i18n
from tradewindow.web.pages import human, labels
from tradewindow.web.progress import progress_of

WEB = Path(__file__).resolve().parent.parent
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
# (catalogue key, path) of the site's main navigation; the portals add their entries here
NAVIGATION: list[tuple[str, str]] = [
    ("nav.stats", "/stats"),
    ("public.nav.lookup", "/lookup"),
    ("public.nav.sandbox", "/sandbox"),
    ("public.nav.status", "/status"),
    ("services.nav.registry", "/services"),
    ("portal.nav.portal", "/portal"),
]
LANGUAGE_NAMES = {"en": "English", "zh-Hans": "简体中文", "zh-Hant": "繁體中文"}


def language_of(request: Request[Any, Any, Any]) -> str:
    return i18n.negotiate(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )


def page(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> Template:
    """``template`` rendered in the request's language, inside the shell."""
    language = language_of(request)
    cookies = []
    if i18n.supported(request.query_params.get("lang")):
        cookies.append(
            Cookie(
                key=i18n.COOKIE,
                value=language,
                max_age=LANGUAGE_COOKIE_SECONDS,
                path="/",
                samesite="lax",
                httponly=True,
            )
        )
    shell = {
        "lang": language,
        "path": request.url.path,
        "navigation": NAVIGATION,
        "language_links": language_links(request, language),
        "progress": progress_of(request.app.state),  # a background load, while it runs
    }
    return Template(
        template_name=template,
        context=shell | context,
        status_code=status_code,
        cookies=cookies,
        headers={"Content-Language": language, "Vary": "Accept-Language, Cookie"},
    )


def language_links(request: Request[Any, Any, Any], current: str) -> list[dict[str, Any]]:
    """The same page (path and query) in each language."""
    links = []
    for language in i18n.LANGUAGES:
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
        query.append(("lang", language))
        links.append(
            {
                "code": language,
                "name": LANGUAGE_NAMES[language],
                "href": f"{request.url.path}?{urlencode(query)}",
                "current": language == current,
            }
        )
    return links


def with_query(path: str, parameters: list[tuple[str, str]]) -> str:
    return f"{path}?{urlencode(parameters)}" if parameters else path


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_configure
    )


def _configure(engine: JinjaTemplateEngine) -> None:
    environment: Environment = engine.engine
    environment.autoescape = True
    environment.trim_blocks = True
    environment.lstrip_blocks = True
    environment.globals["_"] = _message
    environment.globals["languages"] = i18n.LANGUAGES
    environment.filters.update(
        money=_money,
        count=_count,
        percent=_percent,
        moment=_moment,
        label=_label,
        chinese_name=_chinese_name,
        exact=i18n.exact,
        actor=_actor,
    )
    environment.filters.update(human.FILTERS)  # when, since, code_name


@pass_context
def _message(context: Context, key: str, **values: object) -> str:
    return i18n.message(context["lang"], key, **values)


@pass_context
def _money(context: Context, value: Any) -> str:
    return i18n.money(value, context["lang"])


@pass_context
def _count(context: Context, value: Any) -> str:
    return i18n.count(value, context["lang"])


@pass_context
def _percent(context: Context, value: Any, signed: bool = False) -> str:
    return i18n.percent(value, context["lang"], signed=signed)


@pass_context
def _moment(context: Context, value: Any) -> str:
    return i18n.moment(value, context["lang"])


@pass_context
def _label(context: Context, code: str | None, dimension: str) -> str:
    return labels.label(dimension, code, context["lang"])


@pass_context
def _actor(context: Context, name: str | None) -> str:
    """Who acted on a task, in the page's language: an automated actor (the CBEC risk
    engine, the lifecycle, the demo's officers) by its catalogue name ``actor.<name>``; a
    person by their account name as registered."""
    if not name:
        return ""
    return i18n.catalogue(context["lang"]).get(f"actor.{name}", name)


@pass_context
def _chinese_name(context: Context, entry: HsEntry) -> str:
    return labels.hs_chinese_name(entry, context["lang"]) or ""
