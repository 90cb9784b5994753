"""The bonded account book (1210) on SQLite and PostgreSQL: a bonded list leaves stock when
released, is returned (CEB621.stock.short, every short line named) when stock cannot cover
it, and gets its quantities back on cancellation and return; the report adds up at every
step (hypothesis over any sequence of steps)."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from harness import Harness
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import builders as b
import lifecycle_builders as lb
from tradewindow.cbec.bonded import StockEntry
from tradewindow.cbec.clearance import Answer
from tradewindow.store import SqlStore, open_store

EMS = "T5349W000001"  # the builders' bonded account book; items REC0001 … by line
D = Decimal


@pytest.fixture
def harness(store: SqlStore) -> Harness:
    return Harness(store)


def enter(harness: Harness, item: str, qty: int, source: str = "531620260000012345") -> None:
    entry = StockEntry(ems_no=EMS, item_record_no=item, qty=D(qty), source_declaration=source)
    assert harness.clearance.enter_stock([entry], actor="warehouse") == []


def balances(harness: Harness) -> dict[str, Decimal]:
    return {row.item_record_no: row.balance for row in harness.clearance.stock_report(EMS)}


def invt_no(answer: Answer) -> str:
    (number,) = {
        msgspec.json.decode(r.body)["invtNo"] for r in answer.receipts if r.receipt_type == "CEB622"
    }
    return str(number)


def bonded(n: int = 1) -> b.ImportSet:
    return b.import_set(order_no=f"SO-B-{n}", logistics_no=f"SF-B-{n}", trade_mode="1210")


def test_a_bonded_list_without_stock_is_returned_naming_each_short_line(harness: Harness) -> None:
    enter(harness, "REC0002", 5)  # enough infant formula (3), nothing else
    *_, listed = harness.send(*bonded().messages)
    assert ("CEB622", "100") in harness.statuses(listed)
    (returned,) = [r for r in listed.receipts if r.status == "100"]
    assert returned.codes == ("CEB621.stock.short",)
    text = msgspec.json.decode(returned.body)["returnInfo"]
    assert "InventoryList[1]/itemRecordNo" in text
    assert "InventoryList[3]/itemRecordNo" in text
    assert "InventoryList[2]" not in text
    assert balances(harness) == {"REC0002": D(5)}  # nothing taken


def test_release_takes_stock_and_cancel_and_return_put_it_back(harness: Harness) -> None:
    for item, qty in (("REC0001", 2), ("REC0002", 5), ("REC0003", 1)):
        enter(harness, item, qty)
    first, second = bonded(1), bonded(2)
    *_, listed = harness.send(*first.messages)
    assert ("CEB622", "800") in harness.statuses(listed)
    assert balances(harness) == {"REC0001": D(0), "REC0002": D(2), "REC0003": D(0)}
    *_, refused = harness.send(*second.messages)  # 2 face creams more: none left
    assert ("CEB622", "100") in harness.statuses(refused)
    harness.send(lb.refund_message(lb.refund(first.inventory, invt_no(listed), {1: D(1)})))
    assert balances(harness)["REC0001"] == D(1)
    rows = {row.item_record_no: row for row in harness.clearance.stock_report(EMS)}
    assert (rows["REC0001"].entered, rows["REC0001"].released, rows["REC0001"].restored) == (
        D(2), D(2), D(1),
    )  # fmt: skip
    # a list with a return is not cancelled (the rest is returned): the stock stays
    (refused_cancel,) = harness.send(lb.cancel_message(lb.cancel(first.inventory, invt_no(listed))))
    assert refused_cancel.receipts[0].codes == ("CEB623.invtNo.has_returns",)
    assert balances(harness) == {"REC0001": D(1), "REC0002": D(2), "REC0003": D(0)}


def test_cancelling_a_released_bonded_list_restores_its_stock(harness: Harness) -> None:
    for item, qty in (("REC0001", 2), ("REC0002", 3), ("REC0003", 1)):
        enter(harness, item, qty)
    s = bonded()
    *_, listed = harness.send(*s.messages)
    assert balances(harness) == {"REC0001": D(0), "REC0002": D(0), "REC0003": D(0)}
    (answer,) = harness.send(lb.cancel_message(lb.cancel(s.inventory, invt_no(listed))))
    assert harness.statuses(answer) == [("CEB624", "399")]
    assert balances(harness) == {"REC0001": D(2), "REC0002": D(3), "REC0003": D(1)}


def test_an_entry_is_checked_whole(harness: Harness) -> None:
    bad = StockEntry(ems_no=EMS, item_record_no=" ", qty=D(0), source_declaration="")
    good = StockEntry(ems_no=EMS, item_record_no="REC0001", qty=D(1), source_declaration="X")
    found = harness.clearance.enter_stock([good, bad], actor="warehouse")
    assert [(v.path, v.code) for v in found] == [
        ("entries[2]/itemRecordNo", "bonded.itemRecordNo.required"),
        ("entries[2]/sourceDeclaration", "bonded.sourceDeclaration.required"),
        ("entries[2]/qty", "bonded.qty.not_positive"),
    ]
    assert balances(harness) == {}  # all or none


_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("enter"), st.sampled_from(["REC0001", "REC0002", "REC0003"]),
                  st.integers(1, 4)),
        st.tuples(st.just("list"), st.integers(1, 6), st.just(0)),
        st.tuples(st.just("cancel"), st.integers(1, 6), st.just(0)),
        st.tuples(st.just("return"), st.integers(1, 6), st.just(0)),
    ),
    min_size=1,
    max_size=10,
)  # fmt: skip


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=_STEPS)
def test_stock_is_entries_less_releases_plus_restorations_and_never_negative(
    steps: list[tuple[str, object, int]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'tw.db'}")
        try:
            harness = Harness(store)
            numbers: dict[int, str] = {}
            for action, what, qty in steps:
                if action == "enter":
                    enter(harness, str(what), qty)
                elif action == "list" and what not in numbers:
                    s = bonded(int(str(what)))
                    *_, listed = harness.send(*s.messages)
                    if ("CEB622", "800") in harness.statuses(listed):
                        numbers[int(str(what))] = invt_no(listed)
                elif action in ("cancel", "return") and what in numbers:
                    s = bonded(int(str(what)))
                    number = numbers[int(str(what))]
                    if action == "cancel":
                        harness.send(lb.cancel_message(lb.cancel(s.inventory, number)))
                    else:
                        refund = lb.refund(s.inventory, number, {2: D(1)}, tag=f"r{what}")
                        harness.send(lb.refund_message(refund))
                for row in harness.clearance.stock_report(EMS):
                    assert row.balance == row.entered - row.released + row.restored
                    assert row.balance >= 0
        finally:
            store.close()


def test_a_book_not_kept_here_is_not_checked(harness: Harness) -> None:
    *_, listed = harness.send(*bonded().messages)  # no entry was ever recorded for EMS
    assert ("CEB622", "800") in harness.statuses(listed)
    assert harness.clearance.stock_report(EMS) == []
    enter(harness, "REC0001", 1)  # the book is kept here from now on
    harness.send(lb.cancel_message(lb.cancel(bonded().inventory, invt_no(listed))))
    assert balances(harness) == {"REC0001": D(1)}  # it took nothing, it gets nothing back
