"""China Customs country (region) codes (国别(地区)代码), mapped to ISO 3166-1.

CEB messages carry countries as 3-digit customs codes: 142 China, 110 Hong Kong, 502 the
United States. A few customs regions are parts of an ISO country (207 Canary Islands in
Spain); the aggregates (199 "other Asian countries" … 699) and 701 "unknown" have no ISO code.
"""

from __future__ import annotations

from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows
from tradewindow.reference.iso import iso_country

DATA_FILE = "customs-countries.csv"
UNKNOWN = "701"  # 国别(地区)不详


class CustomsCountry(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # e.g. "142"
    name_zh: str
    name_en: str
    iso_alpha2: str | None  # the ISO country it denotes or lies within; None for aggregates
    iso_alpha3: str | None
    whole: bool  # True when the code denotes the whole ISO country

    @property
    def continent_aggregate(self) -> bool:
        """True for the "other countries (regions) of a continent" codes 199 … 699."""
        return self.code.endswith("99") and self.iso_alpha2 is None


@cache
def _countries() -> dict[str, CustomsCountry]:
    table: dict[str, CustomsCountry] = {}
    for row in rows(DATA_FILE):
        iso = iso_country(row["iso_alpha2"]) if row["iso_alpha2"] else None
        table[row["code"]] = CustomsCountry(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            iso_alpha2=iso.alpha2 if iso else None,
            iso_alpha3=iso.alpha3 if iso else None,
            whole=row["iso_scope"] == "whole",
        )
    return table


@cache
def _by_iso() -> dict[str, CustomsCountry]:
    index: dict[str, CustomsCountry] = {}
    for country in _countries().values():
        if country.whole and country.iso_alpha2 and country.iso_alpha3:
            index[country.iso_alpha2] = index[country.iso_alpha3] = country
    return index


def customs_country(code: str) -> CustomsCountry | None:
    """The customs country (region) with this 3-digit code, or None."""
    return _countries().get(code)


def customs_country_for_iso(code: str) -> CustomsCountry | None:
    """The customs code for a whole ISO country, by alpha-2 or alpha-3 (any case), or None."""
    return _by_iso().get(code.upper())


def customs_countries() -> list[CustomsCountry]:
    """Every customs country (region) in code order."""
    return sorted(_countries().values(), key=lambda country: country.code)


@cache
def customs_country_codes() -> frozenset[str]:
    return frozenset(_countries())
