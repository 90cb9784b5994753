"""Goods that market procurement trade (1039) excludes: a dated table by HS prefix.

``data/market-procurement-excluded.csv`` names its source (GACC Announcement 2019 No. 221 and
the catalogues it refers to) and says it is an illustrative subset; a row applies from
``valid_from`` to ``valid_until`` (inclusive; empty: still in force).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from functools import cache

import msgspec

from tradewindow.reference.datafiles import rows

DATA_FILE = "market-procurement-excluded.csv"


class Reason(StrEnum):
    LICENCE = "licence"
    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"


class Exclusion(msgspec.Struct, frozen=True, kw_only=True):
    hs_prefix: str
    reason: Reason
    name_en: str
    name_zh: str
    valid_from: date
    valid_until: date | None

    def applies(self, hs_code: str, day: date) -> bool:
        in_force = self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)
        return in_force and hs_code.startswith(self.hs_prefix)


@cache
def exclusions() -> tuple[Exclusion, ...]:
    return tuple(
        Exclusion(
            hs_prefix=row["hs_prefix"],
            reason=Reason(row["reason"]),
            name_en=row["name_en"],
            name_zh=row["name_zh"],
            valid_from=date.fromisoformat(row["valid_from"]),
            valid_until=date.fromisoformat(row["valid_until"]) if row["valid_until"] else None,
        )
        for row in rows(DATA_FILE)
    )


def exclusion_for(hs_code: str, day: date) -> Exclusion | None:
    """The row excluding goods of ``hs_code`` from 1039 on ``day``, None when none does (the
    longest matching prefix wins)."""
    found = [row for row in exclusions() if row.applies(hs_code, day)]
    return max(found, key=lambda row: len(row.hs_prefix)) if found else None
