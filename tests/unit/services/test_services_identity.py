"""Identity documents of HK and Macao professionals and the employer's USCC."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.services.identity import (
    Home,
    IdentityKind,
    employer_violations,
    hkid_check_character,
    identity_violations,
    normalise_identity,
)

HK = IdentityKind.HK_IDENTITY_CARD.value
MO = IdentityKind.MO_IDENTITY_CARD.value
PERMIT = IdentityKind.TRAVEL_PERMIT.value


def codes(kind: str, number: str, home: Home = Home.HK) -> list[str]:
    return [v.code for v in identity_violations(kind, number, home)]


@pytest.mark.parametrize(
    ("number", "check"),
    # worked by hand: A=10 … Z=35, a lone letter preceded by 36, weights 9 … 2
    [("A123456", "3"), ("G123456", "A"), ("AB987654", "3"), ("C668668", "9"), ("Z683365", "A")],
)
def test_hkid_check_character_of_known_numbers(number: str, check: str) -> None:
    prefix = number.rstrip(string.digits)
    assert hkid_check_character(prefix, number[len(prefix) :]) == check


@pytest.mark.parametrize("written", ["A123456(3)", "a123456 (3)", "A1234563", " A123456(3) "])
def test_hkid_accepted_in_its_usual_spellings(written: str) -> None:
    assert codes(HK, written) == []
    assert normalise_identity(IdentityKind.HK_IDENTITY_CARD, written) == "A123456(3)"


def test_hkid_wrong_check_character_is_refused() -> None:
    assert codes(HK, "A123456(4)") == ["services.identity.hkid.check"]


@pytest.mark.parametrize("written", ["123456(3)", "ABC123456(3)", "A12345(3)", "A123456(B)", ""])
def test_hkid_bad_shapes_are_refused(written: str) -> None:
    assert codes(HK, written) == ["services.identity.hkid.format"]


def test_hkid_for_a_macao_qualification_is_refused() -> None:
    assert codes(HK, "A123456(3)", Home.MO) == ["services.identity.home"]


@given(
    st.text(string.ascii_uppercase, min_size=1, max_size=2),
    st.text(string.digits, min_size=6, max_size=6),
)
def test_hkid_every_number_with_its_check_character_passes(prefix: str, digits: str) -> None:
    check = hkid_check_character(prefix, digits)
    assert codes(HK, f"{prefix}{digits}({check})") == []
    wrong = next(c for c in "0123456789A" if c != check)
    assert codes(HK, f"{prefix}{digits}({wrong})") == ["services.identity.hkid.check"]


def test_macao_identity_card_format() -> None:
    assert codes(MO, "1234567(8)", Home.MO) == []
    assert codes(MO, "5234567 8", Home.MO) == []
    assert codes(MO, "2234567(8)", Home.MO) == ["services.identity.moid.format"]
    assert codes(MO, "123456(8)", Home.MO) == ["services.identity.moid.format"]
    assert codes(MO, "1234567(8)", Home.HK) == ["services.identity.home"]


def test_travel_permit_letter_matches_the_home() -> None:
    assert codes(PERMIT, "H12345678", Home.HK) == []
    assert codes(PERMIT, "h1234567801", Home.HK) == []
    assert codes(PERMIT, "M12345678", Home.MO) == []
    assert codes(PERMIT, "M12345678", Home.HK) == ["services.identity.permit.home"]
    assert codes(PERMIT, "H1234567", Home.HK) == ["services.identity.permit.format"]
    assert codes(PERMIT, "X12345678", Home.HK) == ["services.identity.permit.format"]


def test_unknown_identity_kind_is_refused() -> None:
    assert codes("passport", "K1234567") == ["services.identity.kind"]


def test_employer_uscc() -> None:
    assert employer_violations("914403001922038216") == []
    assert [v.code for v in employer_violations("914403001922038217")] == [
        "services.employer.uscc.check"
    ]
    assert [v.code for v in employer_violations("123")] == ["services.employer.uscc.format"]


@given(st.text(max_size=30))
def test_identity_checks_never_crash(text: str) -> None:
    for kind in (HK, MO, PERMIT):
        for home in Home:
            assert all(
                v.code.startswith("services.identity.")
                for v in identity_violations(kind, text, home)
            )
