"""The eleven cities of the Guangdong-Hong Kong-Macao Greater Bay Area."""

from __future__ import annotations

from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows

DATA_FILE = "gba-cities.csv"


class GbaCity(msgspec.Struct, frozen=True, kw_only=True):
    key: str  # e.g. "shenzhen", "hong-kong"
    name_en: str
    name_zh: str  # simplified
    name_zh_hant: str  # traditional
    region: str  # "mainland", "HK" or "MO"
    locode: str  # UN/LOCODE of the city, e.g. "CNSNZ"
    division: str = ""  # GB/T 2260 division, first four digits, e.g. "4403"

    @property
    def mainland(self) -> bool:
        return self.region == "mainland"


@cache
def _cities() -> dict[str, GbaCity]:
    return {
        row["key"]: GbaCity(
            key=row["key"],
            name_en=row["name_en"],
            name_zh=row["name_zh"],
            name_zh_hant=row["name_zh_hant"],
            region=row["region"],
            locode=row["locode"],
            division=row["division"],
        )
        for row in rows(DATA_FILE)
    }


def gba_cities() -> list[GbaCity]:
    """The nine mainland cities, then Hong Kong and Macao, in the table's order."""
    return list(_cities().values())


def gba_city(key: str) -> GbaCity | None:
    """The city with this key (e.g. "dongguan"), or None."""
    return _cities().get(key)


def gba_city_of_firm(code: str) -> GbaCity | None:
    """The mainland GBA city a firm is registered in, read from its code: the first four
    digits of a 10-digit customs code (海关注册编码, ``4403…`` Shenzhen) or the 3rd to 6th
    characters of an 18-digit unified social credit code (登记管理机关行政区划码), both the GB/T
    2260 division; None for any other code or a place outside the Greater Bay Area."""
    if len(code) == 10:
        division = code[:4]
    elif len(code) == 18:
        division = code[2:6]
    else:
        return None
    return _by_division().get(division) if division.isdigit() else None


@cache
def _by_division() -> dict[str, GbaCity]:
    return {city.division: city for city in _cities().values() if city.mainland}
