"""Chinese text in the page's script: the cores write Chinese once, in Simplified; a
Traditional (zh-Hant) page writes it through the reviewed term table
``messages/zh-Hant-terms.tsv`` — longest term first, so 海关注册 and 发票 and 头发 come out
as whole words (海關註冊, 發票, 頭髮), never character by character. A character no term
covers is left as it is (the tests check that every Chinese text the code holds is
covered). ``to_hans`` runs the table the other way, so Traditional input finds what the code
tables name in Simplified (韓國 finds 韩国).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

TERMS = Path(__file__).parent / "messages" / "zh-Hant-terms.tsv"


def to_hant(text: str) -> str:
    """``text`` (Simplified) in Traditional Chinese, term by term."""
    table, longest = _table(False)
    return _convert(text, table, longest)


def to_hans(text: str) -> str:
    """``text`` (Traditional, or mixed) in Simplified Chinese, term by term."""
    table, longest = _table(True)
    return _convert(text, table, longest)


def in_script(text: str | None, language: str) -> str:
    """A Simplified text as a page in ``language`` writes it (Traditional for zh-Hant)."""
    if not text:
        return text or ""
    return to_hant(text) if language == "zh-Hant" else text


def _convert(text: str, table: dict[str, str], longest: int) -> str:
    out: list[str] = []
    position, end = 0, len(text)
    while position < end:
        if text[position] < "\u3400":  # no Chinese term starts here
            out.append(text[position])
            position += 1
            continue
        for size in range(min(longest, end - position), 0, -1):
            found = table.get(text[position : position + size])
            if found is not None:
                out.append(found)
                position += size
                break
        else:
            out.append(text[position])
            position += 1
    return "".join(out)


@cache
def _table(reverse: bool) -> tuple[dict[str, str], int]:
    table: dict[str, str] = {}
    for line in TERMS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        simplified, traditional = line.split("\t")[:2]
        if reverse:
            table.setdefault(traditional, simplified)
        else:
            table[simplified] = traditional
    if reverse:
        # reading input, also each character of the table's own words, so that part of a
        # name (皇崗 of 皇崗海關) finds it too: search is forgiving, pages are not
        for traditional, simplified in list(table.items()):
            if len(traditional) == len(simplified):
                for t, s in zip(traditional, simplified, strict=True):
                    table.setdefault(t, s)
    return table, max((len(term) for term in table), default=1)
