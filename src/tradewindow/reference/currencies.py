"""China Customs currency codes (币制), mapped to ISO 4217: 142 CNY, 502 USD, 300 EUR …"""

from __future__ import annotations

from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows
from tradewindow.reference.iso import iso_currency

DATA_FILE = "customs-currencies.csv"
CNY = "142"


class CustomsCurrency(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # e.g. "502"
    iso_alpha3: str  # e.g. "USD"
    iso_numeric: str  # e.g. "840"
    name_zh: str
    name_en: str


@cache
def _currencies() -> dict[str, CustomsCurrency]:
    table: dict[str, CustomsCurrency] = {}
    for row in rows(DATA_FILE):
        iso = iso_currency(row["iso_alpha3"])
        if iso is None:  # a data error, caught by the tests; never silently mapped
            raise ValueError(f"{DATA_FILE}: {row['code']} maps to unknown {row['iso_alpha3']}")
        table[row["code"]] = CustomsCurrency(
            code=row["code"],
            iso_alpha3=iso.alpha3,
            iso_numeric=iso.numeric,
            name_zh=row["name_zh"],
            name_en=row["name_en"],
        )
    return table


@cache
def _by_iso() -> dict[str, CustomsCurrency]:
    return {currency.iso_alpha3: currency for currency in _currencies().values()}


def customs_currency(code: str) -> CustomsCurrency | None:
    """The currency with this 3-digit customs code, or None."""
    return _currencies().get(code)


def customs_currency_for_iso(alpha3: str) -> CustomsCurrency | None:
    """The customs currency for an ISO 4217 alphabetic code (any case), or None."""
    return _by_iso().get(alpha3.upper())


def customs_currencies() -> list[CustomsCurrency]:
    """Every customs currency in code order."""
    return sorted(_currencies().values(), key=lambda currency: currency.code)


@cache
def customs_currency_codes() -> frozenset[str]:
    return frozenset(_currencies())
