"""Identifiers of containers and vessels, with their check digits (pure).

* ISO 6346 (BIC) container identification: owner code (3 letters), equipment category
  (``U`` freight container, ``J`` detachable freight-container-related equipment, ``Z``
  trailer or chassis), 6-digit serial number and a check digit, e.g. ``CSQU3054383``.
* IMO ship identification number (IMO Resolution A.1078(28)): seven digits, the last a
  check digit, e.g. ``9074729``.
"""

from __future__ import annotations

import re

EQUIPMENT_CATEGORIES = {"U": "freight container", "J": "detachable equipment", "Z": "trailer"}
_CONTAINER = re.compile(r"[A-Z]{3}[UJZ]\d{7}")
_CONTAINER_SHAPE = re.compile(r"[A-Z]{4}\d{7}")
_IMO = re.compile(r"\d{7}")


def _letter_values() -> dict[str, int]:
    """ISO 6346 Annex A: A=10 upward, skipping multiples of 11 (11, 22, 33)."""
    values: dict[str, int] = {}
    value = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


_LETTER_VALUES = _letter_values()


def container_check_digit(first_ten: str) -> int:
    """The ISO 6346 check digit of an owner code, category and serial (10 characters)."""
    if not _CONTAINER_SHAPE.fullmatch(first_ten + "0"):
        raise ValueError(f"not the first ten characters of a container number: {first_ten!r}")
    total = 0
    for position, character in enumerate(first_ten):
        value = _LETTER_VALUES[character] if character.isalpha() else int(character)
        total += value << position
    return total % 11 % 10


def container_problem(reference: str) -> str | None:
    """Why ``reference`` is not an ISO 6346 container number (``shape``, ``category`` or
    ``check-digit``), or None when it is one."""
    if not _CONTAINER_SHAPE.fullmatch(reference):
        return "shape"
    if not _CONTAINER.fullmatch(reference):
        return "category"
    if container_check_digit(reference[:10]) != int(reference[10]):
        return "check-digit"
    return None


def is_container_number(reference: str) -> bool:
    return container_problem(reference) is None


def imo_check_digit(first_six: str) -> int:
    """The IMO number check digit: the six digits weighted 7 down to 2, summed, modulo 10."""
    if not re.fullmatch(r"\d{6}", first_six):
        raise ValueError(f"not the first six digits of an IMO number: {first_six!r}")
    return (
        sum(int(digit) * weight for digit, weight in zip(first_six, range(7, 1, -1), strict=True))
        % 10
    )


def is_imo_number(number: str) -> bool:
    return bool(_IMO.fullmatch(number)) and imo_check_digit(number[:6]) == int(number[6])
