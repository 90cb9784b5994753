"""Money stays exact and times stay aware on both databases: quota totals, tax bills, times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from store_records import inventory, message, order_key, tax_bill

from tradewindow.cbec.ports import DocKind
from tradewindow.store import DuplicateTaxBill, SqlStore
from tradewindow.store.types import exact_money, money_to_units, units_to_money, utc_text

BEIJING = timezone(timedelta(hours=8))
SQLITE_MAX = "92233720368547.75807"  # (2**63 - 1) / 100,000


def test_buyer_totals_add_up_exactly_across_units_of_work(store: SqlStore) -> None:
    buyer, other = "440301199001010001", "810000198512120002"
    with store.unit_of_work() as uow:
        uow.add_buyer_totals({(buyer, 2024): Decimal("0.1"), (other, 2024): Decimal("4999.99")})
        uow.commit()
    with store.unit_of_work() as uow:
        uow.add_buyer_totals({(buyer, 2024): Decimal("0.2"), (buyer, 2025): Decimal("100")})
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.buyer_totals([buyer, other, "nobody"], 2024) == {
            buyer: Decimal("0.3"),
            other: Decimal("4999.99"),
        }
        assert uow.buyer_totals([buyer], 2025) == {buyer: Decimal("100")}
        assert uow.buyer_totals([buyer], 2023) == {}
        uow.add_buyer_totals({})


def test_largest_amounts_round_trip(store: SqlStore) -> None:
    # NUMERIC(19,5) on PostgreSQL; a 64-bit count of 1/100,000 yuan on SQLite
    big = Decimal(
        "99999999999999.99999" if store.dialect == "postgresql" else "92233720368547.75807"
    )
    with store.unit_of_work() as uow:
        uow.add_buyer_totals({("A", 2024): big, ("B", 2024): Decimal("-0.00001")})
        uow.commit()
    with store.unit_of_work() as uow:
        totals = uow.buyer_totals(["A", "B"], 2024)
    assert totals["A"] == big
    assert str(totals["A"]) == str(big)
    assert totals["B"] == Decimal("-0.00001")


def test_more_than_five_places_round_half_up_as_numeric_does(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        uow.add_buyer_totals({("A", 2024): Decimal("1.000005"), ("B", 2024): Decimal("1.000004")})
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.buyer_totals(["A", "B"], 2024) == {
            "A": Decimal("1.00001"),
            "B": Decimal("1.00000"),
        }


def test_money_beyond_the_range_is_refused(store: SqlStore) -> None:
    with store.unit_of_work() as uow, pytest.raises(ValueError, match="money"):
        uow.add_buyer_totals({("A", 2024): Decimal("100000000000000")})


def test_float_money_is_refused(store: SqlStore) -> None:
    with store.unit_of_work() as uow, pytest.raises(TypeError, match="Decimal"):
        uow.add_buyer_totals({("A", 2024): 0.1})  # type: ignore[dict-item]


def test_tax_bills_and_tax_total_are_exact(store: SqlStore) -> None:
    assert store.tax_total() == Decimal(0)
    with store.unit_of_work() as uow:
        uow.add_tax_bills(
            [
                tax_bill("TAX20240000000001", "0", "91.00", "0"),
                tax_bill("TAX20240000000002", "0", "12.74", "34.13"),
                tax_bill("TAX20240000000003", "0.01", "0.02", "0.00001"),
            ]
        )
        uow.commit()
    assert store.tax_total() == Decimal("137.90001")
    with store.unit_of_work() as uow, pytest.raises(DuplicateTaxBill):
        uow.add_tax_bills([tax_bill("TAX20240000000002", "1", "1", "1")])
    assert store.tax_total() == Decimal("137.90001")


def test_times_come_back_aware_and_equal_to_what_went_in(store: SqlStore) -> None:
    received = datetime(2024, 12, 31, 23, 59, 59, 123456, tzinfo=BEIJING)
    doc = inventory(1, received_at=received)
    with store.unit_of_work() as uow:
        uow.insert_documents([doc])
        uow.add_messages([message("MSG-TZ")])
        uow.commit()
    with store.unit_of_work() as uow:
        found = uow.documents(DocKind.INVENTORY, [order_key(1)])[order_key(1)]
    assert found.received_at == received
    assert found.received_at.utcoffset() == timedelta(0)
    assert found.received_at == datetime(2024, 12, 31, 15, 59, 59, 123456, tzinfo=UTC)


def test_naive_times_are_refused(store: SqlStore) -> None:
    with store.unit_of_work() as uow, pytest.raises(ValueError, match="timezone-aware"):
        uow.insert_documents([inventory(1, received_at=datetime(2024, 1, 1))])  # noqa: DTZ001


@given(st.decimals(min_value=-Decimal(SQLITE_MAX), max_value=Decimal(SQLITE_MAX), places=5))
def test_sqlite_money_units_round_trip(amount: Decimal) -> None:
    assert units_to_money(money_to_units(amount)) == amount
    assert exact_money(amount) == amount


def test_sqlite_money_beyond_64_bits_is_refused() -> None:
    with pytest.raises(ValueError, match="64-bit"):
        money_to_units(Decimal(SQLITE_MAX) + Decimal("0.00001"))


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1),  # noqa: DTZ001 — hypothesis bounds are naive
        max_value=datetime(9000, 1, 1),  # noqa: DTZ001
        timezones=st.sampled_from([UTC, BEIJING, timezone(timedelta(hours=-5))]),
    ),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650)),
)
def test_sqlite_time_text_orders_like_the_instants(moment: datetime, gap: timedelta) -> None:
    later = moment + gap
    assert datetime.fromisoformat(utc_text(moment)) == moment
    assert (utc_text(moment) < utc_text(later)) == (moment < later)
