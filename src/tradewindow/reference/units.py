"""China Customs measurement units (计量单位), with their UN/CEFACT Rec 20 equivalents.

The customs table is shipped; the Rec 20 code list itself is not (its only machine-readable
copy here is GPL-licensed). ``rec20_unit`` reads it from the project's ``shared/data`` folder
when that exists (see ``shared_data``) and returns None otherwise, so nothing that must work in
production depends on it.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import msgspec

from tradewindow.reference.datafiles import rows
from tradewindow.reference.shared_data import shared_data_dir

DATA_FILE = "customs-units.csv"
REC20_FILES = (
    "uncefact/rec20-units-of-measure-annex-I.csv",
    "uncefact/rec20-units-of-measure-annex-II-III.csv",
)
KILOGRAM = "035"


class CustomsUnit(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # e.g. "035"
    name_zh: str  # e.g. "千克"
    name_en: str
    rec20: str | None  # UN/CEFACT Rec 20 common code, e.g. "KGM"; None when none is the same


class Rec20Unit(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # e.g. "KGM"
    name: str  # e.g. "kilogram"
    symbol: str  # may be ""
    conversion_factor: str  # as printed in Rec 20, e.g. "10⁻³ kg"; may be ""
    status: str  # "" current, "D" deprecated, "X" deleted (Rec 20 status column)


@cache
def _units() -> dict[str, CustomsUnit]:
    return {
        row["code"]: CustomsUnit(
            code=row["code"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            rec20=row["rec20"] or None,
        )
        for row in rows(DATA_FILE)
    }


def customs_unit(code: str) -> CustomsUnit | None:
    """The unit with this 3-digit customs code, or None."""
    return _units().get(code)


def customs_units() -> list[CustomsUnit]:
    """Every customs unit in code order."""
    return sorted(_units().values(), key=lambda unit: unit.code)


@cache
def customs_unit_codes() -> frozenset[str]:
    return frozenset(_units())


def _read_rec20(folder: Path) -> dict[str, Rec20Unit]:
    units: dict[str, Rec20Unit] = {}
    for name in REC20_FILES:
        path = folder / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                # annex I and annexes II/III spell their columns differently
                code = row.get("Common Code") or row.get("CommonCode") or ""
                if not code or code in units:
                    continue
                units[code] = Rec20Unit(
                    code=code,
                    name=row.get("Name", ""),
                    symbol=row.get("Symbol", "") or "",
                    conversion_factor=(
                        row.get("Conversion Factor") or row.get("ConversionFactor") or ""
                    ),
                    status=row.get("Status", "") or "",
                )
    return units


@cache
def _rec20(folder: Path | None) -> dict[str, Rec20Unit]:
    return {} if folder is None else _read_rec20(folder)


def rec20_unit(code: str) -> Rec20Unit | None:
    """The UN/CEFACT Rec 20 unit with this common code, read from ``shared/data`` (found via
    ``TRADEWINDOW_SHARED_DATA`` or by walking up from here); None when the code is unknown or
    the Rec 20 files are not on this machine."""
    return _rec20(shared_data_dir()).get(code.upper())
