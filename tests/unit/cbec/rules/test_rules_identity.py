"""GB 11643-1999 resident identity numbers, with the check character computed here afresh."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from tradewindow.cbec.rules.identity import check_character, mask, resident_id_problem

TODAY = date(2026, 3, 1)


def _iso7064_mod11_2(first17: str) -> str:
    """ISO 7064 MOD 11-2, written from the standard's definition (weights 2^(i-1) mod 11)."""
    total = sum(int(digit) * pow(2, 17 - i, 11) for i, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["110105", "310115", "440305", "510104", "650102", "810000"]))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(min_value=0, max_value=999))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + _iso7064_mod11_2(first17)


def test_standard_example() -> None:
    assert _iso7064_mod11_2("11010519491231002") == "X"
    assert resident_id_problem("11010519491231002X", TODAY) is None


@given(resident_ids())
def test_check_character_agrees_with_iso7064(number: str) -> None:
    assert check_character(number[:17]) == number[17]
    assert resident_id_problem(number, TODAY) is None


@given(resident_ids(), st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused(number: str, wrong: str) -> None:
    if wrong != number[17]:
        assert resident_id_problem(number[:17] + wrong, TODAY) == (
            "has a wrong check character",
            "校验码错误",
        )


def test_region_must_be_a_province() -> None:
    number = "99010519491231002"
    assert resident_id_problem(number + _iso7064_mod11_2(number), TODAY) == (
        "has no valid region code",
        "地址码（行政区划）无效",
    )


def test_birth_date_must_be_real_and_past() -> None:
    for born in ("19490230", "20260302", "18991231"):
        number = f"110105{born}002"
        problem = resident_id_problem(number + _iso7064_mod11_2(number), TODAY)
        assert problem is not None
        assert problem[0] == "has no real birth date"


def test_shape_is_18_ascii_characters() -> None:
    for number in (
        "11010519491231002",
        "11010519491231002XX",
        "１1010519491231002X",
        "1101051949123100ZX",
    ):
        assert resident_id_problem(number, TODAY) is not None


def test_lowercase_x_is_not_the_check_character() -> None:
    assert resident_id_problem("11010519491231002x", TODAY) is not None


def test_mask_keeps_only_the_last_four() -> None:
    assert mask("11010519491231002X") == "**************002X"
    assert mask("13800138000") == "*******8000"
    assert mask("1234") == "****"
