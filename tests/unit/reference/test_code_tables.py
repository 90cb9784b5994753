"""``ReferenceCodeTables`` satisfies the ``CodeTables`` port and answers with set lookups."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.cbec.ports import CodeTables
from tradewindow.reference import ReferenceCodeTables, is_hs_code

TABLES = ReferenceCodeTables()
_: CodeTables = TABLES  # mypy proves the class conforms to the Protocol


@pytest.mark.parametrize(
    ("check", "accepted", "rejected"),
    [
        ("is_customs_country", ["142", "110", "502", "701"], ["000", "14", "CN", "1420"]),
        ("is_customs_currency", ["142", "502", "300"], ["156", "CNY", "701"]),
        ("is_customs_unit", ["035", "011", "142"], ["35", "KGM", "999"]),
        ("is_customs_office", ["5300", "5301", "5345", "5141", "0100", "2200", "3100"],
         ["53", "53000", "5", "1100", "9900", "53a1", "５３００"]),
        ("is_trade_mode", ["9610", "1210", "1239", "0110"], ["961", "1111"]),
        ("is_transport_mode", ["2", "4", "5", "Y"], ["A", "55", "y"]),
        ("is_wrap_type", ["1", "2", "7"], ["0", "8", "22"]),
        ("crosses_border", ["2", "3", "4", "5", "6", "9", "G", "L"],
         ["0", "1", "7", "8", "H", "T", "W", "X", "Y", "Z", "A", ""]),
        ("is_hs_code", ["3304990099", "0402210000", "8517130000"],
         ["9999999999", "33049900", "33O4990099", "330499009", "33049900999"]),
    ],
)  # fmt: skip
def test_checks(check: str, accepted: list[str], rejected: list[str]) -> None:
    method = getattr(TABLES, check)
    for code in accepted:
        assert method(code), (check, code)
    for code in rejected:
        assert not method(code), (check, code)


def test_hs_check_agrees_with_the_module_function() -> None:
    for code in ["3304990099", "9999999999", "0101210000", "0101200000", "3304９90099"]:
        assert TABLES.is_hs_code(code) == is_hs_code(code)


@given(st.text(max_size=14))
def test_is_hs_code_never_raises(text: str) -> None:
    assert TABLES.is_hs_code(text) == is_hs_code(text)
    if TABLES.is_hs_code(text):
        assert len(text) == 10
        assert text.isascii()


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_ten_digit_codes_stand_or_fall_with_their_subheading(code: str) -> None:
    same_subheading = code[:6] + "0000"
    assert is_hs_code(code) == is_hs_code(same_subheading)


@given(st.text(max_size=6))
def test_other_checks_never_raise(text: str) -> None:
    for check in (
        TABLES.is_customs_country,
        TABLES.is_customs_currency,
        TABLES.is_customs_unit,
        TABLES.is_customs_office,
        TABLES.is_trade_mode,
        TABLES.is_transport_mode,
        TABLES.is_wrap_type,
    ):
        assert check(text) in (True, False)


def test_checks_are_fast() -> None:
    # validation calls these ~100k times per second; allow a wide margin for slow CI machines

    calls = 40_000
    start = time.perf_counter()
    for _ in range(calls // 4):
        TABLES.is_customs_country("142")
        TABLES.is_customs_office("5301")
        TABLES.is_hs_code("3304990099")
        TABLES.is_customs_unit("035")
    elapsed = time.perf_counter() - start
    assert calls / elapsed > 200_000
