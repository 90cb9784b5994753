"""Export clearance by partitions (``export.partitioned``) answers as the single writer does:
the same returns, the same receipts kept for every party, list numbers unique; a list and its
waybill filed at once in two partitions always end with the list accepted (the waybill-key
lock); a message's parts run again are cleared once.

SQLite runs the partitions one after another (one writer per database there); PostgreSQL
runs them in the filers' threads, each partition's unit of work under its own lock."""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parents[2] / "export"))
import export_set as s

from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.clearance import Clearance
from tradewindow.cbec.partitioned import LocalDispatch, PartRunner
from tradewindow.cbec.partitions import partition_of
from tradewindow.clock import utc_now
from tradewindow.export import rules
from tradewindow.export.clearance import ClearExport
from tradewindow.export.documents import ExportMessage
from tradewindow.export.model import Addressed, ExportAnswer, ExportList, order_key, waybill_key
from tradewindow.export.partitioned import PartitionedExport
from tradewindow.export.partitions import list_partition
from tradewindow.export.sharing import ExportFiling
from tradewindow.filing.refusals import FilingRefused
from tradewindow.reference import ReferenceCodeTables
from tradewindow.settings import Settings
from tradewindow.store import SqlStore, open_store
from tradewindow.store.export.partitioned import SqlExportPartitions
from tradewindow.store.export.records import SqlExportRecords
from tradewindow.store.partition import SqlInbox

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
SENDER = "party-seller"


def context() -> rules.ExportContext:
    return rules.ExportContext(
        codes=ReferenceCodeTables(),
        controls=lambda _gcode, _day: rules.GoodsControl(),
        cny_rate=lambda currency, _day: Decimal("7.1") if currency == "502" else None,
        warehouse_valid=lambda *_: False,
    )


def routing(filing: ExportFiling) -> frozenset[str]:
    return frozenset()


def single(store: SqlStore) -> ClearExport:
    return ClearExport(store.export, context(), routing)


def partitioned(store: SqlStore, partitions: int) -> PartitionedExport:
    """Parts dispatched as ``bootstrap`` does without a bus: import's runner, on N threads."""
    parts = SqlExportPartitions(store.engine)
    runner = PartRunner(no_import, SqlInbox(store.engine), clock=utc_now)
    dispatch = LocalDispatch(runner, threads=partitions)
    clear = PartitionedExport(
        store.export, context(), routing, partitions=partitions, parts=parts, dispatch=dispatch
    )
    runner.entries = clear.run_entries
    return clear


def no_import(partition: int) -> Clearance:
    raise AssertionError(f"an import part sent to partition {partition}")


class Parcel(msgspec.Struct, frozen=True):
    order: Any
    receipt: Any
    waybill: Any
    inventory: Any


def parcel(n: int, prefix: str = "EXPP") -> Parcel:
    order_no, logistics_no = f"{prefix}{n:08d}", f"LN{prefix}{n:08d}"
    return Parcel(
        order=s.order(order_no=order_no, guid=s.guid("order", order_no)),
        receipt=s.receipt(order_no=order_no, guid=s.guid("receipt", order_no)),
        waybill=s.waybill(logistics_no=logistics_no, guid=s.guid("waybill", logistics_no)),
        inventory=s.inventory(
            order_no=order_no, logistics_no=logistics_no, guid=s.guid("inventory", order_no),
            cop_no=f"COP{order_no}",
        ),
    )  # fmt: skip


def mix(parcels: list[Parcel]) -> list[ExportMessage]:
    """Lists first (they wait), then orders and receipts; the waybills of the even parcels,
    then of the odd (each wakes its lists, most in other partitions); arrival, departure."""
    numbers = [p.waybill.logistics_no for p in parcels]
    return [
        s.message("CEB603", *(p.inventory for p in parcels)),
        s.message("CEB303", *(p.order for p in parcels)),
        s.message("CEB403", *(p.receipt for p in parcels)),
        s.message("CEB505", *(p.waybill for p in parcels[::2])),
        s.message("CEB505", *(p.waybill for p in parcels[1::2])),
        s.message("CEB507", s.arrival(*numbers)),
        s.message("CEB509", s.departure(*numbers)),
    ]


def own_returns(answer: ExportAnswer) -> list[tuple[str, str]]:
    """(document guid, returnStatus) of each return of the message's own receipt, in order."""
    return [(x.guid, x.return_status) for x in answer.receipts[0].receipt.returns]


def kept(store: SqlStore) -> Counter[tuple[str, str, str]]:
    """Every receipt kept, as (party, type, its returns' guids and statuses): numbers aside."""
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT body FROM exp_receipts")).scalars().all()
    found: Counter[tuple[str, str, str]] = Counter()
    for body in rows:
        item = msgspec.json.decode(body, type=Addressed)
        receipt: Any = item.receipt
        returns = sorted((x.guid, x.return_status) for x in receipt.returns)
        found[(item.party_id, f"{receipt.guid} {type(receipt).__name__}", repr(returns))] += 1
    return found


def lists(store: SqlStore) -> dict[str, ExportList]:
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT body FROM exp_lists")).scalars().all()
    found = [msgspec.json.decode(body, type=ExportList) for body in rows]
    return {x.order_key: x for x in found}


@pytest.fixture
def parted(database_url: str) -> Iterator[tuple[SqlStore, PartitionedExport]]:
    store = open_store(database_url)
    try:
        yield store, partitioned(store, 4)
    finally:
        store.close()


def test_partitions_answer_and_keep_receipts_as_the_single_writer(
    parted: tuple[SqlStore, PartitionedExport], tmp_path: Path
) -> None:
    store, clear = parted
    parcels = [parcel(n) for n in range(16)]
    assert len({list_partition(order_key(s.EBP_CODE, p.order.head.order_no), 4)
                for p in parcels}) == 4  # fmt: skip
    one = open_store(f"sqlite:///{tmp_path / 'one.db'}")
    try:
        reference = single(one)
        for message in mix(parcels):
            expected = reference(message, SENDER, AT)
            got = clear(message, SENDER, AT)
            assert own_returns(got) == own_returns(expected), message.guid
            assert got.codes == expected.codes
        assert kept(store) == kept(one)
        by_one, by_parts = lists(one), lists(store)
    finally:
        one.close()
    assert {k: x.status for k, x in by_parts.items()} == {k: x.status for k, x in by_one.items()}
    assert {x.status.value for x in by_parts.values()} == {"departed"}
    numbers = [x.invt_no for x in by_parts.values()]
    assert None not in numbers
    assert len(set(numbers)) == len(numbers) == 16
    with store.engine.connect() as connection:
        woken = "SELECT count(*) FROM clearance_inbox WHERE guid LIKE 'exp:%@%'"
        assert connection.execute(text(woken)).scalar_one() > 0  # lists of other partitions
        left = "SELECT count(*) FROM clearance_inbox_parts WHERE done_at IS NULL"
        assert connection.execute(text(left)).scalar_one() == 0


def test_a_message_filed_again_gets_its_answer_once_cleared(
    parted: tuple[SqlStore, PartitionedExport],
) -> None:
    store, clear = parted
    parcels = [parcel(n, "AGAIN") for n in range(6)]
    orders = s.message("CEB303", *(p.order for p in parcels))
    first = clear(orders, SENDER, AT)
    again = clear(orders, SENDER, AT)
    assert again.replayed
    assert own_returns(again) == own_returns(first)
    assert len(kept(store)) == 1  # the own receipt once


@pytest.mark.parametrize("finisher", ["sweep", "replay"])
def test_a_message_whose_filer_stopped_after_some_parts_is_finished_by_a_sweep_or_replay(
    parted: tuple[SqlStore, PartitionedExport], monkeypatch: pytest.MonkeyPatch, finisher: str
) -> None:
    store, clear = parted
    parcels = [parcel(n, "SWEEP") for n in range(12)]
    lists_message = s.message("CEB603", *(p.inventory for p in parcels))
    clear(lists_message, SENDER, AT)
    waybills = s.message("CEB505", *(p.waybill for p in parcels))
    for message in (s.message("CEB303", *(p.order for p in parcels)),
                    s.message("CEB403", *(p.receipt for p in parcels))):  # fmt: skip
        clear(message, SENDER, AT)
    real = PartitionedExport._part
    calls = 0

    def stop_after_one(self: PartitionedExport, *args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise SystemExit("the filer stopped")
        return real(self, *args)

    monkeypatch.setattr(PartitionedExport, "_part", stop_after_one)
    with pytest.raises(SystemExit):
        clear(waybills, SENDER, AT)
    monkeypatch.setattr(PartitionedExport, "_part", real)
    statuses = Counter(x.status.value for x in lists(store).values())
    assert statuses["waiting"] > 0  # some parts not cleared: the message is in the inbox
    with pytest.raises(FilingRefused) as refused:  # its guid, on the whole-store path
        clear(msgspec.structs.replace(s.message("CEB507"), guid=waybills.guid), SENDER, AT)
    assert refused.value.code == "CEB.guid.reused"
    assert SqlInbox(store.engine).stale(AT + timedelta(days=999), 100) == []  # not import's
    if finisher == "sweep":
        assert clear.resume(timedelta(0)) >= 1
    else:  # filed again: finished as first filed, from the inbox
        assert [st for _, st in own_returns(clear(waybills, SENDER, AT))] == ["120"] * 12
    assert Counter(x.status.value for x in lists(store).values()) == {"accepted": 12}
    again = clear(waybills, SENDER, AT)  # answered: a replay
    assert again.replayed
    assert [st for _, st in own_returns(again)] == ["120"] * 12


def test_a_message_in_one_partition_is_cleared_in_one_unit_of_work_without_the_inbox(
    parted: tuple[SqlStore, PartitionedExport],
) -> None:
    store, clear = parted
    order = s.message("CEB303", parcel(1, "ALONE").order)
    first = clear(order, SENDER, AT)
    assert [st for _, st in own_returns(first)] == ["120"]
    with store.engine.connect() as connection:
        entries = connection.execute(text("SELECT count(*) FROM clearance_inbox")).scalar_one()
    assert entries == 0  # nothing of it can be left half done: one transaction
    again = clear(order, SENDER, AT)
    assert again.replayed
    assert own_returns(again) == own_returns(first)
    with pytest.raises(FilingRefused) as refused:
        clear(order, "another-party", AT)
    assert refused.value.code == "CEB.guid.reused"
    assert sum(kept(store).values()) == 1


def test_a_message_whose_filer_stopped_after_its_last_part_is_answered_by_a_sweep(
    parted: tuple[SqlStore, PartitionedExport], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, clear = parted
    orders = s.message("CEB303", *(parcel(n, "LAST").order for n in range(8)))

    def stop(*args: Any) -> Any:
        raise SystemExit("the filer stopped")

    with monkeypatch.context() as patched:
        patched.setattr(SqlExportPartitions, "conclude", stop)
        with pytest.raises(SystemExit):
            clear(orders, SENDER, AT)
    assert clear.parts.answer(orders.guid) is None  # every part cleared, no answer kept
    assert kept(store) == Counter()
    assert clear.resume(timedelta(0)) == 1
    answer = clear.parts.answer(orders.guid)
    assert answer is not None
    assert [st for _, st in own_returns(answer[1])] == ["120"] * 8
    assert sum(kept(store).values()) == 1  # its own receipt, for its filer


def _cross(n: int, partitions: int) -> Parcel:
    """A parcel whose list and waybill are in different partitions."""
    while True:
        found = parcel(n, f"X{random.randrange(10**6):06d}")
        key = waybill_key(s.LOGISTICS_CODE, found.waybill.logistics_no)
        if partition_of(found.order.head.order_no, partitions) != partition_of(key, partitions):
            return found
        n += 1


@pytest.mark.postgres
def test_a_list_and_its_waybill_filed_at_once_in_two_partitions_end_accepted(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writers, the list in one partition and its waybill in another, filed at the same
    moment again and again; the list's save and the waybill's store are held a little before
    their commits so that each would miss the other without the waybill-key lock."""
    saving, putting = SqlExportRecords.save_list, SqlExportRecords.put_document

    def slow_save(self: SqlExportRecords, record: ExportList) -> None:
        saving(self, record)
        time.sleep(0.02)

    def slow_put(self: SqlExportRecords, *args: Any) -> None:
        putting(self, *args)
        time.sleep(0.02)

    monkeypatch.setattr(SqlExportRecords, "save_list", slow_save)
    monkeypatch.setattr(SqlExportRecords, "put_document", slow_put)
    store = open_store(postgres_url)
    try:
        clear = partitioned(store, 2)
        for trial in range(25):
            found = _cross(trial, 2)
            clear(s.message("CEB303", found.order), SENDER, AT)
            clear(s.message("CEB403", found.receipt), SENDER, AT)
            start = threading.Barrier(2)
            errors: list[BaseException] = []

            def file(
                message: ExportMessage,
                start: threading.Barrier = start,
                errors: list[BaseException] = errors,
            ) -> None:
                try:
                    start.wait()
                    clear(message, SENDER, AT)
                except BaseException as error:
                    errors.append(error)

            both = [
                threading.Thread(target=file, args=(s.message("CEB603", found.inventory),)),
                threading.Thread(target=file, args=(s.message("CEB505", found.waybill),)),
            ]
            for thread in both:
                thread.start()
            for thread in both:
                thread.join()
            assert errors == []
            key = order_key(s.EBP_CODE, found.order.head.order_no)
            assert lists(store)[key].status.value == "accepted", f"trial {trial}"
    finally:
        store.close()


@pytest.mark.postgres
def test_bootstrap_clears_export_by_partitions_when_clearance_is_partitioned(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=postgres_url, data_dir=tmp_path / "data", clearance_partitions=4
    )
    app = bootstrap(settings)
    try:
        assert isinstance(app.export, PartitionedExport)
        parcels = [_cross(n, 4) for n in range(8)]
        for message in mix(parcels)[:5]:  # through the filing path every channel takes
            data = msgspec.json.encode(message)
            app.export_filing.file("operator:test", "cli", message, data, AT, operator=True)
        found = lists(app.store)
        assert len(found) == 8
        assert all(x.invt_no is not None for x in found.values())
        with app.store.engine.connect() as connection:
            woken = "SELECT count(*) FROM clearance_inbox WHERE guid LIKE 'exp:%@%'"
            assert connection.execute(text(woken)).scalar_one() > 0  # across partitions
            left = "SELECT count(*) FROM clearance_inbox_parts WHERE done_at IS NULL"
            assert connection.execute(text(left)).scalar_one() == 0
    finally:
        app.close()
