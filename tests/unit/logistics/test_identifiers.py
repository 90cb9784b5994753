"""ISO 6346 container numbers and IMO ship numbers: known good numbers, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.logistics.identifiers import (
    container_check_digit,
    container_problem,
    imo_check_digit,
    is_imo_number,
)


# CSQU3054383 is the example of ISO 6346 itself
@pytest.mark.parametrize("number", ["CSQU3054383", "TCLU3333338", "MSKU9070323"])
def test_known_container_numbers_are_valid(number: str) -> None:
    assert container_problem(number) is None


def test_check_digit_of_the_iso_example_is_3() -> None:
    assert container_check_digit("CSQU305438") == 3


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("CSQU3054384", "check-digit"),
        ("CSQX3054383", "category"),
        ("CSQU305438", "shape"),
        ("csqu3054383", "shape"),
        ("CS1U3054383", "shape"),
    ],
)
def test_container_problems(number: str, problem: str) -> None:
    assert container_problem(number) == problem


@pytest.mark.parametrize("number", ["9074729", "9319466", "9811000"])
def test_known_imo_numbers_are_valid(number: str) -> None:
    assert is_imo_number(number)


def test_imo_check_digit_by_hand() -> None:
    # 9×7 + 0×6 + 7×5 + 4×4 + 7×3 + 2×2 = 139 → 9
    assert imo_check_digit("907472") == 9
    assert not is_imo_number("9074728")
    assert not is_imo_number("907472")
    assert not is_imo_number("IMO9074729")


owners = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
categories = st.sampled_from("UJZ")
serials = st.integers(min_value=0, max_value=999_999)


@given(owners, categories, serials)
def test_a_number_with_its_check_digit_is_valid(owner: str, category: str, serial: int) -> None:
    first = f"{owner}{category}{serial:06d}"
    assert container_problem(first + str(container_check_digit(first))) is None


@given(owners, categories, serials, st.integers(min_value=1, max_value=9))
def test_any_other_check_digit_is_refused(
    owner: str, category: str, serial: int, shift: int
) -> None:
    first = f"{owner}{category}{serial:06d}"
    digit = container_check_digit(first)
    wrong = (digit + shift) % 10
    # ISO 6346 maps remainder 10 to 0, so 0 is right for two remainders; skip that ambiguity
    if container_check_digit(first) == wrong:
        return
    assert container_problem(f"{first}{wrong}") == "check-digit"


@given(st.integers(min_value=0, max_value=999_999), st.integers(min_value=1, max_value=9))
def test_imo_single_digit_errors_are_caught(six: int, shift: int) -> None:
    first = f"{six:06d}"
    digit = imo_check_digit(first)
    assert is_imo_number(f"{first}{digit}")
    assert not is_imo_number(f"{first}{(digit + shift) % 10}")
