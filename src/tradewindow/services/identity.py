"""Identity documents of Hong Kong and Macao professionals, and the mainland employer's code.

Each check is a named rule returning every violation with a stable code
(``services.identity.*``, ``services.employer.*``) and English and Chinese text. Pure.

* Hong Kong identity card (香港身份證): one or two letters, six digits and a check character
  ``0``-``9`` or ``A`` (Immigration Department's published scheme: letters A=10 … Z=36 — a
  single-letter prefix is preceded by a space worth 36 — weighted 9 … 2, the sum plus the check
  value is a multiple of 11; a check value of 10 is written ``A``). Example: ``A123456(3)``.
* Macao resident identity card (澳門居民身份證): eight digits written ``1234567(8)``, the first
  ``1``, ``5`` or ``7``. The Identification Services Bureau publishes no check-digit scheme, so
  the format is checked and nothing more (stated, not guessed).
* Mainland Travel Permit for Hong Kong and Macao Residents (港澳居民來往內地通行證, 回鄉證):
  ``H`` (Hong Kong) or ``M`` (Macao) and eight digits, optionally followed by the two-digit
  issue count printed on the card since 2013; the letter must match the holder's home.
* The employer's Unified Social Credit Code: GB 32100-2015 (``parties.identifiers``).
"""

from __future__ import annotations

import re
from enum import StrEnum

from tradewindow.parties.identifiers import uscc_problems
from tradewindow.violations import Violation


class IdentityKind(StrEnum):
    HK_IDENTITY_CARD = "hk_identity_card"  # 香港身份證
    MO_IDENTITY_CARD = "mo_identity_card"  # 澳門居民身份證
    TRAVEL_PERMIT = "travel_permit"  # 港澳居民来往内地通行证


class Home(StrEnum):
    """Where a professional's qualification was issued (ISO 3166-1 alpha-2)."""

    HK = "HK"
    MO = "MO"


_HKID = re.compile(r"(?P<prefix>[A-Z]{1,2})(?P<digits>[0-9]{6})\(?(?P<check>[0-9A])\)?")
_MOID = re.compile(r"(?P<body>[157][0-9]{6})\(?(?P<check>[0-9])\)?")
_PERMIT = re.compile(r"(?P<letter>[HM])(?P<number>[0-9]{8})(?P<issue>[0-9]{2})?")


def hkid_check_character(prefix: str, digits: str) -> str:
    """The check character of a Hong Kong identity card number ``prefix`` + ``digits``."""
    values = [36] if len(prefix) == 1 else []
    values += [ord(letter) - ord("A") + 10 for letter in prefix]
    values += [int(digit) for digit in digits]
    total = sum(value * weight for value, weight in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def normalise_identity(kind: IdentityKind, raw: str) -> str:
    """The canonical spelling: upper case, no spaces; HK and Macao cards as ``A123456(3)``."""
    value = re.sub(r"\s+", "", raw).upper()
    if kind is IdentityKind.HK_IDENTITY_CARD and (match := _HKID.fullmatch(value)):
        return f"{match['prefix']}{match['digits']}({match['check']})"
    if kind is IdentityKind.MO_IDENTITY_CARD and (match := _MOID.fullmatch(value)):
        return f"{match['body']}({match['check']})"
    return value


def identity_violations(kind: str, raw: str, home: Home, path: str = "identity") -> list[Violation]:
    """Every problem with an identity document ``kind`` numbered ``raw`` of a ``home`` resident."""
    try:
        known = IdentityKind(kind)
    except ValueError:
        return [
            _v(
                f"{path}/kind",
                "services.identity.kind",
                f"unknown identity document {kind!r}; known: " + ", ".join(IdentityKind),
                f"未知的身份证件类型 {kind!r}",
            )
        ]
    value = normalise_identity(known, raw)
    where = f"{path}/number"
    if known is IdentityKind.HK_IDENTITY_CARD:
        return _hkid(value, home, where)
    if known is IdentityKind.MO_IDENTITY_CARD:
        return _moid(value, home, where)
    return _permit(value, home, where)


def _hkid(value: str, home: Home, where: str) -> list[Violation]:
    match = _HKID.fullmatch(value)
    if not match:
        return [
            _v(
                where,
                "services.identity.hkid.format",
                "a Hong Kong identity card number is 1 or 2 letters, 6 digits and a check"
                " character 0-9 or A, e.g. A123456(3)",
                "香港身份证号码应为1至2个字母、6位数字及校验码（0-9或A），如 A123456(3)",
            )
        ]
    problems = []
    if hkid_check_character(match["prefix"], match["digits"]) != match["check"]:
        problems.append(
            _v(
                where,
                "services.identity.hkid.check",
                "the check character of the Hong Kong identity card number does not match",
                "香港身份证号码校验码错误",
            )
        )
    if home is not Home.HK:
        problems.append(_home_mismatch(where, "a Hong Kong identity card", "香港身份证"))
    return problems


def _moid(value: str, home: Home, where: str) -> list[Violation]:
    if not _MOID.fullmatch(value):
        return [
            _v(
                where,
                "services.identity.moid.format",
                "a Macao resident identity card number is 7 digits starting 1, 5 or 7 and a"
                " check digit, e.g. 1234567(8)",
                "澳门居民身份证号码应为以1、5或7开头的7位数字及1位校验数字，如 1234567(8)",
            )
        ]
    if home is not Home.MO:
        return [_home_mismatch(where, "a Macao identity card", "澳门居民身份证")]
    return []


def _permit(value: str, home: Home, where: str) -> list[Violation]:
    match = _PERMIT.fullmatch(value)
    if not match:
        return [
            _v(
                where,
                "services.identity.permit.format",
                "a Mainland Travel Permit number is H (Hong Kong) or M (Macao) and 8 digits,"
                " optionally the 2-digit issue count",
                "港澳居民来往内地通行证号码应为H（香港）或M（澳门）加8位数字，可另加2位换证次数",
            )
        ]
    if match["letter"] != {Home.HK: "H", Home.MO: "M"}[home]:
        return [
            _v(
                where,
                "services.identity.permit.home",
                f"a permit starting {match['letter']} is not issued to residents of {home.value}",
                f"以 {match['letter']} 开头的通行证不属于{_HOME_ZH[home]}居民",
            )
        ]
    return []


_HOME_ZH = {Home.HK: "香港", Home.MO: "澳门"}


def _home_mismatch(where: str, what_en: str, what_zh: str) -> Violation:
    return _v(
        where,
        "services.identity.home",
        f"{what_en} does not match the home jurisdiction of the qualification",
        f"{what_zh}与资格的签发地不符",
    )


def employer_violations(uscc: str, path: str = "employer/uscc") -> list[Violation]:
    """Every problem with the mainland employer's Unified Social Credit Code (GB 32100-2015)."""
    value = uscc.strip().upper()
    return [
        _v(path, f"services.employer.uscc.{rule}", en, zh) for rule, en, zh in uscc_problems(value)
    ]


def _v(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=code, en=en, zh=zh)
