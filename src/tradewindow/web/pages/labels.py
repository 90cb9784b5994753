"""Names of the codes figures are broken down by, in the page's language.

The names come from their one home in ``reference`` (GBA cities, customs countries, trade
modes, customs offices, HS 2022); this module only picks the right language. Traditional
Chinese country names come from pycountry's ISO 3166 translations (zh_TW) where the customs
code is a whole ISO country, else the simplified name. HS chapters have English titles only in
the open nomenclature, so Chinese pages name a chapter by its number (第33章) and keep the
English title for the tooltip.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from tradewindow.reference.countries import customs_country
from tradewindow.reference.gba import gba_city
from tradewindow.reference.hs import hs_entry
from tradewindow.reference.offices import customs_office
from tradewindow.reference.trade_modes import trade_mode
from tradewindow.web.i18n import message


def label(dimension: str, code: str | None, language: str) -> str:
    """The name of ``code`` of ``dimension`` (e.g. city ``shenzhen`` → 深圳)."""
    if code is None:
        # a line whose city is outside the GBA, or a code the source left empty
        outside = dimension in ("city", "office_city")
        return message(language, "empty.outside_gba" if outside else "empty.value")
    if dimension in ("city", "office_city"):
        return city(code, language)
    if dimension in ("partner", "origin", "destination"):
        return country(code, language)
    if dimension == "hs_chapter":
        return chapter(code, language)
    if dimension == "trade_mode":
        return mode(code, language)
    if dimension in ("district", "office", "port"):
        return office(code, language)
    if dimension == "direction":
        return message(language, f"direction.{code}")
    return code


def city(key: str, language: str) -> str:
    found = gba_city(key)
    if found is None:
        return key
    return {"en": found.name_en, "zh-Hans": found.name_zh}.get(language, found.name_zh_hant)


def country(code: str, language: str) -> str:
    found = customs_country(code)
    if found is None:
        return code
    if language == "en":
        return found.name_en
    if language == "zh-Hant" and found.whole and found.iso_alpha2:
        iso = pycountry.countries.get(alpha_2=found.iso_alpha2)
        if iso is not None:
            return str(_traditional().gettext(iso.name))
    return found.name_zh


def chapter(code: str, language: str) -> str:
    if language != "en":
        return message(language, "hs.chapter", number=code)
    return chapter_title(code)


def chapter_title(code: str) -> str:
    """The HS 2022 chapter's English title, cut to a readable length."""
    entry = hs_entry(code)
    if entry is None:
        return code
    title = entry.description.split(";")[0].strip()
    return f"{code} {title[:48]}{'…' if len(title) > 48 else ''}"


def mode(code: str, language: str) -> str:
    found = trade_mode(code)
    if found is None:
        return code
    return found.name_en if language == "en" else found.name_zh


def office(code: str, language: str) -> str:
    found = customs_office(code)
    if found is None:
        return code
    return found.name_en if language == "en" else found.name_zh


@cache
def _traditional() -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=["zh_TW"], fallback=True
    )
