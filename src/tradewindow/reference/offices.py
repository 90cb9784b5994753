"""China Customs districts and offices (关区代码, JGS/T 18), with their Greater Bay Area city.

A code has four digits: the first two name the directly-under customs district (直属海关),
the last two a subordinate office or supervision site; the district itself ends in 00
(5300 Shenzhen Customs, 5301 its Huanggang office). The table lists every district but only a
few subordinate offices, so ``is_customs_office`` accepts any office under a known district.
"""

from __future__ import annotations

from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows
from tradewindow.reference.gba import GbaCity, gba_city

DATA_FILE = "customs-offices.csv"
OFFICE_CODE_LENGTH = 4
GUANGDONG_DISTRICTS = frozenset({"5100", "5200", "5300", "5700", "6000", "6700", "6800"})


class CustomsOffice(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # e.g. "5301"
    district: str  # the directly-under customs district, e.g. "5300"; itself for a district
    name_zh: str
    name_en: str
    gba_city: str | None  # key of the GBA city it sits in (district: its seat), e.g. "shenzhen"

    @property
    def is_district(self) -> bool:
        return self.code == self.district

    def city(self) -> GbaCity | None:
        return gba_city(self.gba_city) if self.gba_city else None


@cache
def _offices() -> dict[str, CustomsOffice]:
    return {
        row["code"]: CustomsOffice(
            code=row["code"],
            district=row["district"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            gba_city=row["gba_city"] or None,
        )
        for row in rows(DATA_FILE)
    }


@cache
def customs_office_codes() -> frozenset[str]:
    """Every code ``is_customs_office`` accepts: the 100 codes under each known district."""
    prefixes = {office.code[:2] for office in _offices().values() if office.is_district}
    return frozenset(f"{prefix}{number:02d}" for prefix in prefixes for number in range(100))


def customs_office(code: str) -> CustomsOffice | None:
    """The district or office listed with this code, or None (also for an unlisted office of
    a known district: use ``customs_district`` for those)."""
    return _offices().get(code)


def customs_district(code: str) -> CustomsOffice | None:
    """The directly-under customs district a 4-digit district or office code belongs to."""
    if len(code) != OFFICE_CODE_LENGTH:
        return None
    return _offices().get(code[:2] + "00")


def is_customs_office(code: str) -> bool:
    """Four ASCII digits naming a known district or an office under one (e.g. 5300, 5345)."""
    return code in customs_office_codes()


def customs_districts() -> list[CustomsOffice]:
    """Every directly-under customs district, in code order."""
    return sorted(
        (office for office in _offices().values() if office.is_district),
        key=lambda office: office.code,
    )


def customs_offices(district: str | None = None) -> list[CustomsOffice]:
    """Every listed district and office, or those of one district, in code order."""
    return sorted(
        (
            office
            for office in _offices().values()
            if district is None or office.district == district
        ),
        key=lambda office: office.code,
    )
