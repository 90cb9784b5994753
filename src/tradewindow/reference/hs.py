"""The Harmonized System, edition 2022: chapters, headings and 6-digit subheadings.

China's 10-digit commodity codes (商品编号, 税则号列 + 附加编号) extend an HS subheading
with four national digits. The national lines are not published as open data, so a
10-digit code is accepted when its first six digits are a real HS 2022 subheading.
"""

from __future__ import annotations

import re
from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows

DATA_FILE = "hs2022.csv"
CHINA_CODE_LENGTH = 10
NATIONAL_CODE_LENGTHS = (8, CHINA_CODE_LENGTH)  # 税则号列 and 商品编号


class HsEntry(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # 2 digits (chapter), 4 (heading) or 6 (subheading)
    level: int  # 2, 4 or 6 (the number of digits)
    parent: str | None  # the heading of a subheading, the chapter of a heading; None for chapters
    section: str  # HS section in Roman numerals, e.g. "VI"
    description: str


@cache
def _entries() -> dict[str, HsEntry]:
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
def subheadings() -> frozenset[str]:
    """Every 6-digit HS 2022 subheading code."""
    return frozenset(code for code, entry in _entries().items() if entry.level == 6)


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
def _search_index() -> tuple[tuple[str, HsEntry], ...]:
    return tuple((entry.description.casefold(), entry) for entry in _entries().values())


def search_hs(text: str, limit: int = 20) -> list[HsEntry]:
    """Entries matching a search: a run of digits matches codes starting with it; words match
    descriptions containing every word (case-insensitive). Code order, at most ``limit``."""
    query = text.strip()
    digits = query.replace(".", "").replace(" ", "")
    if digits.isascii() and digits.isdigit():
        return [entry for code, entry in _entries().items() if code.startswith(digits)][:limit]
    words = re.findall(r"\w+", query.casefold())
    if not words:
        return []
    found: list[HsEntry] = []
    for description, entry in _search_index():
        if all(word in description for word in words):
            found.append(entry)
            if len(found) == limit:
                break
    return found
