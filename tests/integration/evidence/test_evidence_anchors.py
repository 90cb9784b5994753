"""Checkpoints a writer makes by itself and the anchors held outside the chain (issue 15), on
SQLite and PostgreSQL: a tail deleted with its only checkpoint no longer verifies, a rewritten
and re-signed chain fails against the anchor file or a published copy, and the records after
the newest checkpoint are reported as the unanchored tail."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import text

from tradewindow.evidence.chain import Entry, RecordKind, anchor_of
from tradewindow.evidence.log import CheckpointPolicy, EvidenceLog
from tradewindow.store import SqlStore
from tradewindow.store.evidence.anchor_file import AnchorFile

PLATFORM_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def entries(count: int, start: int = 0) -> list[Entry]:
    return [
        Entry(
            kind=RecordKind.MESSAGE_ACCEPTED,
            subjects=(f"FILING-{n}",),
            payload_digest=hashlib.sha256(f"message {n}".encode()).hexdigest(),
            actor="party:a",
            at=T0 + timedelta(seconds=n),
        )
        for n in range(start, start + count)
    ]


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def writer(
    store: SqlStore, tmp_path: Path, *, every_records: int = 50, ticks: Ticks | None = None
) -> EvidenceLog:
    return EvidenceLog(
        store.evidence,
        PLATFORM_KEY,
        checkpoints=CheckpointPolicy(every_records=every_records, every=timedelta(seconds=60)),
        anchor_sink=AnchorFile(tmp_path / "anchors.jsonl"),
        monotonic=ticks or Ticks(),
    )


def delete_after(store: SqlStore, seq: int) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM evidence_subjects WHERE seq > :seq"), {"seq": seq})
        connection.execute(text("DELETE FROM evidence_records WHERE seq > :seq"), {"seq": seq})


def test_a_writer_signs_its_head_every_n_records(store: SqlStore, tmp_path: Path) -> None:
    log = writer(store, tmp_path, every_records=50)
    for batch in range(12):  # 120 records in batches of 10
        log.append_many(entries(10, batch * 10))
    anchors = log.anchors()
    # a checkpoint after record 50 (seq 51), then 50 records later (after seq 101)
    assert [(a.seq, a.records) for a in anchors] == [(51, 50), (102, 101)]
    report = log.verify()
    assert report.ok, report.failure
    assert (report.records, report.checkpoints, report.unanchored) == (122, 2, 20)
    assert report.anchored_seq == 102


def test_a_writer_signs_after_the_time_it_allows(store: SqlStore, tmp_path: Path) -> None:
    ticks = Ticks()
    log = writer(store, tmp_path, every_records=10_000, ticks=ticks)
    log.append_many(entries(3))
    ticks.now = 59.0
    log.append_many(entries(3, 3))
    assert log.anchors() == []
    ticks.now = 61.0
    log.append_many(entries(1, 6))  # 61 s after this writer first left records unsigned
    assert [a.seq for a in log.anchors()] == [8]
    assert log.checkpoint_due() is None  # nothing after the checkpoint
    log.append_many(entries(2, 7))  # unsigned again from t=61
    ticks.now = 125.0
    record = log.checkpoint_due()  # a quiet tail, signed by the ticker
    assert record is not None
    assert record.seq == 11
    assert log.seal_tail() is None


def test_deleting_the_tail_with_its_only_checkpoint_no_longer_verifies(
    store: SqlStore, tmp_path: Path
) -> None:
    """The finding of issue 15: 100 records deleted, the only checkpoint with them, and verify
    said ok. Now the checkpoints table and the anchor file still hold that checkpoint."""
    log = writer(store, tmp_path, every_records=10_000)
    log.append_many(entries(150))
    checkpoint = log.seal_tail()
    assert checkpoint is not None
    assert checkpoint.seq == 151
    assert log.verify().ok
    delete_after(store, 51)
    report = log.verify()
    assert not report.ok
    assert report.failure is not None
    assert report.failure.problem == "chain.truncated"
    assert "checkpoint 151" in report.failure.detail
    assert "150 records" in report.failure.detail

    # the anchor file alone (the table's rows deleted too) still tells
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM evidence_checkpoints"))
    report = log.verify()
    assert report.failure is not None
    assert report.failure.problem == "chain.truncated"

    # and without any anchor, the old answer: ok, with the tail reported unanchored
    bare = EvidenceLog(store.evidence, PLATFORM_KEY)
    report = bare.verify()
    assert report.ok
    assert report.unanchored == 51
    assert report.last_checkpoint_seq is None


def test_a_rewritten_and_re_signed_chain_fails_against_a_published_anchor(
    store: SqlStore, tmp_path: Path
) -> None:
    """Whoever holds the database and the data folder (the platform key too) can rewrite the
    chain and sign it again; the checkpoint an agency holds vouches for the old history."""
    log = writer(store, tmp_path, every_records=10_000)
    log.append_many(entries(20))
    published = log.seal_tail()
    assert published is not None
    held_by_agency = log.anchors()
    # the rewrite: every row and every anchor in reach replaced by a new history
    with store.engine.begin() as connection:
        for table in ("evidence_subjects", "evidence_records", "evidence_checkpoints"):
            connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    (tmp_path / "anchors.jsonl").unlink()
    forged = writer(store, tmp_path, every_records=10_000)
    forged.append_many(entries(20, 1000))
    forged.seal_tail()
    assert forged.verify().ok  # alone, the new history holds
    report = forged.verify(held_by_agency)
    assert report.failure is not None
    assert report.failure.problem == "anchor.mismatch"
    assert report.failure.seq == published.seq


def test_an_anchor_signed_by_another_key_fails(store: SqlStore, tmp_path: Path) -> None:
    log = writer(store, tmp_path)
    log.append_many(entries(5))
    log.seal_tail()
    other = ed25519.Ed25519PrivateKey.generate()
    foreign = EvidenceLog(store.evidence, other)
    record = foreign.sign_head()
    report = log.verify([anchor_of(record)])
    assert report.failure is not None
    assert report.failure.problem == "anchor.bad_signature"


def test_the_anchor_file_keeps_each_checkpoint_once(store: SqlStore, tmp_path: Path) -> None:
    log = writer(store, tmp_path, every_records=5)
    log.append_many(entries(12))  # a checkpoint (13) in the append's own transaction
    log.seal_tail()  # the head is signed: only copies checkpoint 13 out
    log.seal_tail()
    log.append_many(entries(1, 12))
    log.seal_tail()  # signs 15, copies it out
    lines = (tmp_path / "anchors.jsonl").read_bytes().splitlines()
    assert [msgspec.json.decode(line)["seq"] for line in lines] == [13, 15]
    assert [a.seq for a in log.anchors()] == [13, 15]


def test_an_unreadable_anchor_file_is_named(store: SqlStore, tmp_path: Path) -> None:
    from tradewindow.store.evidence.anchor_file import AnchorFileError

    log = writer(store, tmp_path)
    (tmp_path / "anchors.jsonl").write_text('{"seq": "x"}\n')
    with pytest.raises(AnchorFileError, match="line 1"):
        log.verify()
