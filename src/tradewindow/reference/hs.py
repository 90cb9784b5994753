"""The Harmonized System, edition 2022: chapters, headings and 6-digit subheadings.

Descriptions are UN Comtrade's English ones (``hs2022.csv``). Chapters and the headings CBEC
buyers search most also carry Chinese names (``hs2022-zh.csv``, see ``hs_zh``: tradewindow's
own, not an official translation), and ``search_hs`` matches Chinese words against them.

China's 10-digit commodity codes (商品编号, 税则号列 + 附加编号) extend an HS subheading
with four national digits. The national lines are not published as open data, so a
10-digit code is accepted when its first six digits are a real HS 2022 subheading.
"""

from __future__ import annotations

import re
from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows
from tradewindow.reference.hs_zh import DATA_FILE as NAMES_FILE
from tradewindow.reference.hs_zh import HsChineseName, fold, parse_names, traditional_pairs

DATA_FILE = "hs2022.csv"
CHINA_CODE_LENGTH = 10
NATIONAL_CODE_LENGTHS = (8, CHINA_CODE_LENGTH)  # 税则号列 and 商品编号


class HsEntry(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # 2 digits (chapter), 4 (heading) or 6 (subheading)
    level: int  # 2, 4 or 6 (the number of digits)
    parent: str | None  # the heading of a subheading, the chapter of a heading; None for chapters
    section: str  # HS section in Roman numerals, e.g. "VI"
    description: str  # UN Comtrade's English description, the reference text
    name_zh: str | None = None  # Chinese name (Simplified), for chapters and some headings
    name_zh_hant: str | None = None  # the same name in Traditional Chinese


@cache
def _english() -> dict[str, HsEntry]:
    """The nomenclature as shipped (English descriptions), without the Chinese names."""
    return {
        row["code"]: HsEntry(
            code=row["code"],
            level=int(row["level"]),
            parent=row["parent"] or None,
            section=row["section"],
            description=row["description"],
        )
        for row in rows(DATA_FILE)
    }


@cache
def _chinese_names() -> dict[str, HsChineseName]:
    """The Chinese names table, checked against the English one; ``HsNamesError`` if bad."""
    levels = {code: entry.level for code, entry in _english().items()}
    return parse_names(rows(NAMES_FILE), levels)


@cache
def _entries() -> dict[str, HsEntry]:
    names = _chinese_names()
    entries = {}
    for code, entry in _english().items():
        name = names.get(code)
        if name is not None:
            entry = msgspec.structs.replace(
                entry, name_zh=name.name_zh, name_zh_hant=name.name_zh_hant
            )
        entries[code] = entry
    return entries


@cache
def subheadings() -> frozenset[str]:
    """Every 6-digit HS 2022 subheading code (all that clearance checks need: no Chinese
    names are loaded for it)."""
    return frozenset(code for code, entry in _english().items() if entry.level == 6)


@cache
def _children() -> dict[str, tuple[HsEntry, ...]]:
    children: dict[str, list[HsEntry]] = {}
    for entry in _entries().values():
        if entry.parent is not None:
            children.setdefault(entry.parent, []).append(entry)
    return {parent: tuple(kids) for parent, kids in children.items()}


def is_hs_code(code: str) -> bool:
    """A China 10-digit commodity code (ASCII digits only) whose 6-digit prefix is a real
    HS 2022 subheading, e.g. ``3304990099`` (330499 skin-care preparations)."""
    return (
        len(code) == CHINA_CODE_LENGTH
        and code.isascii()
        and code.isdigit()
        and code[:6] in subheadings()
    )


def hs_entry(code: str) -> HsEntry | None:
    """The chapter, heading or subheading with this code; a longer national code (8 or 10
    digits) resolves to its 6-digit subheading. None when there is no such entry."""
    if not (code.isascii() and code.isdigit()):
        return None
    if len(code) in NATIONAL_CODE_LENGTHS:
        code = code[:6]
    return _entries().get(code)


def hs_path(code: str) -> list[HsEntry]:
    """Chapter, heading and subheading leading to ``code`` (outermost first); empty if unknown."""
    path: list[HsEntry] = []
    entry = hs_entry(code)
    while entry is not None:
        path.append(entry)
        entry = _entries().get(entry.parent) if entry.parent else None
    return path[::-1]


def hs_children(code: str) -> tuple[HsEntry, ...]:
    """The headings of a chapter or the subheadings of a heading, in code order."""
    return _children().get(code, ())


def chapters() -> list[HsEntry]:
    """The 97 HS chapters in code order."""
    return [entry for entry in _entries().values() if entry.level == 2]


@cache
def _pairs() -> dict[str, str]:
    return traditional_pairs(_chinese_names().values())


def search_text(text: str) -> str:
    """``text`` folded as the search compares it (see ``hs_zh.fold``): full-width forms made
    ASCII, casefolded, Traditional characters made Simplified."""
    return fold(text, _pairs())


class _Indexed(msgspec.Struct, frozen=True):
    entry: HsEntry
    text: str  # every searchable text of the entry, folded, one per line
    phrases: frozenset[str]  # the whole English description, Chinese names and terms, folded


@cache
def _search_index() -> tuple[_Indexed, ...]:
    names = _chinese_names()
    index = []
    for entry in _entries().values():
        texts = [entry.description]
        if (name := names.get(entry.code)) is not None:
            texts += [name.name_zh, name.name_zh_hant, *name.terms_zh, *name.terms_zh_hant]
        phrases = frozenset(search_text(text) for text in texts)
        index.append(_Indexed(entry, "\n".join(sorted(phrases)), phrases))
    return tuple(index)


def search_hs(text: str, limit: int = 20) -> list[HsEntry]:
    """Entries matching a search, at most ``limit``.

    A run of digits (dots and spaces ignored) matches codes starting with it, in code order;
    a longer national code (``0402290000``) finds the HS entries it falls under, most
    specific first.
    Otherwise every word must occur in the entry's English description, Chinese names or
    Chinese search words (奶粉, 面霜 …); Traditional and Simplified input, full-width and
    ASCII, upper and lower case all match alike. Entries where the whole query is a name or
    search word (``奶粉``) come first, then the rest, each in code order.
    """
    query = search_text(text.strip())
    digits = query.replace(".", "").replace(" ", "")
    if digits.isascii() and digits.isdigit():
        found = [entry for code, entry in _entries().items() if code.startswith(digits)]
        if not found and len(digits) > 6:
            # a national tariff code (8 or 10 digits, e.g. CEB621 gcode 0402290000) is found
            # as the HS entries it falls under, the most specific first
            found = [entry for code, entry in _entries().items() if digits.startswith(code)]
            found.reverse()
        return found[:limit]
    words = re.findall(r"\w+", query)
    if not words:
        return []
    whole = " ".join(words)
    exact: list[HsEntry] = []
    partial: list[HsEntry] = []
    for indexed in _search_index():
        if all(word in indexed.text for word in words):
            (exact if whole in indexed.phrases else partial).append(indexed.entry)
            if len(exact) == limit:
                break
    return (exact + partial)[:limit]
