"""The public code lookup: HS 2022, UN/LOCODE locations and the customs code tables.

Every entry comes from its one home in ``tradewindow.reference``; this module only searches
and shapes them for the page and the JSON API (``lookup_routes``).

Languages: the open HS 2022 nomenclature (UN Comtrade) has English descriptions only. Every
chapter and about sixty headings common in cross-border e-commerce also have Chinese names
(Simplified and Traditional, tradewindow's own table, not an official translation) and search
words, so HS is searched by code, English words or Chinese words; a query in Chinese gets a
``note`` saying the Chinese names cover only part of HS. The customs tables carry Chinese and
English names and are searched in both. UN/LOCODE names are the official Latin
spellings (``Shenzhen``, ``Hong Kong``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

import msgspec

from tradewindow.reference import (
    HsEntry,
    Locode,
    chapters,
    customs_countries,
    customs_currencies,
    customs_offices,
    customs_units,
    hs_children,
    hs_entry,
    hs_path,
    locode,
    search_hs,
    trade_modes,
    transport_modes,
    wrap_types,
)
from tradewindow.reference.locode import all_locodes
from tradewindow.web.hant import to_hans

HS_LIMIT = 50
PORT_LIMIT = 50
CODE_LIMIT = 200
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ZH_PARTIAL_NOTE = "hs.zh_partial"  # the note's key; pages and API clients explain it


class HsSearch(msgspec.Struct, frozen=True, kw_only=True):
    query: str
    results: list[HsEntry]
    truncated: bool
    # "hs.zh_partial" for a Chinese query: Chinese names cover chapters and some headings only
    note: str | None = None


class HsDetail(msgspec.Struct, frozen=True, kw_only=True):
    entry: HsEntry
    path: list[HsEntry]  # chapter, heading, subheading down to the entry
    children: list[HsEntry]  # headings of a chapter, subheadings of a heading


class PortSearch(msgspec.Struct, frozen=True, kw_only=True):
    query: str
    country: str | None
    ports_only: bool
    results: list[Locode]
    truncated: bool


class CodeEntry(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name_en: str
    name_zh: str
    # the entry in other code lists: iso_alpha2/iso_alpha3 (countries), iso_alpha3/iso_numeric
    # (currencies), rec20 (units), district/gba_city (offices), directions/cbec (trade modes)
    mapping: dict[str, str]


class CodeTable(msgspec.Struct, frozen=True, kw_only=True):
    table: str
    query: str
    entries: list[CodeEntry]
    truncated: bool


def has_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def hs_search(query: str, limit: int = HS_LIMIT) -> HsSearch:
    """HS entries whose code starts with the digits of ``query``, or whose English description,
    Chinese names or search words contain each of its words (see ``reference.search_hs``)."""
    query = query.strip()
    found = search_hs(query, limit + 1) if query else []
    note = ZH_PARTIAL_NOTE if has_chinese(query) else None
    return HsSearch(query=query, results=found[:limit], truncated=len(found) > limit, note=note)


def hs_detail(code: str) -> HsDetail | None:
    """The entry with its path and children; a national 8/10-digit code resolves to its
    subheading. None for an unknown code."""
    entry = hs_entry(code.strip().replace(".", ""))
    if entry is None:
        return None
    return HsDetail(entry=entry, path=hs_path(entry.code), children=list(hs_children(entry.code)))


def hs_chapters() -> list[HsEntry]:
    return chapters()


def port_search(
    query: str, country: str | None = None, *, ports_only: bool = False, limit: int = PORT_LIMIT
) -> PortSearch:
    """Locations by code (``CNSZX``, ``CN SZX``) or name (accents ignored), exact names
    first, then names starting with the query, then names containing it; optionally one ISO
    country's and only those with the port function (classifier 1)."""
    query = query.strip()
    country = country.strip().upper() or None if country else None
    found: list[Locode] = []
    if query or country:
        found = _ranked_locations(query, country, ports_only, limit + 1)
    return PortSearch(
        query=query,
        country=country,
        ports_only=ports_only,
        results=found[:limit],
        truncated=len(found) > limit,
    )


def _ranked_locations(
    query: str, country: str | None, ports_only: bool, limit: int
) -> list[Locode]:
    wanted = query.casefold()
    exact = locode(query) if 4 <= len(query) <= 6 else None
    ranks: tuple[list[Locode], list[Locode], list[Locode]] = ([], [], [])
    for folded, entry in _location_index():
        if country and entry.country != country:
            continue
        if ports_only and not entry.has_function("1"):
            continue
        if entry is exact:
            continue
        if not wanted:
            ranks[2].append(entry)
        elif any(name == wanted for name in folded):
            ranks[0].append(entry)
        elif any(name.startswith(wanted) for name in folded):
            ranks[1].append(entry)
        elif any(wanted in name for name in folded):
            ranks[2].append(entry)
        if len(ranks[0]) >= limit:
            break
    first = [exact] if exact is not None and (not country or exact.country == country) else []
    return (first + ranks[0] + ranks[1] + ranks[2])[:limit]


@cache
def _location_index() -> tuple[tuple[tuple[str, ...], Locode], ...]:
    index = []
    for entry in all_locodes():
        names = {entry.name.casefold(), entry.name_ascii.casefold()}
        names.update(name.casefold() for name in entry.other_names)
        index.append((tuple(names), entry))
    return tuple(index)


# --- the customs code tables -------------------------------------------------------------


def _countries() -> Iterable[CodeEntry]:
    for c in customs_countries():
        mapping = {"iso_alpha2": c.iso_alpha2 or "", "iso_alpha3": c.iso_alpha3 or ""}
        if c.iso_alpha2 and not c.whole:
            mapping["iso_scope"] = "part"
        yield CodeEntry(code=c.code, name_en=c.name_en, name_zh=c.name_zh, mapping=mapping)


def _currencies() -> Iterable[CodeEntry]:
    for c in customs_currencies():
        mapping = {"iso_alpha3": c.iso_alpha3, "iso_numeric": c.iso_numeric}
        yield CodeEntry(code=c.code, name_en=c.name_en, name_zh=c.name_zh, mapping=mapping)


def _units() -> Iterable[CodeEntry]:
    for u in customs_units():
        mapping = {"rec20": u.rec20 or ""}
        yield CodeEntry(code=u.code, name_en=u.name_en, name_zh=u.name_zh, mapping=mapping)


def _offices() -> Iterable[CodeEntry]:
    for o in customs_offices():
        mapping = {"district": o.district, "gba_city": o.gba_city or ""}
        yield CodeEntry(code=o.code, name_en=o.name_en, name_zh=o.name_zh, mapping=mapping)


def _trade_modes() -> Iterable[CodeEntry]:
    for m in trade_modes():
        directions = "".join(sorted(d.value for d in m.directions))
        mapping = {"directions": directions, "cbec": "yes" if m.cbec else "no"}
        yield CodeEntry(code=m.code, name_en=m.name_en, name_zh=m.name_zh, mapping=mapping)


def _transport_modes() -> Iterable[CodeEntry]:
    for t in transport_modes():
        yield CodeEntry(code=t.code, name_en=t.name_en, name_zh=t.name_zh, mapping={})


def _wrap_types() -> Iterable[CodeEntry]:
    for w in wrap_types():
        yield CodeEntry(code=w.code, name_en=w.name_en, name_zh=w.name_zh, mapping={})


# table name in URLs → its entries; the order is the pages' order
CODE_TABLES: dict[str, Callable[[], Iterable[CodeEntry]]] = {
    "countries": _countries,
    "currencies": _currencies,
    "units": _units,
    "offices": _offices,
    "trade-modes": _trade_modes,
    "transport-modes": _transport_modes,
    "wrap-types": _wrap_types,
}


@cache
def code_entries(table: str) -> tuple[CodeEntry, ...]:
    """Every entry of a customs table in code order; KeyError for an unknown table."""
    return tuple(CODE_TABLES[table]())


def code_search(table: str, query: str = "", limit: int = CODE_LIMIT) -> CodeTable:
    """Entries of ``table`` whose code starts with ``query``, whose English or Chinese name
    (in either script) contains it, or whose mapped code (ISO, Rec 20 …) equals it; all
    entries for no query."""
    query = query.strip()
    found = [entry for entry in code_entries(table) if matches(entry, query)]
    return CodeTable(table=table, query=query, entries=found[:limit], truncated=len(found) > limit)


def matches(entry: CodeEntry, query: str) -> bool:
    if not query:
        return True
    folded = query.casefold()
    return (
        entry.code.startswith(query)
        or folded in entry.name_en.casefold()
        or to_hans(query) in entry.name_zh  # Traditional input too: 韓國 finds 韩国
        or any(value.casefold() == folded for value in entry.mapping.values() if value)
    )
