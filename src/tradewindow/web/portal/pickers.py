"""The code lists the filing forms offer beside their inputs, from the reference tables."""

from __future__ import annotations

from functools import cache

from tradewindow.reference.countries import customs_countries
from tradewindow.reference.currencies import customs_currencies
from tradewindow.reference.id_types import IdType
from tradewindow.reference.offices import customs_offices
from tradewindow.reference.trade_modes import trade_modes
from tradewindow.reference.transport import transport_modes, wrap_types
from tradewindow.reference.units import customs_units

Option = tuple[str, str]  # (code, name)


def datalists(language: str) -> dict[str, list[Option]]:
    """Every picker's options in ``language`` (Chinese names for both Chinese scripts)."""
    return _lists(language == "en")


@cache
def _lists(english: bool) -> dict[str, list[Option]]:
    def named(items: list[object]) -> list[Option]:
        return [
            (item.code, item.name_en if english else item.name_zh)  # type: ignore[attr-defined]
            for item in items
        ]

    return {
        "countries": named(list(customs_countries())),
        "currencies": named(list(customs_currencies())),
        "units": named(list(customs_units())),
        "offices": named(list(customs_offices())),
        "trade-modes": named(list(trade_modes())),
        "transport-modes": named(list(transport_modes())),
        "wrap-types": named(list(wrap_types())),
        "id-types": [(t.value, t.name_en if english else t.name_zh) for t in IdType],
    }
