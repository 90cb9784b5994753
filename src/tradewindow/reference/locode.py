"""UN/LOCODE (UNECE, release 2023-2): five-character location codes such as ``CNSZX``.

The code is the ISO 3166-1 alpha-2 country followed by a three-character location. A few
codes carry two names (bilingual places such as Brussel/Bruxelles); the first is the
entry's ``name``, the others are in ``other_names``.
"""

from __future__ import annotations

import re
from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows

DATA_FILE = "unlocode.csv.gz"
LOCODE_LENGTH = 5
_COORDINATES = re.compile(r"(\d{2})(\d{2})([NS]) (\d{3})(\d{2})([EW])")

# Function classifier positions (UN/LOCODE manual, section 3.3.7).
FUNCTIONS = {
    "1": "port",
    "2": "rail terminal",
    "3": "road terminal",
    "4": "airport",
    "5": "postal exchange office",
    "6": "multimodal function",
    "7": "fixed transport installation",
    "B": "border crossing",
}


class Locode(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # e.g. "CNSZX"
    country: str  # ISO 3166-1 alpha-2, e.g. "CN"
    name: str
    name_ascii: str  # the name without diacritics
    subdivision: str  # ISO 3166-2 subdivision without the country, e.g. "GD"; may be ""
    function: str  # 8 positions, e.g. "12345---"
    status: str  # e.g. "AI", "RL", "AS"
    iata: str  # IATA code when it differs from the location part; usually ""
    coordinates: str  # UNECE "DDMMN DDDMME", or ""
    other_names: tuple[str, ...] = ()

    def has_function(self, classifier: str) -> bool:
        """Whether the location has a function, by classifier: "1" port … "B" border crossing."""
        return classifier in self.function

    def position(self) -> tuple[float, float] | None:
        """Latitude and longitude in decimal degrees, or None when not recorded."""
        match = _COORDINATES.fullmatch(self.coordinates)
        if match is None:
            return None
        lat_d, lat_m, ns, lon_d, lon_m, ew = match.groups()
        latitude = int(lat_d) + int(lat_m) / 60
        longitude = int(lon_d) + int(lon_m) / 60
        return (-latitude if ns == "S" else latitude, -longitude if ew == "W" else longitude)


@cache
def _locodes() -> dict[str, Locode]:
    index: dict[str, Locode] = {}
    for row in rows(DATA_FILE):
        code = row["country"] + row["location"]
        known = index.get(code)
        if known is not None:
            index[code] = msgspec.structs.replace(
                known, other_names=(*known.other_names, row["name"])
            )
            continue
        index[code] = Locode(
            code=code,
            country=row["country"],
            name=row["name"],
            name_ascii=row["name_ascii"],
            subdivision=row["subdivision"],
            function=row["function"],
            status=row["status"],
            iata=row["iata"],
            coordinates=row["coordinates"],
        )
    return index


def locode(code: str) -> Locode | None:
    """The location with this UN/LOCODE (case-insensitive; a space after the country is
    tolerated, as in "CN SZX"), or None."""
    return _locodes().get(code.replace(" ", "").upper())


def is_locode(code: str) -> bool:
    """Whether ``code`` is exactly a five-character UN/LOCODE of release 2023-2."""
    return len(code) == LOCODE_LENGTH and code in _locodes()


def locodes_in(country: str) -> list[Locode]:
    """Every location of an ISO alpha-2 country, in code order."""
    prefix = country.upper()
    return sorted(
        (entry for entry in _locodes().values() if entry.country == prefix),
        key=lambda entry: entry.code,
    )


def all_locodes() -> list[Locode]:
    """Every location of the shipped UN/LOCODE edition, in code order."""
    return sorted(_locodes().values(), key=lambda entry: entry.code)
