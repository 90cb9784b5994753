"""``rec20_unit`` reads UN/CEFACT Rec 20 from shared/data when there is one, else says None."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradewindow.reference import customs_units, rec20_unit
from tradewindow.reference.shared_data import ENV_VAR, shared_data_dir

SHARED = shared_data_dir()
needs_shared = pytest.mark.skipif(SHARED is None, reason="shared/data not on this machine")


@needs_shared
def test_known_rec20_codes() -> None:
    kilogram = rec20_unit("KGM")
    assert kilogram is not None
    assert (kilogram.name, kilogram.symbol) == ("kilogram", "kg")
    piece = rec20_unit("h87")
    assert piece is not None
    assert piece.name == "piece"
    assert rec20_unit("PCE") is None  # removed from Rec 20; piece is H87
    assert rec20_unit("NOPE") is None


@needs_shared
def test_every_customs_rec20_code_is_a_current_rec20_unit() -> None:
    for unit in customs_units():
        if unit.rec20 is None:
            continue
        found = rec20_unit(unit.rec20)
        assert found is not None, unit.code
        assert found.status == "", (unit.code, unit.rec20, found.status)


def test_missing_shared_data_gives_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "absent"))
    assert shared_data_dir() is None
    assert rec20_unit("KGM") is None


def test_configured_folder_without_rec20_gives_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert shared_data_dir() == tmp_path
    assert rec20_unit("KGM") is None


def test_walks_up_to_find_shared_data(tmp_path: Path) -> None:
    (tmp_path / "shared" / "data").mkdir(parents=True)
    deep = tmp_path / "repo" / "src" / "pkg"
    deep.mkdir(parents=True)
    assert shared_data_dir(env={}, start=deep) == tmp_path / "shared" / "data"
