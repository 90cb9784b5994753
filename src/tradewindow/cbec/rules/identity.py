"""PRC resident identity numbers (GB 11643-1999) and masking of personal data.

An 18-character citizen identity number is a 6-digit address (region) code, an 8-digit
birth date ``yyyyMMdd``, a 3-digit sequence code and a check character computed over the
first 17 digits with ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11; ``X`` stands for 10).
"""

from __future__ import annotations

import functools
from datetime import date

# The 2-digit province-level prefixes of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macao are
# assigned; 83 is used on Taiwan residents' residence permits, GB 11643 compatible).
_PROVINCES = frozenset(
    str(code)
    for code in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83)
)  # fmt: skip
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # indexed by (Σ digit × weight) mod 11


def check_character(first17: str) -> str:
    """The GB 11643 check character of 17 ASCII digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@functools.lru_cache(maxsize=256)  # a set names its buyer in the order, payment and list
def resident_id_problem(number: str, today: date) -> tuple[str, str] | None:
    """Why ``number`` is not a valid resident identity number (en, zh), or None if it is.

    The reasons never repeat the number: it is personal data.
    """
    if len(number) != 18 or not number.isascii() or not number[:17].isdigit():
        return (
            "must be 18 characters: 17 digits and a check character",
            "应为18位：17位数字加1位校验码",
        )
    if number[:2] not in _PROVINCES:
        return ("has no valid region code", "地址码（行政区划）无效")
    born = _birth_date(number[6:14])
    if born is None or born.year < 1900 or born > today:
        return ("has no real birth date", "出生日期无效")
    if number[17] != check_character(number[:17]):
        return ("has a wrong check character", "校验码错误")
    return None


def _birth_date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def mask(value: str, keep: int = 4) -> str:
    """Personal data for a message: all but the last ``keep`` characters replaced by ``*``."""
    if len(value) <= keep:
        return "*" * len(value)
    return "*" * (len(value) - keep) + value[-keep:]
