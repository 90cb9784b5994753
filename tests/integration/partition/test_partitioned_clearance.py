"""Partitioned clearance gives the answers one writer gives, keeps the quota under
concurrent partitions, numbers lists uniquely, and keeps an evidence chain per partition.

SQLite runs three partitions one after another (one writer per database there); PostgreSQL
runs four side by side, on four threads with their own connections, as four writer processes
would."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from partitioned_harness import Partitioned, statuses, submission
from sqlalchemy import text

import builders as b
import lifecycle_builders as lb
from tradewindow.cbec.clearance import Clearance
from tradewindow.cbec.partitioned import PartRunner
from tradewindow.cbec.partitions import partition_of
from tradewindow.cli import main
from tradewindow.evidence.log import CheckpointPolicy
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.store import SqlStore, open_store
from tradewindow.store.partition import PartitionUnitOfWork

ANNUAL_LIMIT = Decimal(26000)


def sets(count: int, prefix: str = "SO2026") -> list[b.ImportSet]:
    return [
        b.import_set(order_no=f"{prefix}{n:06d}", logistics_no=f"LN{prefix}{n:06d}")
        for n in range(count)
    ]


def messages(found: list[b.ImportSet]) -> list[object]:
    return [
        b.order_message(*(s.order for s in found)),
        b.payment_message(*(s.payment for s in found)),
        b.waybill_message(*(s.waybill for s in found)),
        b.inventory_message(*(s.inventory for s in found)),
    ]


@pytest.fixture
def partitioned(database_url: str) -> Iterator[Partitioned]:
    store = open_store(database_url)
    postgres = database_url.startswith("postgresql")
    try:
        yield Partitioned(store, partitions=4 if postgres else 3, threads=4 if postgres else 1)
    finally:
        store.close()


def quota(store: SqlStore) -> Decimal:
    with store.unit_of_work() as uow:
        return uow.buyer_totals([b.BUYER_ID], 2026)[b.BUYER_ID]


def reference(tmp_path: Path) -> Clearance:
    return Clearance(
        open_store(f"sqlite:///{tmp_path / 'reference.db'}"),
        codes=ReferenceCodeTables(),
        rates=TariffRates(),
        match_timeout=__import__("datetime").timedelta(hours=24),
        clock=lambda: b.NOW,
    )


def test_partitions_answer_as_one_writer_does(partitioned: Partitioned, tmp_path: Path) -> None:
    found = sets(12)
    assert len({partition_of(s.order.head.order_no, partitioned.partitions) for s in found}) > 1
    # lists first: each waits, and is woken by companions that reach its partition later
    inventory, *companions = [messages(found)[3], *messages(found)[:3]]
    one = reference(tmp_path)
    expected = [one.submit([submission(m, b.NOW)]) for m in (inventory, *companions)]
    got = [partitioned.send(m) for m in (inventory, *companions)]  # type: ignore[arg-type]
    assert [statuses(a) for a in got] == [statuses(a) for a in expected]
    released = [r for a in got for r in a[0].receipts if r.status == "800"]
    assert len(released) == 12
    with partitioned.store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM documents")).scalar_one() == 48
        left = "SELECT count(*) FROM clearance_inbox_parts WHERE done_at IS NULL"
        assert connection.execute(text(left)).scalar_one() == 0


def test_a_message_filed_again_gets_its_answer_and_another_with_its_guid_is_refused(
    partitioned: Partitioned,
) -> None:
    order = messages(sets(8))[0]
    (first,) = partitioned.send(order)  # type: ignore[arg-type]
    (again,) = partitioned.send(order)  # type: ignore[arg-type]
    assert again.replayed
    assert statuses([again]) == statuses([first])
    assert len(first.receipts) == 8
    other = msgspec.structs.replace(
        messages(sets(2, prefix="XX"))[0],
        guid=order.guid,  # type: ignore[attr-defined]
    )
    (refused,) = partitioned.send(other)
    assert [v.code for v in refused.refused] == ["CEB.guid.reused"]
    with partitioned.store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM documents")).scalar_one() == 8


def test_each_partition_keeps_its_evidence_chain_signed_by_the_platform(
    partitioned: Partitioned,
) -> None:
    for message in messages(sets(10)):
        partitioned.send(message)  # type: ignore[arg-type]
    report = partitioned.chains.verify()
    assert report.ok
    assert len(report.partitions) > 1
    assert sum(r.records for r in report.partitions.values()) > 40  # messages and receipts
    signed = partitioned.chains.sign_heads(b.NOW)
    assert signed is not None
    assert partitioned.log.verify().ok
    after = partitioned.chains.verify()
    assert after.ok
    assert after.heads_records == 1
    with partitioned.store.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE evidence_partition_records SET payload_digest = :d"
                " WHERE seq = 2 AND partition = (SELECT min(partition)"
                " FROM evidence_partition_records)"
            ),
            {"d": "0" * 64},
        )
    tampered = partitioned.chains.verify()
    assert not tampered.ok
    broken = [r.failure.problem for r in tampered.partitions.values() if r.failure]
    assert broken == ["hash.mismatch"]


@pytest.mark.postgres
def test_partitions_clearing_at_once_never_pass_a_buyers_annual_quota(postgres_url: str) -> None:
    store = open_store(postgres_url)
    try:
        _quota_race(store)
    finally:
        store.close()


def _quota_race(store: SqlStore) -> None:
    partitioned = Partitioned(store, partitions=4, threads=4)
    found = sets(40, prefix="Q")  # one buyer, 40 parcels of the same value
    assert {partition_of(s.order.head.order_no, 4) for s in found} == {0, 1, 2, 3}
    for message in messages(found)[:3]:
        partitioned.send(message)  # type: ignore[arg-type]
    # the four partitions read the buyer's total together: unless one waits for another to
    # add to it, each sees room for ~18 parcels and the four release all 40
    entered: list[int] = []
    real = PartitionUnitOfWork.buyer_totals

    def together(self: PartitionUnitOfWork, buyers: object, year: int) -> dict[str, Decimal]:
        entered.append(1)
        deadline = time.monotonic() + 3
        while len(entered) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(self, buyers, year)  # type: ignore[arg-type]

    PartitionUnitOfWork.buyer_totals = together  # type: ignore[method-assign]
    try:
        (answer,) = partitioned.send(messages(found)[3])  # type: ignore[arg-type]
    finally:
        PartitionUnitOfWork.buyer_totals = real  # type: ignore[method-assign]
    assert len(entered) == 4
    lists = [r for r in answer.receipts if r.receipt_type == "CEB622" and r.status != "120"]
    released = [r for r in lists if r.status == "800"]
    over = [r for r in lists if "CEB621.quota.annual_limit" in r.codes]
    assert len(released) + len(over) == len(lists) == 40
    with store.unit_of_work() as uow:
        total = uow.buyer_totals([b.BUYER_ID], 2026)[b.BUYER_ID]
    value = total / len(released)  # each parcel counts the same
    assert total <= ANNUAL_LIMIT < total + value  # never passed, and no room left unused
    assert len(released) == 19


@pytest.mark.postgres
def test_list_numbers_are_unique_across_partitions_and_come_in_blocks(postgres_url: str) -> None:
    store = open_store(postgres_url)
    try:
        partitioned = Partitioned(store, partitions=4, threads=4)
        for message in messages(sets(60, prefix="N")):
            partitioned.send(message)  # type: ignore[arg-type]
        with store.engine.connect() as connection:
            numbers = connection.execute(
                text("SELECT invt_no FROM documents WHERE kind = 'inventory'")
            ).scalars()
            invt_nos = list(numbers)
            blocks = connection.execute(
                text("SELECT count(DISTINCT partition) FROM number_blocks")
            ).scalar_one()
        assert len(invt_nos) == len(set(invt_nos)) == 60
        assert blocks == 4
        # a block each, taken from the series in turn: no number given twice across them
        serials = sorted(int(n[-9:]) for n in invt_nos)
        assert serials[-1] > 1000  # at least two blocks of 1,000
    finally:
        store.close()


def test_two_threads_filing_one_message_at_once_clear_it_once(partitioned: Partitioned) -> None:
    order = messages(sets(6, prefix="T"))[0]
    answers: list[object] = []

    def send() -> None:
        answers.extend(partitioned.send(order))  # type: ignore[arg-type]

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(a.replayed for a in answers) == [False, True]  # type: ignore[attr-defined]
    assert statuses(answers[:1]) == statuses(answers[1:])  # type: ignore[arg-type]
    with partitioned.store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM receipts")).scalar_one() == 6


def test_evidence_verify_and_sign_head_cover_the_partition_chains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", url)
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "data"))
    store = open_store(url)
    try:
        partitioned = Partitioned(store, partitions=3)
        for message in messages(sets(6)):
            partitioned.send(message)  # type: ignore[arg-type]
    finally:
        store.close()
    assert main(["evidence", "sign-head"]) == 0
    assert "partition heads signed" in capsys.readouterr().out
    assert main(["evidence", "verify"]) == 0
    out = capsys.readouterr().out
    assert "partition chains" in out
    assert "1 signed partition heads" in out
    with open_store(url).engine.begin() as connection:
        connection.execute(
            text("UPDATE evidence_partition_records SET actor = 'someone' WHERE seq = 1")
        )
    assert main(["evidence", "verify"]) == 1
    assert "altered: partition" in capsys.readouterr().out


def test_cancellations_go_to_their_lists_partitions_and_parcel_statuses_to_the_whole_store(
    partitioned: Partitioned,
) -> None:
    found = sets(6, prefix="C")
    answers = partitioned.send(*messages(found))  # type: ignore[arg-type]
    numbers = {
        r.doc_key.split("|")[1]: msgspec.json.decode(r.body)["invtNo"]
        for r in answers[3].receipts
        if r.receipt_type == "CEB622" and r.status == "800"
    }
    assert len(numbers) == 6
    before = quota(partitioned.store)
    cancels = [lb.cancel(s.inventory, numbers[s.order.head.order_no]) for s in found[:3]]
    status = lb.status_message(lb.waybill_status(found[5].waybill))
    # one batch: the cancellations (partitioned) and a waybill status (whole-store path)
    cancelled, signed = partitioned.send(lb.cancel_message(*cancels), status)
    assert [(r.receipt_type, r.status) for r in cancelled.receipts] == [("CEB624", "399")] * 3
    assert [(r.receipt_type, r.status) for r in signed.receipts] == [("CEB514", "120")]
    with partitioned.store.engine.connect() as connection:
        statuses = dict(
            connection.execute(
                text("SELECT key, status FROM documents WHERE kind = 'inventory'")
            ).all()
        )
    assert sorted(statuses.values()) == ["cancelled"] * 3 + ["released"] * 3
    assert quota(partitioned.store) == before / 2  # three of six lists gave their value back


@pytest.mark.postgres
def test_two_partitions_locking_buyers_in_opposite_orders_deadlock_and_are_run_again(
    postgres_url: str,
) -> None:
    # partition A reads buyer X's 2025 total then Y's 2026; partition B the other way round;
    # both hold their first lock when they ask for the second: PostgreSQL aborts one, which
    # is cleared again
    store = open_store(postgres_url)
    try:
        partitioned = Partitioned(store, partitions=2, threads=2)
        numbers = [f"D{n:04d}" for n in range(200)]
        zero = [n for n in numbers if partition_of(n, 2) == 0][:2]
        one = [n for n in numbers if partition_of(n, 2) == 1][:2]
        x, y = b.BUYER_ID, b.OTHER_BUYER_ID
        plan = [(zero[0], x, "20251230"), (zero[1], y, "20260301"), (one[0], y, "20260301"),
                (one[1], x, "20251230")]  # fmt: skip
        found = []
        for order_no, buyer, day in plan:
            s = b.import_set(order_no=order_no, logistics_no=f"L{order_no}", buyer_id=buyer)
            head = msgspec.structs.replace(s.inventory.head, decl_time=day)
            found.append((s, msgspec.structs.replace(s.inventory, head=head)))
        companions = [s for s, _ in found]
        for message in messages(companions)[:3]:
            partitioned.send(message)  # type: ignore[arg-type]
        barrier = threading.Barrier(2, timeout=20)
        seen: dict[int, int] = {}
        conflicts: list[int] = []
        real = PartitionUnitOfWork.buyer_totals

        def crossing(self: PartitionUnitOfWork, buyers: object, year: int) -> dict[str, Decimal]:
            found_ = real(self, buyers, year)  # type: ignore[arg-type]
            me = threading.get_ident()
            seen[me] = seen.get(me, 0) + 1
            if seen[me] == 1:
                barrier.wait()  # both hold their first buyer's row now
            return found_

        run = PartRunner.run

        def counting(self: PartRunner, *args: object, **kwargs: object) -> None:
            try:
                run(self, *args, **kwargs)  # type: ignore[arg-type]
            except Exception:
                conflicts.append(1)
                raise

        PartitionUnitOfWork.buyer_totals = crossing  # type: ignore[method-assign]
        try:
            (answer,) = partitioned.send(b.inventory_message(*(i for _, i in found)))
        finally:
            PartitionUnitOfWork.buyer_totals = real  # type: ignore[method-assign]
        decided = [r for r in answer.receipts if r.receipt_type == "CEB622" and r.status != "120"]
        assert sorted(r.status for r in decided) == ["800"] * 4
        assert max(seen.values()) > 2  # one partition read its totals again, after the abort
        assert conflicts == []
    finally:
        store.close()


def test_a_partition_chain_signs_its_own_checkpoints_as_the_policy_says(store: SqlStore) -> None:
    partitioned = Partitioned(store, partitions=2, checkpoints=CheckpointPolicy(every_records=5))
    for message in messages(sets(8, prefix="K")):
        partitioned.send(message)  # type: ignore[arg-type]
    report = partitioned.chains.verify()
    assert report.ok
    assert all(r.checkpoints > 0 for r in report.partitions.values())
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE evidence_partition_records SET signature = 'AAAA'"
                " WHERE kind = 'checkpoint' AND partition = 0"
            )
        )
    assert not partitioned.chains.verify().ok
