"""UN/LOCODE, the Greater Bay Area cities and the customs districts and offices."""

from __future__ import annotations

import pytest

from tradewindow.reference import (
    customs_district,
    customs_districts,
    customs_office,
    customs_offices,
    gba_cities,
    gba_city,
    is_customs_office,
    is_locode,
    locode,
    locodes_in,
)
from tradewindow.reference.offices import GUANGDONG_DISTRICTS


def test_locode_lookup() -> None:
    szx = locode("CNSZX")
    assert szx is not None
    assert (szx.country, szx.subdivision) == ("CN", "GD")
    assert szx.has_function("4")  # an airport
    shenzhen = locode("cn snz")
    assert shenzhen is not None
    assert shenzhen.name == "Shenzhen"
    assert shenzhen.position() == pytest.approx((22.55, 114.1167), abs=1e-3)


def test_bilingual_locode_keeps_both_names() -> None:
    brussels = locode("BEBRU")
    assert brussels is not None
    assert brussels.other_names


@pytest.mark.parametrize("code", ["CNSZX", "HKHKG", "MOMFM", "USNYC", "GBLON", "DEHAM"])
def test_is_locode_accepts(code: str) -> None:
    assert is_locode(code)


@pytest.mark.parametrize("code", ["CNZZZ9", "CNSZ", "cnszx", "CN SZX", "XXABC", ""])
def test_is_locode_rejects(code: str) -> None:
    assert not is_locode(code)


def test_southern_hemisphere_and_west_are_negative() -> None:
    sydney = locode("AUSYD")
    assert sydney is not None
    position = sydney.position()
    assert position is not None
    assert position[0] < 0 < position[1]
    assert len(locodes_in("MO")) >= 1


def test_gba_has_nine_mainland_cities_and_two_sars() -> None:
    cities = gba_cities()
    assert len(cities) == 11
    assert [c.name_en for c in cities if c.mainland] == [
        "Guangzhou", "Shenzhen", "Zhuhai", "Foshan", "Huizhou",
        "Dongguan", "Zhongshan", "Jiangmen", "Zhaoqing",
    ]  # fmt: skip
    assert {c.region for c in cities if not c.mainland} == {"HK", "MO"}
    hong_kong = gba_city("hong-kong")
    assert hong_kong is not None
    assert (hong_kong.name_zh, hong_kong.name_zh_hant) == ("香港", "香港")
    guangzhou = gba_city("guangzhou")
    assert guangzhou is not None
    assert guangzhou.name_zh_hant == "廣州"


def test_every_gba_city_locode_exists_in_its_region() -> None:
    for city in gba_cities():
        entry = locode(city.locode)
        assert entry is not None, city.key
        assert entry.name == city.name_en or city.key == "macao"  # UN/LOCODE spells "Macau"
        assert entry.country == ("CN" if city.mainland else city.region)


def test_guangdong_offices_sit_in_known_districts_and_gba_cities() -> None:
    keys = {city.key for city in gba_cities()}
    guangdong = [o for o in customs_offices() if o.district in GUANGDONG_DISTRICTS]
    assert {o.code for o in guangdong if o.is_district} == GUANGDONG_DISTRICTS
    for office in guangdong:
        assert customs_office(office.district) is not None
        assert office.code[:2] == office.district[:2]
        if not office.is_district:
            assert office.gba_city in keys, office.code
        elif office.gba_city is not None:
            assert office.gba_city in keys


@pytest.mark.parametrize(
    ("code", "district", "city"),
    [
        ("5100", "5100", "guangzhou"),
        ("5141", "5100", "guangzhou"),
        ("5300", "5300", "shenzhen"),
        ("5301", "5300", "shenzhen"),
        ("5700", "5700", "zhuhai"),
        ("6800", "6800", "jiangmen"),
        ("6000", "6000", None),
    ],
)
def test_offices(code: str, district: str, city: str | None) -> None:
    office = customs_office(code)
    assert office is not None
    assert (office.district, office.gba_city) == (district, city)
    resolved = office.city()
    assert (resolved.key if resolved else None) == city


def test_district_codes() -> None:
    codes = {d.code for d in customs_districts()}
    assert {"0100", "0200", "2200", "2900", "3100", "5100", "5200", "5300", "5700"} <= codes
    names = {d.code: d.name_zh for d in customs_districts()}
    assert (names["2900"], names["3100"]) == ("杭州海关", "宁波海关")
    assert all(code.endswith("00") for code in codes)


def test_unlisted_office_of_a_known_district() -> None:
    assert customs_office("5345") is None
    district = customs_district("5345")
    assert district is not None
    assert district.code == "5300"
    assert is_customs_office("5345")
    assert not is_customs_office("1100")  # no district 11
    assert customs_district("53") is None


@pytest.mark.parametrize(
    ("code", "city"),
    [
        ("4403960102", "shenzhen"),  # customs code: 4403 深圳市
        ("4401960001", "guangzhou"),
        ("4419940010", "dongguan"),
        ("914403001234567890", "shenzhen"),  # USCC: characters 3–6 are the division
        ("3301960001", None),  # 杭州: outside the Greater Bay Area
        ("44039601", None),  # neither a customs code nor a USCC
        ("44AB960102", None),
    ],
)
def test_a_firm_code_names_the_gba_city_it_is_registered_in(code: str, city: str | None) -> None:
    from tradewindow.reference.gba import gba_city_of_firm

    found = gba_city_of_firm(code)
    assert (found.key if found else None) == city
