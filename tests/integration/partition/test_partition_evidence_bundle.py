"""A filing cleared by partitions exports as a bundle of its records in the partitions' chains,
the signed heads record tying those chains to the platform's and the platform segment to its
checkpoint; `evidence verify --bundle` checks it offline and finds a changed partition record
(issue 14 item 4, ADR 0009)."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest
from partitioned_harness import KEY, Partitioned
from sqlalchemy import text

import builders as b
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
