"""Chinese names of the HS 2022 chapters and of the headings CBEC buyers search most.

The open HS 2022 nomenclature (``hs2022.csv``, UN Comtrade) is English only. ``hs2022-zh.csv``
adds, in Simplified and Traditional Chinese, a name for every chapter and for about sixty
headings (milk powder, cosmetics, watches …) with the words people search them by (奶粉,
面霜, 纸尿裤 …). The table is tradewindow's own, written from the chapter and heading titles
of the Customs Tariff of the PRC (《中华人民共和国进出口税则》); it is not an official
translation and the English descriptions remain the reference.

A table that breaks a rule below is refused as a whole: ``parse_names`` raises
``HsNamesError`` listing every violation, each with its row, column and code.

Searching folds text (``fold``) so that Traditional and Simplified input find the same
entries: NFKC (full-width letters and digits become ASCII), casefold, then each Traditional
character becomes its Simplified counterpart. The character pairs come from this table, whose
Traditional forms are its Simplified forms converted character by character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

import msgspec

from tradewindow.violations import Violation

DATA_FILE = "hs2022-zh.csv"
COLUMNS = ("code", "name_zh", "name_zh_hant", "terms_zh", "terms_zh_hant")
TERM_SEPARATOR = "|"
RESERVED_CHAPTER = "77"  # the HS keeps chapter 77 for future use; it has no entries
CHAPTER, HEADING = 2, 4


class HsChineseName(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # a chapter (2 digits) or heading (4 digits) of HS 2022
    name_zh: str  # Simplified
    name_zh_hant: str  # Traditional, the Simplified name converted character by character
    terms_zh: tuple[str, ...]  # search words, Simplified
    terms_zh_hant: tuple[str, ...]  # the same words, Traditional, in the same order


class HsNamesError(ValueError):
    """The Chinese names table breaks one or more rules; ``violations`` lists them all."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  [{v.code}] {v.path}: {v.en}" for v in violations)
        super().__init__(f"{DATA_FILE} cannot be used ({len(violations)} problems):\n{lines}")


def parse_names(
    table: Iterable[Mapping[str, str | None]], hs_levels: Mapping[str, int]
) -> dict[str, HsChineseName]:
    """The names of a table's rows by code, checked against the HS 2022 codes ``hs_levels``
    (code → level 2, 4 or 6).

    Rules: the header names the columns; each row has one cell per column; each code is a
    chapter or heading of ``hs_levels`` (77 is reserved), given once; every chapter has a
    row; no name is empty; the Traditional name has the Simplified name's length; the term
    lists pair up, term for term, with no empty term.
    Raises ``HsNamesError`` with every violation found.
    """
    violations: list[Violation] = []
    names: dict[str, HsChineseName] = {}
    given: set[str] = set()  # codes of every row, refused or not
    for number, row in enumerate(table, start=1):
        path = f"row[{number}]"
        if number == 1 and sorted(key for key in row if key is not None) != sorted(COLUMNS):
            header = [key for key in row if key is not None]
            raise HsNamesError([_header_wrong(header)])  # no row can be read
        # csv.DictReader files surplus cells under the key None, and fills short rows with None
        if any(row[column] is None for column in COLUMNS) or len(row) != len(COLUMNS):
            violations.append(_cells_miscounted(path))
            given.add((row.get("code") or "").strip())  # reported here, not as missing
            continue
        cells = {column: (row[column] or "").strip() for column in COLUMNS}
        found = _row_violations(path, cells, hs_levels, given)
        given.add(cells["code"])
        violations.extend(found)
        if not found:
            names[cells["code"]] = _name(cells)
    for code in sorted(code for code, level in hs_levels.items() if level == CHAPTER):
        if code not in given:
            violations.append(_chapter_missing(code))
    if violations:
        raise HsNamesError(violations)
    return names


def _row_violations(
    path: str,
    cells: Mapping[str, str],
    hs_levels: Mapping[str, int],
    given: set[str],
) -> list[Violation]:
    code = cells["code"]
    found: list[Violation] = []
    if code == RESERVED_CHAPTER:
        found.append(
            _violation(
                f"{path}/code",
                "hs_zh.code.reserved",
                "chapter 77 is reserved in the HS for future use and has no entries",
                "第77章在协调制度中保留为将来所用，没有商品条目",
            )
        )
    elif len(code) not in (CHAPTER, HEADING) or not (code.isascii() and code.isdigit()):
        found.append(
            _violation(
                f"{path}/code",
                "hs_zh.code.malformed",
                f"code {code!r} is not a 2-digit chapter or 4-digit heading",
                f"编码“{code}”不是2位章号或4位品目号",
            )
        )
    elif code not in hs_levels:
        found.append(
            _violation(
                f"{path}/code",
                "hs_zh.code.unknown",
                f"code {code} is not in the HS 2022 table (hs2022.csv)",
                f"编码{code}不在HS 2022目录（hs2022.csv）中",
            )
        )
    elif code in given:
        found.append(
            _violation(
                f"{path}/code",
                "hs_zh.code.duplicate",
                f"code {code} has more than one row",
                f"编码{code}出现不止一次",
            )
        )
    found.extend(_text_violations(path, cells))
    return found


def _text_violations(path: str, cells: Mapping[str, str]) -> list[Violation]:
    found: list[Violation] = []
    for column in ("name_zh", "name_zh_hant"):
        if not cells[column]:
            found.append(
                _violation(
                    f"{path}/{column}",
                    "hs_zh.name.empty",
                    f"{column} is empty",
                    f"{column}为空",
                )
            )
    if cells["name_zh"] and cells["name_zh_hant"]:
        found.extend(_pair(f"{path}/name_zh_hant", cells["name_zh"], cells["name_zh_hant"]))
    simplified, traditional = _terms(cells["terms_zh"]), _terms(cells["terms_zh_hant"])
    for column, terms in (("terms_zh", simplified), ("terms_zh_hant", traditional)):
        if any(not term for term in terms):
            found.append(
                _violation(
                    f"{path}/{column}",
                    "hs_zh.term.empty",
                    f'{column} has an empty term (separate terms by one "|")',
                    f"{column}含有空的检索词（检索词之间用一个“|”分隔）",
                )
            )
    if len(simplified) != len(traditional):
        found.append(
            _violation(
                f"{path}/terms_zh_hant",
                "hs_zh.terms.unpaired",
                f"{len(traditional)} Traditional terms for {len(simplified)} Simplified ones",
                f"繁体检索词{len(traditional)}个，简体检索词{len(simplified)}个，不能一一对应",
            )
        )
    else:
        for number, pair in enumerate(zip(simplified, traditional, strict=True), start=1):
            if all(pair):
                found.extend(_pair(f"{path}/terms_zh_hant[{number}]", *pair))
    return found


def _pair(path: str, simplified: str, traditional: str) -> list[Violation]:
    if len(simplified) == len(traditional):
        return []
    return [
        _violation(
            path,
            "hs_zh.hant.length",
            f"the Traditional form {traditional!r} is not {simplified!r} converted character by"
            " character (lengths differ)",
            f"繁体“{traditional}”与简体“{simplified}”长度不同，不是逐字转换",
        )
    ]


def _terms(cell: str) -> list[str]:
    return [term.strip() for term in cell.split(TERM_SEPARATOR)] if cell else []


def _name(cells: Mapping[str, str]) -> HsChineseName:
    return HsChineseName(
        code=cells["code"],
        name_zh=cells["name_zh"],
        name_zh_hant=cells["name_zh_hant"],
        terms_zh=tuple(_terms(cells["terms_zh"])),
        terms_zh_hant=tuple(_terms(cells["terms_zh_hant"])),
    )


def _header_wrong(header: list[str]) -> Violation:
    return _violation(
        "header",
        "hs_zh.columns.wrong",
        f"the columns are {', '.join(header)}; expected {', '.join(COLUMNS)}",
        f"表头为{'、'.join(header)}；应为{'、'.join(COLUMNS)}",
    )


def _cells_miscounted(path: str) -> Violation:
    return _violation(
        path,
        "hs_zh.row.cells",
        f"the row does not have one cell per column ({', '.join(COLUMNS)}); quote a cell"
        " that contains a comma",
        f"该行单元格数与列数（{'、'.join(COLUMNS)}）不符；含逗号的单元格须加引号",
    )


def _chapter_missing(code: str) -> Violation:
    return _violation(
        "chapters",
        "hs_zh.chapter.missing",
        f"HS 2022 chapter {code} has no row",
        f"HS 2022第{code}章没有中文名称",
    )


def _violation(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=code, en=en, zh=zh)


# --- folding search text ------------------------------------------------------------------


def traditional_pairs(names: Iterable[HsChineseName]) -> dict[str, str]:
    """Traditional character → Simplified character, from the names' aligned forms.

    A Traditional character met with two different Simplified counterparts is left out, and
    so is one whose counterpart is itself changed by another pair (folding must settle in one
    pass); such a character stays as typed and still matches the Traditional forms, which are
    searched too.
    """
    seen: dict[str, set[str]] = {}
    for name in names:
        texts = [
            (name.name_zh, name.name_zh_hant),
            *zip(name.terms_zh, name.terms_zh_hant, strict=True),
        ]
        for simplified, traditional in texts:
            for plain, hant in zip(simplified, traditional, strict=True):
                if plain != hant:
                    seen.setdefault(hant, set()).add(plain)
    single = {hant: next(iter(plains)) for hant, plains in seen.items() if len(plains) == 1}
    return {hant: plain for hant, plain in single.items() if plain not in seen}


def fold(text: str, pairs: Mapping[str, str]) -> str:
    """``text`` as searches compare it: NFKC, casefolded, Traditional characters of
    ``pairs`` made Simplified. With pairs from ``traditional_pairs``, folding twice changes
    nothing more."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # casefold's output is not always NFKC-normal (a few letters fold to sequences NFKC
    # composes again), so repeat until the text settles
    while (again := unicodedata.normalize("NFKC", folded).casefold()) != folded:
        folded = again
    return "".join(pairs.get(character, character) for character in folded)
