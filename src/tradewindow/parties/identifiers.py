"""Registration identifiers of the jurisdictions a GBA party may be known in.

One party can hold several: a Shenzhen logistics firm has a mainland Unified Social Credit Code
and a customs registration code; its Hong Kong arm a Business Registration number. Each
identifier is a ``scheme`` and a normalised ``value``; ``(scheme, value)`` names one party only.

Pure: stdlib and msgspec only. ``parse_identifier`` returns the identifier or every violation.
"""

from __future__ import annotations

import re
from enum import StrEnum

import msgspec

from tradewindow.parties.errors import InvalidIdentifier
from tradewindow.violations import Violation


class Scheme(StrEnum):
    USCC = "cn.uscc"  # 统一社会信用代码, GB 32100-2015
    CUSTOMS = "cn.customs"  # 海关注册编码 (10 characters)
    HK_BR = "hk.br"  # Hong Kong Business Registration number
    MO_CR = "mo.cr"  # Macao commercial registration (商業及動產登記局)


# ISO 3166-1 alpha-2 of the jurisdiction that issues each scheme (CN: the mainland).
JURISDICTION = {Scheme.USCC: "CN", Scheme.CUSTOMS: "CN", Scheme.HK_BR: "HK", Scheme.MO_CR: "MO"}
JURISDICTIONS = frozenset(JURISDICTION.values())


class Identifier(msgspec.Struct, frozen=True):
    scheme: Scheme
    value: str

    @property
    def jurisdiction(self) -> str:
        return JURISDICTION[self.scheme]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


# --- GB 32100-2015 Unified Social Credit Code -------------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_USCC_VALUE = {character: value for value, character in enumerate(USCC_CHARSET)}
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, …, 28
# 登记管理部门码 (position 1): 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教,
# 8 工会, 9 市场监管 (工商), A 中央军委改革和编制办公室, N 农业, Y 其他.
USCC_REGISTRARS = frozenset("123456789ANY")
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def uscc_check_character(first17: str) -> str:
    """The 18th character of a Unified Social Credit Code (GB 32100-2015, 4.3 and annex B).

    Each of the 17 characters has its value in the 31-character set, weighted by 3^i mod 31;
    the check value is 31 − (Σ mod 31), and 31 itself is written as 0.
    """
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError(f"need 17 characters of {USCC_CHARSET}, got {first17!r}")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


# --- GB 11714-1997 organisation code (the 主体标识码, positions 9–17 of a USCC) ------------------

ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORGANISATION_BODY = re.compile(r"[0-9A-Z]{8}")


def organisation_check_character(first8: str) -> str:
    """The 9th character of a GB 11714 organisation code: 11 − (Σ cᵢwᵢ mod 11), where a letter
    counts 10 (A) … 35 (Z); 10 is written X and 11 is written 0."""
    if not _ORGANISATION_BODY.fullmatch(first8):
        raise ValueError(f"need 8 digits or capital letters, got {first8!r}")
    total = sum(int(c, 36) * w for c, w in zip(first8, ORGANISATION_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_problems(code: str) -> list[tuple[str, str, str]]:
    """Every problem with ``code`` as a USCC: ``(rule, en, zh)``; empty when valid.

    Where applicable: the embedded organisation code is checked only for registrar 9 (market
    regulation: enterprises, individual businesses, co-operatives), 1 (public bodies) and 5
    (civil affairs), whose 主体标识码 are GB 11714 codes; other registrars' numbering is not
    published as following GB 11714, so only the GB 32100 check applies to them.
    """
    if not _USCC_SHAPE.fullmatch(code):
        return [
            (
                "format",
                "a Unified Social Credit Code is 18 characters: 2 of 0-9A-HJ-NPQRTUWXY, a 6-digit"
                " region, then 10 of 0-9A-HJ-NPQRTUWXY",
                "统一社会信用代码应为18位：2位登记管理部门及机构类别码、6位行政区划码、10位主体标识码及校验码",
            )
        ]
    problems = []
    if code[0] not in USCC_REGISTRARS:
        problems.append(
            (
                "registrar",
                f"registrar code {code[0]} is not one of GB 32100's",
                f"登记管理部门码 {code[0]} 不在 GB 32100 的代码表中",
            )
        )
    if uscc_check_character(code[:17]) != code[17]:
        problems.append(
            (
                "check",
                "the check character (GB 32100-2015) does not match",
                "校验码错误（GB 32100-2015）",
            )
        )
    if code[0] in "159" and organisation_check_character(code[8:16]) != code[16]:
        problems.append(
            (
                "organisation_check",
                "the embedded organisation code's check digit (GB 11714) does not match",
                "主体标识码（组织机构代码）校验码错误（GB 11714）",
            )
        )
    return problems


# --- customs, Hong Kong and Macao ---------------------------------------------------------------

# Provinces of GB/T 2260 (first two digits of a region code); 71 Taiwan, 81 Hong Kong, 82 Macao.
# fmt: off
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
})
# fmt: on
# 海关注册编码: 4-digit region of registration, 1 economic-zone character, 1 enterprise-type
# character, 4 serial characters. Zone and type are letters as well as digits in codes in use
# (and ``DM`` in the demo's made-up codes); the serial is alphanumeric in practice too.
_CUSTOMS = re.compile(r"(?P<region>[0-9]{4})(?P<zone>[0-9A-Z])(?P<type>[0-9A-Z])[0-9A-Z]{4}")
# Business Registration number: 8 digits, then a 3-digit branch number for a branch (000 is the
# main business, so ``12345678-000`` is written ``12345678``).
_HK_BR = re.compile(r"(?P<number>[0-9]{8})(?:-(?P<branch>[0-9]{3}))?")
# Macao: the registration number the Commercial and Movable Property Registry (商業及動產登記局)
# gives an entity, written e.g. 「第12345(SO)號」. Assumption (the registry publishes no format):
# the number is 1–8 digits and unique in the register; the (SO) / (CO) marker and leading
# zeros are not part of it.
_MO_CR = re.compile(r"0*(?P<number>[1-9][0-9]{0,7})(?:\s*\((?:SO|CO)\))?")


def normalise(scheme: Scheme, raw: str) -> str:
    """The canonical spelling: trimmed, upper case, and scheme-specific forms reduced."""
    value = raw.strip().upper()
    if scheme is Scheme.HK_BR and (match := _HK_BR.fullmatch(value)):
        branch = match["branch"]
        return match["number"] if branch in (None, "000") else f"{match['number']}-{branch}"
    if scheme is Scheme.MO_CR and (match := _MO_CR.fullmatch(value)):
        return match["number"]
    return value


def identifier_problems(scheme: Scheme, value: str) -> list[tuple[str, str, str]]:
    """Every problem with a normalised ``value`` under ``scheme`` as ``(rule, en, zh)``."""
    if scheme is Scheme.USCC:
        return uscc_problems(value)
    if scheme is Scheme.CUSTOMS:
        match = _CUSTOMS.fullmatch(value)
        if not match:
            return [
                (
                    "format",
                    "a customs registration code is 10 characters: a 4-digit region, a zone, a"
                    " type and a 4-character serial",
                    "海关注册编码应为10位：4位行政区划、1位经济区划、1位企业类型、4位顺序号",
                )
            ]
        if match["region"][:2] not in PROVINCES:
            return [
                (
                    "region",
                    f"region {match['region']} is in no province of GB/T 2260",
                    f"行政区划 {match['region']} 不属于 GB/T 2260 的任何省级行政区",
                )
            ]
        return []
    if scheme is Scheme.HK_BR:
        if _HK_BR.fullmatch(value):
            return []
        return [
            (
                "format",
                "a Hong Kong Business Registration number is 8 digits, with -NNN for a branch",
                "香港商业登记号码应为8位数字，分行另加 -NNN",
            )
        ]
    if _MO_CR.fullmatch(value):
        return []
    return [
        (
            "format",
            "a Macao commercial registration number is 1 to 8 digits",
            "澳门商业登记编号应为1至8位数字",
        )
    ]


def parse_identifier(scheme: str, raw: str, path: str = "identifier") -> Identifier:
    """The identifier, normalised; raises ``InvalidIdentifier`` with every violation."""
    violations = identifier_violations(scheme, raw, path)
    if violations:
        raise InvalidIdentifier(violations)
    known = Scheme(scheme)
    return Identifier(known, normalise(known, raw))


def identifier_violations(scheme: str, raw: str, path: str = "identifier") -> list[Violation]:
    """Every violation of ``raw`` under ``scheme``, with codes ``party.identifier.invalid.*``."""
    try:
        known = Scheme(scheme)
    except ValueError:
        return [
            Violation(
                path=f"{path}/scheme",
                code="party.identifier.invalid.scheme",
                en=f"unknown identifier scheme {scheme!r}; known: "
                + ", ".join(s.value for s in Scheme),
                zh=f"未知的编码类型 {scheme!r}",
            )
        ]
    return [
        Violation(path=f"{path}/value", code=f"party.identifier.invalid.{rule}", en=en, zh=zh)
        for rule, en, zh in identifier_problems(known, normalise(known, raw))
    ]
