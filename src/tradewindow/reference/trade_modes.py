"""China Customs trade modes (监管方式), e.g. 9610 CBEC direct purchase, 1210 bonded CBEC."""

from __future__ import annotations

import enum
from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows

DATA_FILE = "trade-modes.csv"


class Direction(enum.StrEnum):
    IMPORT = "I"
    EXPORT = "E"


class TradeMode(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # e.g. "9610"
    name_zh: str  # e.g. "跨境贸易电子商务"
    short_zh: str  # the table's short name, e.g. "电子商务"
    name_en: str
    directions: frozenset[Direction]
    cbec: bool  # a cross-border e-commerce mode

    def allows(self, direction: Direction) -> bool:
        return direction in self.directions


@cache
def _modes() -> dict[str, TradeMode]:
    return {
        row["code"]: TradeMode(
            code=row["code"],
            name_zh=row["name_zh"],
            short_zh=row["short_zh"],
            name_en=row["name_en"],
            directions=frozenset(Direction(letter) for letter in row["directions"]),
            cbec=row["cbec"] == "1",
        )
        for row in rows(DATA_FILE)
    }


def trade_mode(code: str) -> TradeMode | None:
    """The trade mode with this 4-digit code, or None."""
    return _modes().get(code)


def trade_modes() -> list[TradeMode]:
    """Every trade mode in code order."""
    return sorted(_modes().values(), key=lambda mode: mode.code)


@cache
def trade_mode_codes() -> frozenset[str]:
    return frozenset(_modes())
