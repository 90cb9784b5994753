"""EvidenceLog on SQLite and PostgreSQL: any stored byte changed, a record deleted or
reordered is found by verify; concurrent appends serialise; bundles verify offline."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import TextClause, text

from tradewindow.evidence.chain import Entry, RecordKind
from tradewindow.evidence.log import EvidenceError, EvidenceLog
from tradewindow.store import SqlStore
from tradewindow.store.engine import create_store_engine
from tradewindow.store.evidence import SqlEvidenceStore, SqlSeenSignatures

PLATFORM_KEY = ed25519.Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
COLUMNS = ["at", "kind", "subjects", "payload_digest", "signature", "actor", "prev_hash", "hash"]


def select_column(column: str) -> TextClause:
    assert column in COLUMNS
    return text(f"SELECT {column} FROM evidence_records WHERE seq = :seq")  # noqa: S608 - COLUMNS


def update_column(column: str) -> TextClause:
    assert column in COLUMNS
    return text(f"UPDATE evidence_records SET {column} = :value WHERE seq = :seq")  # noqa: S608


def digest(text_: str) -> str:
    return hashlib.sha256(text_.encode()).hexdigest()


def filled(store: SqlStore, count: int = 12) -> EvidenceLog:
    log = EvidenceLog(store.evidence, PLATFORM_KEY)
    entries = [
        Entry(
            kind=RecordKind.MESSAGE_ACCEPTED if n % 2 else RecordKind.RECEIPT,
            subjects=(f"FILING-{n % 3}",),
            payload_digest=digest(f"message {n}"),
            actor=f"party:{n % 2}",
            at=T0 + timedelta(seconds=n),
            signature=f"c2lnbmF0dXJl{n}",
        )
        for n in range(count)
    ]
    log.append_many(entries[: count // 2])
    log.sign_head(T0 + timedelta(minutes=1))
    log.append_many(entries[count // 2 :])
    return log


def test_appended_records_verify_with_their_checkpoint(store: SqlStore) -> None:
    log = filled(store)
    record = log.append(
        RecordKind.PERSONAL_DATA_READ, ["FILING-1", "buyer"], digest("read"), "agency:customs"
    )
    assert record.seq == 14
    report = log.verify()
    assert report.ok, report.failure
    assert (report.records, report.checkpoints, report.last_checkpoint_seq) == (14, 1, 7)
    assert report.head_hash == record.hash == log.head()[1]


@pytest.mark.parametrize("column", COLUMNS)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seq=st.integers(1, 13), position=st.integers(0, 400))
def test_changing_one_byte_of_any_column_is_found(
    store: SqlStore, column: str, seq: int, position: int
) -> None:
    log = EvidenceLog(store.evidence, PLATFORM_KEY)
    if log.head()[0] == 0:
        filled(store)
    with store.engine.begin() as connection:
        stored = connection.execute(select_column(column), {"seq": seq}).scalar_one() or ""
        at = position % (len(stored) + 1)
        # a different character at ``at`` (appended when at == len: the value grows by one)
        changed = stored[:at] + ("x" if stored[at : at + 1] != "x" else "y") + stored[at + 1 :]
        connection.execute(
            update_column(column),
            {"value": changed, "seq": seq},
        )
    try:
        report = log.verify()
        assert not report.ok
        assert report.failure is not None
        assert report.failure.seq in (seq, seq + 1)  # a changed hash breaks the next link
    finally:
        with store.engine.begin() as connection:
            connection.execute(
                update_column(column),
                {"value": None if column == "signature" and not stored else stored, "seq": seq},
            )
    assert log.verify().ok


def test_changing_seq_is_found(store: SqlStore) -> None:
    log = filled(store)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE evidence_records SET seq = 100 WHERE seq = 5"))
    report = log.verify()
    assert report.failure is not None
    assert (report.failure.seq, report.failure.problem) == (5, "sequence.gap")


def test_deleting_a_record_is_found(store: SqlStore) -> None:
    log = filled(store)
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM evidence_records WHERE seq = 9"))
    report = log.verify()
    assert report.failure is not None
    assert (report.failure.seq, report.failure.problem) == (9, "sequence.gap")


def test_swapping_two_records_is_found(store: SqlStore) -> None:
    log = filled(store)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE evidence_records SET seq = -3 WHERE seq = 3"))
        connection.execute(text("UPDATE evidence_records SET seq = 3 WHERE seq = 4"))
        connection.execute(text("UPDATE evidence_records SET seq = 4 WHERE seq = -3"))
    report = log.verify()
    assert report.failure is not None
    assert report.failure.seq == 3
    assert report.failure.problem in ("link.broken", "hash.mismatch")


def test_a_bundle_verifies_offline_and_fails_when_the_database_was_altered(
    store: SqlStore,
) -> None:
    log = filled(store)
    data = log.export("FILING-2")
    report = EvidenceLog.verify_bundle(data, PLATFORM_KEY.public_key())
    assert report.ok, report.failure
    # FILING-2's last record (seq 13) came after the checkpoint: export signed the head
    assert report.last_checkpoint_seq == 14
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE evidence_records SET actor = 'party:9' WHERE seq = 3"))
    report = EvidenceLog.verify_bundle(log.export("FILING-2"), PLATFORM_KEY.public_key())
    assert report.failure is not None
    assert (report.failure.seq, report.failure.problem) == (3, "hash.mismatch")


def test_exporting_an_unknown_filing_is_a_coded_error(store: SqlStore) -> None:
    log = filled(store)
    with pytest.raises(EvidenceError) as caught:
        log.export("NO-SUCH-FILING")
    assert caught.value.code == "evidence.unknown_filing"


def test_appends_from_two_engines_serialise(store: SqlStore, database_url: str) -> None:
    engines = [create_store_engine(database_url) for _ in range(2)]
    errors: list[BaseException] = []

    def writer(index: int) -> None:
        log = EvidenceLog(SqlEvidenceStore(engines[index]))
        try:
            for batch in range(15):
                log.append_many(
                    [
                        Entry(
                            kind=RecordKind.RECEIPT,
                            subjects=(f"W{index}",),
                            payload_digest=digest(f"{index}/{batch}/{n}"),
                            actor=f"party:{index}",
                            at=T0,
                        )
                        for n in range(20)
                    ]
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert errors == []
    log = EvidenceLog(store.evidence, PLATFORM_KEY)
    report = log.verify()
    assert report.ok, report.failure
    assert report.records == 2 * 15 * 20
    # every batch stayed contiguous: one writer's 20 records are never interleaved
    actors = [r.actor for r in log.records()]
    assert all(len(set(actors[i : i + 20])) == 1 for i in range(0, len(actors), 20))


def test_append_many_joins_the_callers_transaction(store: SqlStore) -> None:
    log = EvidenceLog(store.evidence)
    entry = Entry(
        kind=RecordKind.RECEIPT, subjects=("F",), payload_digest=digest("r"), actor="p", at=T0
    )
    with store.unit_of_work() as uow:
        log.append_many([entry], within=uow)
        # no commit: the unit of work rolls back, and the record with it
    assert log.head()[0] == 0
    with store.unit_of_work() as uow:
        log.append_many([entry], within=uow)
        uow.commit()
    assert log.head()[0] == 1


def test_seen_signatures_are_shared_through_the_database(store: SqlStore) -> None:
    seen = SqlSeenSignatures(store.engine)
    assert seen.remember("d1", "guid-1", T0) == "guid-1"
    assert SqlSeenSignatures(store.engine).remember("d1", "guid-2", T0) == "guid-1"
    assert seen.remember("d2", "guid-2", T0) == "guid-2"
