"""Export routing by partition, pure (``export.partitions``): a document's partition is
stable, a message splits into parts that hold each document once, a list goes with its
order and receipt, a waybill by its key, everything naming parcels or lists by number to the
whole-store path; a departure's grants looked up in one read equal one look-up per code."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

import export_set as s
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.cbec.partitions import partition_of
from tradewindow.export import documents as d
from tradewindow.export.model import ListsDeparted, ParcelDeparted, order_key, waybill_key
from tradewindow.export.partitions import (
    is_partitioned,
    list_partition,
    routing_key,
    split,
    wakes,
    waybill_keys,
)
from tradewindow.logistics.departures import grants

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
numbers = st.lists(st.from_regex(r"[A-Z0-9]{4,20}", fullmatch=True), min_size=1, max_size=12)


def documents_of(code: str, values: list[str]) -> list[Any]:
    """One document of type ``code`` per value (its orderNo, or its logisticsNo)."""
    make = {
        "CEB303": lambda v: s.order(order_no=v),
        "CEB403": lambda v: s.receipt(order_no=v),
        "CEB505": lambda v: s.waybill(logistics_no=v),
        "CEB603": lambda v: s.inventory(order_no=v, logistics_no=f"L{v}"),
    }[code]
    return [make(v) for v in values]


@given(
    code=st.sampled_from(["CEB303", "CEB403", "CEB505", "CEB603"]),
    values=numbers,
    partitions=st.integers(1, 16),
)
def test_a_message_splits_into_parts_holding_each_document_once_in_its_partition(
    code: str, values: list[str], partitions: int
) -> None:
    docs = documents_of(code, values)
    message = s.message(code, *docs)
    assert is_partitioned(message)
    parts = split(message, partitions)
    positions = [p for part in parts for p in part.positions]
    assert sorted(positions) == list(range(len(docs)))  # each document once
    assert [part.partition for part in parts] == sorted({part.partition for part in parts})
    for part in parts:
        assert part.message.guid == message.guid
        assert list(part.positions) == sorted(part.positions)  # the message's order within
        for document, position in zip(part.message.documents, part.positions, strict=True):
            assert document == docs[position]
            # stable: alone or in any message, a document goes to the same partition
            assert partition_of(routing_key(document), partitions) == part.partition
            (alone,) = split(s.message(code, document), partitions)
            assert alone.partition == part.partition
    assert split(message, partitions) == parts


@given(order_no=st.from_regex(r"[A-Z0-9]{4,20}", fullmatch=True), partitions=st.integers(1, 64))
def test_a_list_is_in_the_partition_of_its_order_and_receipt_of_payment(
    order_no: str, partitions: int
) -> None:
    found = {
        split(s.message(code, document), partitions)[0].partition
        for code, document in (
            ("CEB303", s.order(order_no=order_no)),
            ("CEB403", s.receipt(order_no=order_no)),
            ("CEB603", s.inventory(order_no=order_no)),
        )
    }
    assert found == {list_partition(order_key(s.EBP_CODE, order_no), partitions)}


def test_a_waybill_goes_by_its_waybill_key_which_list_and_waybill_both_lock() -> None:
    waybill = s.waybill(logistics_no="SZX1")
    key = waybill_key(s.LOGISTICS_CODE, "SZX1")
    assert routing_key(waybill) == key
    (part,) = split(s.message("CEB505", waybill), 8)
    assert part.partition == partition_of(key, 8)
    listed = s.message("CEB603", s.inventory(logistics_no="SZX1"), s.inventory(order_no="O2"))
    assert waybill_keys(listed) == sorted({key, waybill_key(s.LOGISTICS_CODE, s.LOGISTICS_NO)})
    assert waybill_keys(s.message("CEB505", waybill)) == [key]
    assert waybill_keys(s.message("CEB303")) == []


@pytest.mark.parametrize("code", ["CEB507", "CEB509", "CEB605", "CEB607", "CEB701", "CEB213",
                                  "CEB215"])  # fmt: skip
def test_messages_naming_parcels_or_lists_by_number_go_to_the_whole_store(code: str) -> None:
    message = s.message(code)
    assert not is_partitioned(message)
    with pytest.raises(ValueError, match="whole-store"):
        split(message, 4)


def test_every_export_message_type_is_routed_one_way_or_the_other() -> None:
    partitioned = {c for c in d.EXPORT_MESSAGE_TYPES if is_partitioned(s.message(c))}
    assert partitioned == {"CEB303", "CEB403", "CEB505", "CEB603"}


@given(orders=numbers, partitions=st.integers(1, 16))
def test_wake_ups_name_each_list_once_in_its_partition(orders: list[str], partitions: int) -> None:
    keys = [order_key(s.EBP_CODE, n) for n in orders]
    found = wakes(keys, partitions, AT)
    named = [k for w in found for k in w.order_keys]
    assert sorted(named) == sorted(set(keys))
    for wake in found:
        assert all(list_partition(k, partitions) == wake.partition for k in wake.order_keys)


codes = st.sampled_from(["C1", "C2", "C3", "C4"])


@given(
    shape=st.lists(st.tuples(codes, st.lists(st.tuples(codes, st.text("PB", min_size=1,
                   max_size=3)), max_size=3), st.none() | st.just("BILL")), max_size=4),
    known=st.dictionaries(codes, st.sampled_from(["party-a", "party-b"])),
)  # fmt: skip
def test_grants_read_in_one_batch_equal_those_of_one_look_up_per_code(
    shape: list[tuple[str, list[tuple[str, str]], str | None]], known: dict[str, str]
) -> None:
    departures = [
        ListsDeparted(
            cop_no="D", customs_code="5141", logistics_code=carrier, traf_mode="5",
            traf_name=None, voyage_no=None, bill_no=bill, left_at=AT,
            parcels=tuple(ParcelDeparted(logistics_no=n, invt_no="I", ebc_code=ebc)
                          for ebc, n in parcels),
        )
        for carrier, parcels, bill in shape
    ]  # fmt: skip
    reads: list[Collection[str]] = []

    def parties_of(wanted: Collection[str]) -> Mapping[str, str | None]:
        reads.append(wanted)
        return {code: known.get(code) for code in wanted}

    one_by_one = []  # as FollowDepartures granted before: one look-up per code met
    for departure in departures:
        carrier = known.get(departure.logistics_code)
        for parcel in departure.parcels:
            documents = [x for x in (parcel.logistics_no, departure.bill_no) if x]
            for party in (carrier, known.get(parcel.ebc_code)):
                if party is not None:
                    one_by_one += [(party, "TRD", x) for x in documents]
    assert list(grants(departures, parties_of)) == one_by_one
    assert len(reads) == 1
