"""Buyers: resident ID numbers with GB 11643 check characters and matching regions."""

from __future__ import annotations

import random

from demo_checks import resident_id_ok
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.demo.people import (
    CITIES,
    Population,
    id_check_character,
    is_valid_resident_id,
    spoil_resident_id,
)


def test_check_character_of_published_examples() -> None:
    # The GB 11643-1999 standard's own example, and a common textbook one.
    assert id_check_character("11010519491231002") == "X"
    assert id_check_character("44052418800101001") == "4"


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_any_17_digits_get_a_check_character_that_validates(first17: str) -> None:
    number = first17 + id_check_character(first17)
    assert is_valid_resident_id(number)
    assert resident_id_ok(number)
    assert not is_valid_resident_id(spoil_resident_id(number))


def test_buyers_have_valid_unique_ids_from_their_city() -> None:
    population = Population(random.Random(8))
    buyers = [population.person() for _ in range(5_000)]
    assert all(resident_id_ok(b.id_number) for b in buyers)
    assert len({b.id_number for b in buyers}) == len(buyers)
    regions = {code: city for city in CITIES for code, _ in city.districts}
    for buyer in buyers:
        city = regions[buyer.id_number[:6]]
        assert buyer.district == buyer.id_number[:6]
        assert city.name in buyer.address  # lives where the ID was issued
        assert buyer.telephone.isdigit()
        assert len(buyer.telephone) == 11
        assert buyer.telephone[0] == "1"
        assert 1958 <= int(buyer.id_number[6:10]) <= 2001
    gba = sum(regions[b.district].gba for b in buyers) / len(buyers)
    assert 0.8 < gba < 0.9  # most buyers live in the nine mainland GBA cities
