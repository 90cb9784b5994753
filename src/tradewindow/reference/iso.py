"""ISO 3166-1 countries and ISO 4217 currencies, from pycountry."""

from __future__ import annotations

from functools import cache

import msgspec
import pycountry


class IsoCountry(msgspec.Struct, frozen=True, kw_only=True):
    alpha2: str
    alpha3: str
    numeric: str  # three digits, e.g. "156"
    name: str


class IsoCurrency(msgspec.Struct, frozen=True, kw_only=True):
    alpha3: str
    numeric: str
    name: str


@cache
def _countries() -> dict[str, IsoCountry]:
    index: dict[str, IsoCountry] = {}
    for record in pycountry.countries:
        country = IsoCountry(
            alpha2=record.alpha_2,
            alpha3=record.alpha_3,
            numeric=record.numeric,
            name=record.name,
        )
        index[country.alpha2] = index[country.alpha3] = index[country.numeric] = country
    return index


@cache
def _currencies() -> dict[str, IsoCurrency]:
    index: dict[str, IsoCurrency] = {}
    for record in pycountry.currencies:
        currency = IsoCurrency(alpha3=record.alpha_3, numeric=record.numeric, name=record.name)
        index[currency.alpha3] = index[currency.numeric] = currency
    return index


def iso_country(code: str) -> IsoCountry | None:
    """The country with this alpha-2, alpha-3 or numeric code (letters in any case)."""
    return _countries().get(code.upper())


def iso_currency(code: str) -> IsoCurrency | None:
    """The currency with this alphabetic or numeric ISO 4217 code (letters in any case)."""
    return _currencies().get(code.upper())


def iso_countries() -> list[IsoCountry]:
    """Every current ISO 3166-1 country, by alpha-2 code."""
    unique = {country.alpha2: country for country in _countries().values()}
    return [unique[code] for code in sorted(unique)]
