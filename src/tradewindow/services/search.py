"""Search text folded to one script: lower case, Traditional Chinese characters as Simplified
(``data/hant-fold.tsv``, from OpenCC's character table), so a query in any of the three
scripts finds a text written in any of them. Folding is for matching only, never for display.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def _fold_table() -> dict[int, str]:
    text = resources.files("tradewindow.services").joinpath("data/hant-fold.tsv").read_text("utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[ord(traditional)] = simplified
    return table


def fold(text: str) -> str:
    """``text`` lower-cased with every Traditional character written Simplified."""
    return text.lower().translate(_fold_table())


def words(query: str) -> list[str]:
    """The folded words of a query (each must match)."""
    return fold(query).split()
