"""China Customs transport modes (运输方式) and CEB package types (包装种类 wrapType)."""

from __future__ import annotations

from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows

TRANSPORT_FILE = "transport-modes.csv"
WRAP_FILE = "wrap-types.csv"


class TransportMode(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # one character, e.g. "5"
    name_zh: str  # e.g. "航空运输"
    name_en: str
    crosses_border: bool  # a means of transport across the border, not a kind of area


class WrapType(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # one digit, e.g. "2"
    name_zh: str  # e.g. "纸箱"
    name_en: str


@cache
def _transport_modes() -> dict[str, TransportMode]:
    return {
        row["code"]: TransportMode(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            crosses_border=_yes_no(row["crosses_border"], row["code"]),
        )
        for row in rows(TRANSPORT_FILE)
    }


def _yes_no(text: str, code: str) -> bool:
    if text not in ("yes", "no"):
        raise ValueError(f"{TRANSPORT_FILE}: crosses_border of {code} is {text!r}, not yes/no")
    return text == "yes"


@cache
def _wrap_types() -> dict[str, WrapType]:
    return {
        row["code"]: WrapType(code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"])
        for row in rows(WRAP_FILE)
    }


def transport_mode(code: str) -> TransportMode | None:
    """The transport mode with this one-character code, or None."""
    return _transport_modes().get(code)


def transport_modes() -> list[TransportMode]:
    return list(_transport_modes().values())


@cache
def transport_mode_codes() -> frozenset[str]:
    return frozenset(_transport_modes())


@cache
def border_crossing_mode_codes() -> frozenset[str]:
    """The modes that are a means of transport across the border (2-6, 9, G, L)."""
    return frozenset(code for code, mode in _transport_modes().items() if mode.crosses_border)


def wrap_type(code: str) -> WrapType | None:
    """The CEB package type with this one-digit code, or None."""
    return _wrap_types().get(code)


def wrap_types() -> list[WrapType]:
    return list(_wrap_types().values())


@cache
def wrap_type_codes() -> frozenset[str]:
    return frozenset(_wrap_types())
