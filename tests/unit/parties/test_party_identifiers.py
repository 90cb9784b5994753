"""Identifiers of the four jurisdictions: GB 32100 / GB 11714 checks, customs, HK, Macao."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.parties.errors import InvalidIdentifier
from tradewindow.parties.identifiers import (
    USCC_CHARSET,
    USCC_WEIGHTS,
    Identifier,
    Scheme,
    identifier_violations,
    normalise,
    organisation_check_character,
    parse_identifier,
    uscc_check_character,
    uscc_problems,
)

# The standard's own example (GB 32100-2015, annex B) and published codes of well-known firms
# (business licences / annual reports): Huawei Technologies, Tencent's Shenzhen company, BYD,
# Alibaba (China).
KNOWN_VALID = [
    "91350100M000100Y43",
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91440300192317458F",  # 比亚迪股份有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
]


def test_weights_are_powers_of_three_mod_31() -> None:
    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(USCC_CHARSET) == 31
    assert not set("IOZSV") & set(USCC_CHARSET)


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_are_valid(code: str) -> None:
    assert uscc_check_character(code[:17]) == code[17]
    assert organisation_check_character(code[8:16]) == code[16]
    assert uscc_problems(code) == []


def test_standard_example_worked_by_hand() -> None:
    # non-zero terms of 91350100M000100Y4: 9·1 + 1·3 + 3·9 + 5·27 + 1·26 + M(21)·20 + 1·8
    # + Y(30)·30 + 4·28 = 1640; 1640 mod 31 = 28; 31 − 28 = 3 → "3"
    assert uscc_check_character("91350100M000100Y4") == "3"
    # its organisation code M000100Y-4: M=22, Y=34 → 22·3 + 1·5 + 34·2 = 139; 139 mod 11 = 7;
    # 11 − 7 = 4
    assert organisation_check_character("M000100Y") == "4"


@pytest.mark.parametrize(
    ("code", "rules"),
    [
        ("91350100M000100Y44", {"check"}),  # last character changed
        ("91350100M000100Y4", {"format"}),  # 17 characters
        ("91350100M000100I43", {"format"}),  # I is not in the character set
        ("H1350100M000100Y4" + uscc_check_character("H1350100M000100Y4"), {"registrar"}),
        ("914403001922038217", {"check"}),  # Huawei's with the check 6 → 7
    ],
)
def test_invalid_codes_name_their_rule(code: str, rules: set[str]) -> None:
    assert {rule for rule, _en, _zh in uscc_problems(code)} == rules


def test_embedded_organisation_check_is_verified() -> None:
    # a code whose GB 32100 check is right but whose organisation code check (position 17) is not
    first17 = "91440300192203822"  # Huawei's with the organisation check 1 → 2
    code = first17 + uscc_check_character(first17)
    assert {rule for rule, _en, _zh in uscc_problems(code)} == {"organisation_check"}
    # registrar Y (other) codes are checked by GB 32100 only
    first17 = "Y1440300192203822"
    assert uscc_problems(first17 + uscc_check_character(first17)) == []


def test_organisation_check_writes_ten_as_x_and_eleven_as_zero() -> None:
    assert organisation_check_character("00000001") == "9"  # Σ = 1·2 = 2 → 11 − 2
    assert organisation_check_character("10000000") == "8"  # Σ = 1·3 = 3 → 11 − 3
    assert organisation_check_character("00009000") == "X"  # Σ = 9·5 = 45 ≡ 1 → 10
    assert organisation_check_character("00000000") == "0"  # Σ = 0 → 11
    assert organisation_check_character("A0000000") == "3"  # A = 10: Σ = 30 ≡ 8 → 3


_chars = st.sampled_from(USCC_CHARSET)


@given(st.lists(_chars, min_size=17, max_size=17).map("".join))
def test_check_character_round_trip(first17: str) -> None:
    check = uscc_check_character(first17)
    assert check in USCC_CHARSET
    total = sum(
        USCC_CHARSET.index(c) * w for c, w in zip(first17 + check, (*USCC_WEIGHTS, 1), strict=True)
    )
    assert total % 31 == 0


@given(
    st.lists(_chars, min_size=17, max_size=17).map("".join),
    st.integers(0, 16),
    _chars,
)
def test_any_single_character_change_is_detected(first17: str, at: int, other: str) -> None:
    changed = first17[:at] + other + first17[at + 1 :]
    if changed != first17:
        assert uscc_check_character(changed) != uscc_check_character(first17)


_digits = st.text("0123456789", min_size=6, max_size=6)
_bodies = st.text("0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    organisation = draw(_bodies)
    check = organisation_check_character(organisation)
    first17 = "91" + draw(_digits) + organisation + check
    return first17 + uscc_check_character(first17)


@given(valid_usccs(), st.integers(0, 17), _chars)
def test_generated_codes_validate_and_any_single_change_does_not(
    code: str, at: int, other: str
) -> None:
    assert uscc_problems(code) == []
    changed = code[:at] + other + code[at + 1 :]
    if changed != code:
        assert uscc_problems(changed) != []


@pytest.mark.parametrize(
    ("scheme", "raw", "value"),
    [
        (Scheme.USCC, " 91350100m000100y43 ", "91350100M000100Y43"),
        (Scheme.CUSTOMS, "4403DM2001", "4403DM2001"),
        (Scheme.CUSTOMS, "1105910159", "1105910159"),
        (Scheme.CUSTOMS, "4403dmw001", "4403DMW001"),
        (Scheme.HK_BR, "12345678", "12345678"),
        (Scheme.HK_BR, "12345678-000", "12345678"),  # 000 is the main business
        (Scheme.HK_BR, "12345678-001", "12345678-001"),
        (Scheme.MO_CR, "12345", "12345"),
        (Scheme.MO_CR, "012345", "12345"),
        (Scheme.MO_CR, "12345 (SO)", "12345"),
    ],
)
def test_valid_identifiers_normalise(scheme: Scheme, raw: str, value: str) -> None:
    assert parse_identifier(scheme, raw) == Identifier(scheme, value)
    assert normalise(scheme, raw) == value


@pytest.mark.parametrize(
    ("scheme", "raw", "code"),
    [
        ("cn.customs", "4403DM200", "party.identifier.invalid.format"),  # 9 characters
        ("cn.customs", "44O3DM2001", "party.identifier.invalid.format"),  # letter in region
        ("cn.customs", "9903DM2001", "party.identifier.invalid.region"),  # no province 99
        ("cn.customs", "4403DM-001", "party.identifier.invalid.format"),
        ("hk.br", "1234567", "party.identifier.invalid.format"),
        ("hk.br", "12345678-01", "party.identifier.invalid.format"),
        ("hk.br", "1234567A", "party.identifier.invalid.format"),
        ("mo.cr", "0", "party.identifier.invalid.format"),
        ("mo.cr", "123456789", "party.identifier.invalid.format"),  # 9 digits
        ("mo.cr", "SO12345", "party.identifier.invalid.format"),
        ("cn.uscc", "91350100M000100Y44", "party.identifier.invalid.check"),
        ("us.ein", "12-3456789", "party.identifier.invalid.scheme"),
    ],
)
def test_invalid_identifiers_are_refused_with_a_code(scheme: str, raw: str, code: str) -> None:
    violations = identifier_violations(scheme, raw, "identifiers[2]")
    assert [v.code for v in violations] == [code]
    assert violations[0].path.startswith("identifiers[2]/")
    assert violations[0].en
    assert violations[0].zh
    with pytest.raises(InvalidIdentifier) as refused:
        parse_identifier(scheme, raw)
    assert refused.value.code == "party.identifier.invalid"


def test_jurisdiction_of_each_scheme() -> None:
    assert [Identifier(s, "x").jurisdiction for s in Scheme] == ["CN", "CN", "HK", "MO"]
