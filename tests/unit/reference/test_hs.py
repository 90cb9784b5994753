"""HS 2022: chapters, headings, subheadings, lookups and search."""

from __future__ import annotations

import pytest

from tradewindow.reference import chapters, hs_children, hs_entry, hs_path, is_hs_code, search_hs
from tradewindow.reference.hs import subheadings


def test_counts_match_the_source() -> None:
    # shared/data SOURCES.md: 97 chapters, 1229 headings, 5613 subheadings, less UN Comtrade's
    # chapter 99 / 9999 / 999999 "not specified according to kind", which is not HS
    assert len(chapters()) == 96
    assert sum(len(hs_children(chapter.code)) for chapter in chapters()) == 1228
    assert len(subheadings()) == 5612
    assert hs_entry("77") is None  # chapter 77 is reserved in the HS


@pytest.mark.parametrize(
    ("code", "level", "parent", "words"),
    [
        ("33", 2, None, "perfumery"),
        ("3304", 4, "33", "beauty, make-up"),
        ("330499", 6, "3304", "for the care of the skin"),
        ("040221", 6, "0402", "in powder"),
        ("851713", 6, "8517", "smartphones"),
    ],
)
def test_lookup_at_every_level(code: str, level: int, parent: str | None, words: str) -> None:
    entry = hs_entry(code)
    assert entry is not None
    assert (entry.level, entry.parent) == (level, parent)
    assert words in entry.description


def test_national_codes_resolve_to_their_subheading() -> None:
    entry = hs_entry("3304990099")
    assert entry is not None
    assert entry.code == "330499"
    assert [e.code for e in hs_path("3304990099")] == ["33", "3304", "330499"]


@pytest.mark.parametrize(
    "code", ["", "3", "999999", "99", "33O4", "３３", "330499x", "3304990", "33049900999"]
)
def test_unknown_codes(code: str) -> None:
    assert hs_entry(code) is None
    assert hs_path(code) == []


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("3304990099", True),
        ("0402210000", True),
        ("9999999999", False),
        ("33049900", False),
        ("33O4990099", False),
        ("3304990099 ", False),
        ("３３04990099", False),  # full-width digits are digits to str.isdigit, not to customs
        ("3304000000", False),  # 330400 is not a subheading
    ],
)
def test_is_hs_code(code: str, valid: bool) -> None:
    assert is_hs_code(code) is valid


def test_children_and_parents_agree() -> None:
    for heading in hs_children("33"):
        assert heading.parent == "33"
        for subheading in hs_children(heading.code):
            assert subheading.parent == heading.code
            assert subheading.code.startswith(heading.code)


def test_search_by_words_and_code() -> None:
    found = search_hs("milk powder")
    assert found
    assert all("milk" in e.description.lower() and "powder" in e.description.lower() for e in found)
    assert {e.code for e in search_hs("0402")} >= {"0402", "040210", "040221"}
    assert [e.code for e in search_hs("33.04", limit=2)] == ["3304", "330410"]
    assert search_hs("zzzzqqq") == []
    assert search_hs("   ") == []


def test_a_national_ten_digit_code_finds_the_entries_it_falls_under() -> None:
    for typed in ("0402290000", "0402.29.00.00", "04022900"):
        assert [e.code for e in search_hs(typed)] == ["040229", "0402", "04"], typed
    assert search_hs("9999999999") == []  # no HS entry above it: nothing, not everything
