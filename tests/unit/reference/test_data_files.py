"""Every shipped data file says where it comes from, and loads."""

from __future__ import annotations

import pytest

from tradewindow.reference import (
    chapters,
    customs_countries,
    customs_currencies,
    customs_offices,
    customs_units,
    gba_cities,
    is_locode,
    trade_modes,
    transport_modes,
    wrap_types,
)
from tradewindow.reference.datafiles import data_files, rows, source_notes

EXPECTED = {
    "customs-countries.csv",
    "customs-currencies.csv",
    "customs-offices.csv",
    "customs-units.csv",
    "gba-cities.csv",
    "hs2022.csv",
    "hs2022-zh.csv",
    "trade-modes.csv",
    "transport-modes.csv",
    "unlocode.csv.gz",
    "wrap-types.csv",
}


def test_the_expected_files_are_shipped() -> None:
    assert set(data_files()) >= EXPECTED


@pytest.mark.parametrize("name", data_files())
def test_every_shipped_file_starts_with_header_comments(name: str) -> None:
    assert len(source_notes(name)) >= 2


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_header_comments_name_source_and_licence(name: str) -> None:
    notes = " ".join(source_notes(name))
    assert "Source" in notes
    assert "Licence" in notes
    assert next(iter(rows(name)))  # at least one row after the header


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_codes_are_unique(name: str) -> None:
    if name == "unlocode.csv.gz":
        return  # bilingual places repeat their code on purpose
    key = "key" if name == "gba-cities.csv" else "code"
    codes = [row[key] for row in rows(name)]
    assert len(codes) == len(set(codes))


def test_every_table_loads() -> None:
    sizes = {
        "chapters": len(chapters()),
        "countries": len(customs_countries()),
        "currencies": len(customs_currencies()),
        "offices": len(customs_offices()),
        "units": len(customs_units()),
        "gba": len(gba_cities()),
        "trade modes": len(trade_modes()),
        "transport modes": len(transport_modes()),
        "wrap types": len(wrap_types()),
    }
    assert all(size > 0 for size in sizes.values()), sizes
    assert is_locode("CNSZX")


def test_no_gpl_sourced_data_is_shipped() -> None:
    for name in EXPECTED:
        notes = " ".join(source_notes(name)).lower()
        assert "gpl" not in notes or "not shipped" in notes, name
