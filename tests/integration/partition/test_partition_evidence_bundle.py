"""A filing cleared by partitions exports as a bundle of its records in the partitions' chains,
the signed heads record tying those chains to the platform's and the platform segment to its
checkpoint; `evidence verify --bundle` checks it offline and finds a changed partition record
(issue 14 item 4, ADR 0009)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from partitioned_harness import KEY, Partitioned
from sqlalchemy import text

import builders as b
from tradewindow.cli import main
from tradewindow.evidence import bundle
from tradewindow.evidence.log import EvidenceLog
from tradewindow.store import open_store


@pytest.fixture
def cleared(database_url: str) -> Iterator[tuple[Partitioned, str]]:
    store = open_store(database_url)
    postgres = database_url.startswith("postgresql")
    try:
        h = Partitioned(store, partitions=4 if postgres else 3, threads=4 if postgres else 1)
        found = [b.import_set(order_no=f"EB{n:04d}", logistics_no=f"EBL{n:04d}") for n in range(8)]
        inventory = b.inventory_message(*(s.inventory for s in found))
        answers = h.send(
            b.order_message(*(s.order for s in found)),
            b.payment_message(*(s.payment for s in found)),
            b.waybill_message(*(s.waybill for s in found)),
            inventory,
        )
        assert all(a.receipts for a in answers)
        yield h, inventory.guid
    finally:
        store.close()


def test_a_partition_cleared_filing_exports_and_verifies(
    cleared: tuple[Partitioned, str],
) -> None:
    h, guid = cleared
    data = h.log.export(guid, h.chains)
    decoded = msgspec.json.decode(data, type=bundle.Bundle)
    assert decoded.format == bundle.FORMAT_PARTITIONED
    assert len(decoded.partitions) > 1  # eight orders spread over the partitions
    assert all(s.records for s in decoded.partitions)
    assert all(guid in r.subject_ids for s in decoded.partitions for r in s.records)
    assert decoded.heads_seq in {r.seq for r in decoded.records}
    report = EvidenceLog.verify_bundle(data, KEY.public_key())
    assert report.ok, report.failure
    assert report.last_checkpoint_seq == decoded.records[-1].seq
    # a second export reuses the heads record and checkpoint signed for the first
    assert h.log.export(guid, h.chains) == data
    # without the partition chains the platform's chain alone names nothing of it
    assert h.chains.filing_parts("NO-SUCH-FILING") is None


def test_a_changed_partition_record_fails_the_bundle(
    cleared: tuple[Partitioned, str],
) -> None:
    h, guid = cleared
    with h.store.engine.begin() as connection:
        partition, seq = connection.execute(
            text(
                "SELECT partition, max(seq) FROM evidence_partition_subjects"
                " WHERE subject = :guid GROUP BY partition ORDER BY partition LIMIT 1"
            ),
            {"guid": guid},
        ).one()
    data = h.log.export(guid, h.chains)
    assert EvidenceLog.verify_bundle(data, KEY.public_key()).ok
    with h.store.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE evidence_partition_records SET actor = 'party:9'"
                " WHERE partition = :p AND seq = :s"
            ),
            {"p": partition, "s": seq},
        )
    report = EvidenceLog.verify_bundle(h.log.export(guid, h.chains), KEY.public_key())
    assert report.failure is not None
    assert (report.failure.seq, report.failure.problem) == (seq, "hash.mismatch")
    assert f"partition {partition}" in report.failure.detail


def test_a_bundle_edited_offline_fails(cleared: tuple[Partitioned, str]) -> None:
    h, guid = cleared
    decoded = msgspec.json.decode(h.log.export(guid, h.chains), type=bundle.Bundle)
    first = decoded.partitions[0]
    # a record of the filing shown with another time: its hash no longer holds
    altered = msgspec.structs.replace(first.records[0], at="2020-01-01T00:00:00.000000+00:00")
    edited = msgspec.structs.replace(
        decoded,
        partitions=[
            msgspec.structs.replace(first, records=[altered, *first.records[1:]]),
            *decoded.partitions[1:],
        ],
    )
    report, _ = bundle.verify_bundle(bundle.encode(edited), KEY.public_key())
    assert report.failure is not None
    assert report.failure.problem == "hash.mismatch"
    # a partition segment dropped its last records: it no longer ends at the signed head
    cut = msgspec.structs.replace(
        decoded,
        partitions=[
            msgspec.structs.replace(first, records=first.records[:1], links=[]),
            *decoded.partitions[1:],
        ],
    )
    assert len(first.records) + len(first.links) > 1  # an order's records and its receipts
    report, _ = bundle.verify_bundle(bundle.encode(cut), KEY.public_key())
    assert report.failure is not None
    assert report.failure.problem == "heads.mismatch"
    # other heads than the platform signed
    assert decoded.heads is not None
    forged = msgspec.structs.replace(decoded, heads=decoded.heads.replace("1", "2", 1))
    report, _ = bundle.verify_bundle(bundle.encode(forged), KEY.public_key())
    assert report.failure is not None
    assert report.failure.problem in ("heads.digest", "heads.bad_signature")


def test_the_cli_exports_and_verifies_a_partition_cleared_filing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", url)
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "data"))
    store = open_store(url)
    try:
        h = Partitioned(store, partitions=3)
        found = [b.import_set(order_no=f"EC{n:04d}", logistics_no=f"ECL{n:04d}") for n in range(4)]
        h.send(b.order_message(*(s.order for s in found)))
        inventory = b.inventory_message(*(s.inventory for s in found))
        h.send(inventory)
    finally:
        store.close()
    out, key = tmp_path / "bundle.json", tmp_path / "platform.pem"
    assert main(["evidence", "export", "--filing", inventory.guid, "--out", str(out)]) == 0
    assert main(["evidence", "public-key", "--out", str(key)]) == 0
    capsys.readouterr()
    assert main(["evidence", "verify", "--bundle", str(out), "--public-key", str(key)]) == 0
    assert msgspec.json.decode(out.read_bytes(), type=bundle.Bundle).partitions
    with open_store(url).engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE evidence_partition_records SET at = '2020-01-01T00:00:00.000000+00:00'"
                " WHERE subjects LIKE :guid"
            ),
            {"guid": f"%{inventory.guid}%"},
        )
    assert main(["evidence", "export", "--filing", inventory.guid, "--out", str(out)]) == 0
    assert main(["evidence", "verify", "--bundle", str(out), "--public-key", str(key)]) == 1
