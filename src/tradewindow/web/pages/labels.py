"""Names of the codes figures are broken down by, in the page's language.

The names come from their one home in ``reference`` (GBA cities, customs countries, trade
modes, customs offices, HS 2022); this module only picks the right language. Traditional
Chinese country names come from pycountry's ISO 3166 translations (zh_TW) where the customs
code is a whole ISO country, else the simplified name. HS chapters are named by their code and
the first part of their title (``33 Essential oils and resinoids``, ``33 精油及香膏``), in
Chinese from tradewindow's Chinese HS names (``reference.hs_zh``); the tooltip has the whole
title.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from tradewindow.reference.countries import customs_country
from tradewindow.reference.gba import gba_city
from tradewindow.reference.hs import HsEntry, hs_entry
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


CHAPTER_TITLE_LENGTH = {"en": 48, "zh-Hans": 20, "zh-Hant": 20}  # characters, before "…"


def chapter(code: str, language: str) -> str:
    """The chapter's code and the first part of its title in ``language``, cut to a readable
    length: ``33 Essential oils and resinoids``, ``33 精油及香膏``."""
    entry = hs_entry(code)
    if entry is None:
        return code if language == "en" else message(language, "hs.chapter", number=code)
    title = hs_name(entry, language).replace("；", ";").split(";")[0].strip()
    cut = CHAPTER_TITLE_LENGTH.get(language, CHAPTER_TITLE_LENGTH["en"])
    return f"{code} {title[:cut]}{'…' if len(title) > cut else ''}"


def chapter_title(code: str, language: str = "en") -> str:
    """The chapter's code and whole title in ``language`` (for tooltips); the English title
    is cut as ``chapter`` cuts it, as the tooltip always showed it."""
    if language == "en":
        return chapter(code, "en")
    entry = hs_entry(code)
    return f"{code} {hs_name(entry, language)}" if entry else chapter(code, language)


def hs_name(entry: HsEntry, language: str) -> str:
    """An HS entry's name in ``language``: its Chinese name on Chinese pages when it has one,
    else the English description."""
    return hs_chinese_name(entry, language) or entry.description


def hs_chinese_name(entry: HsEntry, language: str) -> str | None:
    """An HS entry's Chinese name in the script of ``language``; None on English pages and
    for entries without a Chinese name (most headings, every subheading)."""
    return {"zh-Hans": entry.name_zh, "zh-Hant": entry.name_zh_hant}.get(language)


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
