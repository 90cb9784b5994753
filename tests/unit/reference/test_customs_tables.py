"""China Customs parameter tables: known codes resolve to the right ISO codes and names."""

from __future__ import annotations

import pycountry
import pytest

from tradewindow.reference import (
    Direction,
    IdType,
    customs_countries,
    customs_country,
    customs_country_for_iso,
    customs_currencies,
    customs_currency,
    customs_currency_for_iso,
    customs_unit,
    customs_units,
    trade_mode,
    trade_modes,
    transport_mode,
    transport_modes,
    wrap_type,
)

AGGREGATES = {"199", "299", "399", "499", "599", "699", "701"}


@pytest.mark.parametrize(
    ("code", "alpha2", "alpha3", "name_zh"),
    [
        ("142", "CN", "CHN", "中国"),
        ("110", "HK", "HKG", "中国香港"),
        ("121", "MO", "MAC", "中国澳门"),
        ("143", "TW", "TWN", "中国台湾"),
        ("116", "JP", "JPN", "日本"),
        ("133", "KR", "KOR", "韩国"),
        ("502", "US", "USA", "美国"),
        ("303", "GB", "GBR", "英国"),
        ("304", "DE", "DEU", "德国"),
        ("305", "FR", "FRA", "法国"),
        ("307", "IT", "ITA", "意大利"),
        ("601", "AU", "AUS", "澳大利亚"),
        ("609", "NZ", "NZL", "新西兰"),
        ("501", "CA", "CAN", "加拿大"),
        ("132", "SG", "SGP", "新加坡"),
        ("112", "ID", "IDN", "印度尼西亚"),
        ("122", "MY", "MYS", "马来西亚"),
        ("129", "PH", "PHL", "菲律宾"),
        ("136", "TH", "THA", "泰国"),
        ("141", "VN", "VNM", "越南"),
        ("344", "RU", "RUS", "俄罗斯联邦"),
        ("309", "NL", "NLD", "荷兰"),
        ("312", "ES", "ESP", "西班牙"),
        ("330", "SE", "SWE", "瑞典"),
        ("331", "CH", "CHE", "瑞士"),
        ("315", "AT", "AUT", "奥地利"),
        ("301", "BE", "BEL", "比利时"),
        ("302", "DK", "DNK", "丹麦"),
        ("318", "FI", "FIN", "芬兰"),
        ("326", "NO", "NOR", "挪威"),
        ("311", "PT", "PRT", "葡萄牙"),
        ("410", "BR", "BRA", "巴西"),
        ("429", "MX", "MEX", "墨西哥"),
        ("244", "ZA", "ZAF", "南非"),
        ("138", "AE", "ARE", "阿联酋"),
        ("137", "TR", "TUR", "土耳其"),
    ],
)
def test_customs_country_maps_to_iso(code: str, alpha2: str, alpha3: str, name_zh: str) -> None:
    country = customs_country(code)
    assert country is not None
    assert (country.iso_alpha2, country.iso_alpha3, country.name_zh) == (alpha2, alpha3, name_zh)
    assert country.whole
    assert customs_country_for_iso(alpha2) == country
    assert customs_country_for_iso(alpha3.lower()) == country


def test_unknown_country_701_has_no_iso_code() -> None:
    unknown = customs_country("701")
    assert unknown is not None
    assert unknown.name_zh == "国别(地区)不详"
    assert unknown.iso_alpha2 is None


def test_part_of_an_iso_country_is_not_its_customs_code() -> None:
    canary = customs_country("207")
    assert canary is not None
    assert (canary.iso_alpha2, canary.whole) == ("ES", False)
    spain = customs_country_for_iso("ES")
    assert spain is not None
    assert spain.code == "312"


@pytest.mark.parametrize("code", ["", "000", "140", "999", "14", "1420", "CN", "chn", " 142"])
def test_unknown_country_codes_are_rejected(code: str) -> None:
    assert customs_country(code) is None


def test_every_customs_country_is_a_real_iso_country() -> None:
    for country in customs_countries():
        if country.code in AGGREGATES:
            assert country.iso_alpha2 is None
            continue
        assert country.iso_alpha2 is not None, country.code
        assert pycountry.countries.get(alpha_2=country.iso_alpha2) is not None, country.code
        assert len(country.code) == 3
        assert country.code.isdigit()


def test_country_codes_use_the_continent_digits() -> None:
    # 1 Asia, 2 Africa, 3 Europe, 4 Latin America, 5 North America, 6 Oceania, 7 unknown
    assert {country.code[0] for country in customs_countries()} == set("1234567")
    assert len(customs_countries()) > 200


def test_whole_iso_countries_have_one_customs_code() -> None:
    whole = [c.iso_alpha2 for c in customs_countries() if c.whole]
    assert len(whole) == len(set(whole))


@pytest.mark.parametrize(
    ("code", "alpha3", "numeric"),
    [
        ("142", "CNY", "156"),
        ("110", "HKD", "344"),
        ("121", "MOP", "446"),
        ("116", "JPY", "392"),
        ("502", "USD", "840"),
        ("300", "EUR", "978"),
        ("303", "GBP", "826"),
        ("601", "AUD", "036"),
        ("501", "CAD", "124"),
        ("132", "SGD", "702"),
        ("133", "KRW", "410"),
        ("143", "TWD", "901"),
        ("330", "SEK", "752"),
        ("331", "CHF", "756"),
        ("344", "RUB", "643"),
        ("609", "NZD", "554"),
    ],
)
def test_customs_currency_maps_to_iso(code: str, alpha3: str, numeric: str) -> None:
    currency = customs_currency(code)
    assert currency is not None
    assert (currency.iso_alpha3, currency.iso_numeric) == (alpha3, numeric)
    assert customs_currency_for_iso(alpha3.lower()) == currency


@pytest.mark.parametrize("code", ["156", "CNY", "000", "304", "701", ""])
def test_unknown_currency_codes_are_rejected(code: str) -> None:
    assert customs_currency(code) is None


def test_every_customs_currency_is_a_real_iso_currency() -> None:
    for currency in customs_currencies():
        assert pycountry.currencies.get(alpha_3=currency.iso_alpha3) is not None
        # the currency code is the customs code of the issuing country (300: the euro area)
        if currency.code != "300":
            issuer = customs_country(currency.code)
            assert issuer is not None, currency.code


@pytest.mark.parametrize(
    ("code", "name_zh", "rec20"),
    [
        ("035", "千克", "KGM"),
        ("036", "克", "GRM"),
        ("011", "件", "H87"),
        ("007", "个", "H87"),
        ("006", "套", "SET"),
        ("025", "双", "PR"),
        ("030", "米", "MTR"),
        ("032", "平方米", "MTK"),
        ("033", "立方米", "MTQ"),
        ("070", "吨", "TNE"),
        ("095", "升", "LTR"),
        ("096", "毫升", "MLT"),
        ("122", "罐", None),
        ("140", "盒", None),
        ("142", "瓶", None),
        ("136", "袋", None),
    ],
)
def test_customs_units(code: str, name_zh: str, rec20: str | None) -> None:
    unit = customs_unit(code)
    assert unit is not None
    assert (unit.name_zh, unit.rec20) == (name_zh, rec20)


@pytest.mark.parametrize("code", ["35", "KGM", "000", "024", "999", ""])
def test_unknown_unit_codes_are_rejected(code: str) -> None:
    assert customs_unit(code) is None


def test_units_are_three_digits_with_unique_names() -> None:
    units = customs_units()
    assert len(units) > 100
    assert all(len(u.code) == 3 and u.code.isdigit() for u in units)
    assert len({u.name_zh for u in units}) == len(units)


@pytest.mark.parametrize(
    ("code", "short_zh", "directions", "cbec"),
    [
        ("9610", "电子商务", {Direction.IMPORT, Direction.EXPORT}, True),
        ("1210", "保税电商", {Direction.IMPORT, Direction.EXPORT}, True),
        ("1239", "保税电商A", {Direction.IMPORT}, True),
        ("9710", "跨境电商B2B直接出口", {Direction.EXPORT}, True),
        ("9810", "跨境电商出口海外仓", {Direction.EXPORT}, True),
        ("1039", "市场采购", {Direction.EXPORT}, False),
        ("0110", "一般贸易", {Direction.IMPORT, Direction.EXPORT}, False),
        ("1234", "保税区仓储转口", {Direction.IMPORT, Direction.EXPORT}, False),
    ],
)
def test_trade_modes(code: str, short_zh: str, directions: set[Direction], cbec: bool) -> None:
    mode = trade_mode(code)
    assert mode is not None
    assert (mode.short_zh, set(mode.directions), mode.cbec) == (short_zh, directions, cbec)


def test_1239_is_bonded_cbec_a_not_bonded_zone_re_export() -> None:
    mode = trade_mode("1239")
    assert mode is not None
    assert mode.name_zh == "保税跨境贸易电子商务A"


def test_cbec_modes_are_exactly_the_five() -> None:
    assert {m.code for m in trade_modes() if m.cbec} == {"9610", "1210", "1239", "9710", "9810"}


@pytest.mark.parametrize("code", ["961", "96100", "1111", "0000", ""])
def test_unknown_trade_modes_are_rejected(code: str) -> None:
    assert trade_mode(code) is None


@pytest.mark.parametrize(
    ("code", "name_zh"),
    [("2", "水路运输"), ("3", "铁路运输"), ("4", "公路运输"), ("5", "航空运输"), ("6", "邮件运输"),
     ("9", "其它运输"), ("Y", "保税港区"), ("W", "物流中心"), ("L", "旅客携带")],
)  # fmt: skip
def test_transport_modes(code: str, name_zh: str) -> None:
    mode = transport_mode(code)
    assert mode is not None
    assert mode.name_zh == name_zh


def test_transport_modes_are_one_character() -> None:
    assert all(len(mode.code) == 1 for mode in transport_modes())
    assert transport_mode("A") is None
    assert transport_mode("y") is None
    assert transport_mode("55") is None


@pytest.mark.parametrize(
    ("code", "name_zh"),
    [("1", "木箱"), ("2", "纸箱"), ("3", "桶装"), ("4", "散装"), ("5", "托盘"), ("6", "包"),
     ("7", "其它")],
)  # fmt: skip
def test_wrap_types(code: str, name_zh: str) -> None:
    wrap = wrap_type(code)
    assert wrap is not None
    assert wrap.name_zh == name_zh


@pytest.mark.parametrize("code", ["0", "8", "9", "22", ""])
def test_unknown_wrap_types_are_rejected(code: str) -> None:
    assert wrap_type(code) is None


def test_id_types() -> None:
    assert IdType("1") is IdType.RESIDENT_ID_CARD
    assert IdType.RESIDENT_ID_CARD.name_zh == "身份证"
    assert IdType.OTHER.name_zh == "其它"
    with pytest.raises(ValueError, match="'3'"):
        IdType("3")
