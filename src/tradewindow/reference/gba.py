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
        )
        for row in rows(DATA_FILE)
    }


def gba_cities() -> list[GbaCity]:
    """The nine mainland cities, then Hong Kong and Macao, in the table's order."""
    return list(_cities().values())


def gba_city(key: str) -> GbaCity | None:
    """The city with this key (e.g. "dongguan"), or None."""
    return _cities().get(key)
