"""Sales CSV (交易登记批量导入): every upload is read into sales or refused with coded
problems naming the row and column; no input raises anything else."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.formats.procurement_csv import COLUMNS, read_sales
from tradewindow.violations import Rejected

HEADER = ",".join(COLUMNS)


def upload(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def codes(data: bytes) -> list[tuple[str, str]]:
    with pytest.raises(Rejected) as refused:
        read_sales(data)
    return [(v.path, v.code) for v in refused.value.violations]


def test_rows_of_one_ref_are_one_sale_in_the_order_first_met() -> None:
    sales = read_sales(
        "\ufeff".encode()
        + upload(
            "A,buyer-1,2026-12-01,usd,4202210090,真皮手袋,10,011,25.50",
            "B,buyer-2,2026-12-01,USD,6403990090,皮鞋,4,025,12",
            "A,buyer-1,2026-12-01,USD,4202310090,钱包,100,011,3.2",
        )
    )
    assert [ref for ref, _ in sales] == ["A", "B"]
    first = sales[0][1]
    assert (first.buyer_id, first.sold_on, first.currency) == ("buyer-1", date(2026, 12, 1), "USD")
    assert [(line.name, line.quantity, line.price) for line in first.lines] == [
        ("真皮手袋", Decimal(10), Decimal("25.50")),
        ("钱包", Decimal(100), Decimal("3.2")),
    ]


def test_a_short_or_long_row_is_refused_with_its_number() -> None:
    found = codes(
        upload(
            "A,buyer-1,2026-12-01,USD,4202210090,bag,10,011,25",
            "A,buyer-1,2026-12-01",
            "A,buyer-1,2026-12-01,USD,4202210090,bag,10,011,25,extra",
        )
    )
    assert found == [("row[2]", "MPT.csv.columns"), ("row[3]", "MPT.csv.columns")]


def test_every_bad_cell_is_reported_at_once() -> None:
    found = codes(
        upload(
            "A,buyer-1,01/12/2026,USD,4202210090,bag,10,011,25",
            "B,buyer-1,2026-12-01,USD,4202210090,bag,ten,011,NaN",
            "B,buyer-2,2026-12-01,USD,4202210090,bag,1,011,1",
        )
    )
    assert found == [
        ("row[1]/sold_on", "MPT.csv.date"),
        ("row[2]/quantity", "MPT.csv.number"),
        ("row[2]/price", "MPT.csv.number"),
        ("row[3]", "MPT.csv.sale.mixed"),
    ]


def test_wrong_header_and_encoding_are_named() -> None:
    assert codes(upload(header="ref,buyer")) == [("header", "MPT.csv.header")]
    assert codes(b"") == [("header", "MPT.csv.header")]
    assert codes(upload()) == [("", "MPT.csv.empty")]
    assert codes("sale_ref,买家".encode("gb18030")) == [("", "MPT.csv.encoding")]


def test_a_quoted_field_left_open_is_a_syntax_problem() -> None:
    found = codes(upload('A,buyer-1,2026-12-01,USD,4202210090,"bag,10,011,25'))
    assert found[0][1] in {"MPT.csv.syntax", "MPT.csv.columns"}


@given(st.binary(max_size=400))
def test_any_bytes_are_sales_or_a_coded_refusal(data: bytes) -> None:
    try:
        sales = read_sales(data)
    except Rejected as refused:
        found = refused.violations
    else:
        found = []
        assert all(form.lines for _, form in sales)
    assert all(v.code.startswith("MPT.csv.") for v in found)


@given(
    st.lists(
        st.lists(st.text(max_size=12), min_size=0, max_size=12).map(
            lambda cells: ",".join(f'"{c}"' if c else "" for c in cells)
        ),
        max_size=8,
    )
)
def test_any_rows_under_the_header_are_sales_or_a_coded_refusal(rows: list[str]) -> None:
    data = upload(*rows)
    try:
        read_sales(data)
    except Rejected as refused:
        found = refused.violations
    else:
        found = []
    assert all(v.code.startswith("MPT.csv.") for v in found)
