"""The simplified declaration: hand-worked cases (≤ 5 goods, 6 goods in one chapter, many
chapters, ties in value) and a property: merging never loses or double-counts a value or a
quantity."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tradewindow.procurement.declaration import Declaration, Good, simplified


def good(code: str, value: str, quantity: str = "1", unit: str = "011", tx: str = "t1") -> Good:
    return Good(
        hs_code=code,
        name=f"goods {code}",
        quantity=Decimal(quantity),
        unit=unit,
        value=Decimal(value),
        transaction_id=tx,
    )


def rows(declaration: Declaration) -> list[tuple[str, str, bool, tuple[str, ...]]]:
    return [
        (item.hs_code, str(item.value), item.merged, item.hs_codes) for item in declaration.items
    ]


def test_five_goods_or_fewer_are_all_itemised_highest_value_first() -> None:
    declared = simplified(
        [
            good("6109100021", "300.00"),
            good("6404199000", "1200.50"),
            good("9503008900", "80.00"),
            good("4202221000", "999.99"),
        ]
    )
    assert rows(declared) == [
        ("6404199000", "1200.50", False, ("6404199000",)),
        ("4202221000", "999.99", False, ("4202221000",)),
        ("6109100021", "300.00", False, ("6109100021",)),
        ("9503008900", "80.00", False, ("9503008900",)),
    ]
    assert [item.number for item in declared.items] == [1, 2, 3, 4]


def test_lines_of_one_code_are_one_good_before_ranking() -> None:
    declared = simplified(
        [
            good("6109100021", "100.00", "10", tx="t1"),
            good("6109100021", "250.00", "20", tx="t2"),
            good("6110200099", "300.00", "5"),
        ]
    )
    first = declared.items[0]
    assert (first.hs_code, first.value, first.quantities[0].quantity) == (
        "6109100021",
        Decimal("350.00"),
        Decimal("30"),
    )
    assert first.transaction_ids == ("t1", "t2")


def test_six_goods_in_one_chapter_the_sixth_stands_alone_under_its_code() -> None:
    values = ["600", "500", "400", "300", "200", "100"]
    declared = simplified([good(f"61091000{i}0", v) for i, v in enumerate(values, start=1)])
    assert len(declared.items) == 6
    assert rows(declared)[-1] == ("6109100060", "100", False, ("6109100060",))
    assert declared.items[-1].chapter == "61"


def test_many_chapters_are_merged_under_each_chapter_highest_value_code() -> None:
    top = [good(f"8517{i}00000", str(1000 + i)) for i in range(5)]
    rest = [
        good("6109100021", "40.00", "10"),
        good("6110200099", "90.00", "3"),  # chapter 61's highest
        good("6104430000", "20.00", "2"),
        good("9503008900", "15.00", "5", unit="011"),
        good("9503002100", "15.00", "2", unit="035"),  # tie with 9503008900: lower code heads
        good("4202221000", "70.00", "1"),
    ]
    declared = simplified(top + rest)
    assert [item.hs_code for item in declared.items[:5]] == [
        "8517400000",
        "8517300000",
        "8517200000",
        "8517100000",
        "8517000000",
    ]
    assert rows(declared)[5:] == [
        ("6110200099", "150.00", True, ("6104430000", "6109100021", "6110200099")),
        ("4202221000", "70.00", False, ("4202221000",)),
        ("9503002100", "30.00", True, ("9503002100", "9503008900")),
    ]
    chapter_95 = declared.items[-1]
    assert [(q.unit, q.quantity) for q in chapter_95.quantities] == [
        ("011", Decimal("5")),
        ("035", Decimal("2")),
    ]
    assert [(q.unit, q.quantity) for q in declared.items[5].quantities] == [("011", Decimal("15"))]


def test_ties_in_value_rank_by_lowest_code_so_the_declaration_is_always_the_same() -> None:
    tied = [good(code, "100.00") for code in ("9503000000", "6109000000", "4202000000")]
    others = [good(f"8517{i}00000", "500.00") for i in range(3)]
    declared = simplified(tied + others)
    assert [item.hs_code for item in declared.items] == [
        "8517000000",
        "8517100000",
        "8517200000",
        "4202000000",
        "6109000000",
        "9503000000",
    ]
    assert simplified(list(reversed(tied + others))) == declared


def test_chapters_of_equal_merged_value_order_by_chapter() -> None:
    top = [good(f"8517{i}00000", "1000") for i in range(5)]
    declared = simplified([*top, good("9503000000", "50"), good("4202000000", "50")])
    assert [item.chapter for item in declared.items[5:]] == ["42", "95"]


MONEY = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
QUANTITY = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("9999"), places=3)
CODES = st.sampled_from(
    [
        "6109100021",
        "6109100022",
        "6110200099",
        "4202221000",
        "4202229000",
        "9503008900",
        "9503002100",
        "8517130000",
        "8471300000",
        "6404199000",
        "3924100000",
        "7323930000",
    ]
)
GOODS = st.lists(
    st.builds(
        Good,
        hs_code=CODES,
        name=st.just("goods"),
        quantity=QUANTITY,
        unit=st.sampled_from(["011", "035", "007"]),
        value=MONEY,
        transaction_id=st.sampled_from(["t1", "t2", "t3"]),
    ),
    max_size=40,
)


@given(GOODS)
def test_merging_never_loses_or_double_counts_value_or_quantity(goods: list[Good]) -> None:
    declared = simplified(goods)
    assert declared.value == sum((g.value for g in goods), Decimal(0))
    for unit in ("011", "035", "007"):
        declared_quantity = sum(
            (q.quantity for item in declared.items for q in item.quantities if q.unit == unit),
            Decimal(0),
        )
        assert declared_quantity == sum((g.quantity for g in goods if g.unit == unit), Decimal(0))
    covered = [code for item in declared.items for code in item.hs_codes]
    assert sorted(covered) == sorted({g.hs_code for g in goods})  # each good exactly once
    assert all(not item.merged for item in declared.items[:5])
    merged_chapters = [item.chapter for item in declared.items[5:]]
    assert len(merged_chapters) == len(set(merged_chapters))
    for item in declared.items[5:]:
        assert all(code[:2] == item.chapter for code in item.hs_codes)
        values = {
            code: sum((g.value for g in goods if g.hs_code == code), Decimal(0))
            for code in item.hs_codes
        }
        assert values[item.hs_code] == max(values.values())
    assert [item.number for item in declared.items] == list(range(1, len(declared.items) + 1))
