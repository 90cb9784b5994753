"""The channel end to end over SQLite and PostgreSQL with the local object store: a transfer
requested, uploaded in chunks (interrupted and resumed), approved, released, downloaded by range
and verified; refusals by the lawfulness table; tampering detected; every step in the evidence
chain; nobody outside the project sees anything (BOLA); the regulator sees the register only."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from datachannel_fixtures import (
    OTHER,
    PROJECT,
    dataset,
    joined,
    open_channel,
)

from tradewindow.datachannel import manifest as manifests
from tradewindow.datachannel.channel import Channel, NotFound
from tradewindow.datachannel.lawfulness import Mechanism
from tradewindow.datachannel.manifest import chunk_digest
from tradewindow.datachannel.model import (
    ApprovalKind,
    Classification,
    PersonalInformation,
    TransferState,
)
from tradewindow.datachannel.sealing import encrypt_chunk
from tradewindow.store.datachannel.records import chain_breaks
from tradewindow.violations import Rejected, codes_of

CHUNK = 1024


@pytest.fixture
def channel(database_url: str, tmp_path: Path) -> Iterator[Channel]:
    opened, engine = open_channel(database_url, tmp_path / "objects")
    try:
        yield opened
    finally:
        engine.dispose()


def upload(channel: Channel, id: str, data: bytes, *, stop_after: int | None = None) -> None:
    missing = channel.begin_upload("li", id, len(data), CHUNK)
    for done, index in enumerate(missing):
        if stop_after is not None and done == stop_after:
            return
        piece = data[index * CHUNK : (index + 1) * CHUNK]
        channel.put_chunk("li", id, index, piece, chunk_digest(piece))


def approved(channel: Channel, id: str, *, assessment: bool = False) -> None:
    channel.approve("wang", id, ApprovalKind.SENDER_OFFICER)
    channel.approve("wong", id, ApprovalKind.RECIPIENT_OFFICER)
    if assessment:
        channel.approve("zhao", id, ApprovalKind.SECURITY_ASSESSMENT, "CAC-SA-2026-0042")


def test_a_transfer_end_to_end_with_resume_and_range_reads(channel: Channel) -> None:
    data = os.urandom(5 * CHUNK + 300)
    channel.save_dataset("li", dataset())
    channel.request("li", "T-1", "D-READS", ["chan"], date(2026, 12, 31))
    upload(channel, "T-1", data, stop_after=3)  # interrupted
    assert channel.begin_upload("li", "T-1", len(data), CHUNK) == [3, 4, 5]
    upload(channel, "T-1", data)  # resumed: only the missing chunks go
    signed = channel.finish_upload("li", "T-1")
    assert signed.root == manifests.merkle_root(
        [chunk_digest(data[i : i + CHUNK]) for i in range(0, len(data), CHUNK)]
    )
    with pytest.raises(NotFound):
        channel.manifest_for("chan", "T-1")  # not released yet
    approved(channel, "T-1")
    assert channel.release("wang", "T-1").state is TransferState.RELEASED
    public = channel.signing_key.public_key()
    assert manifests.problems(channel.manifest_for("chan", "T-1"), public) == []
    assert joined(channel.read("chan", "T-1")) == data
    assert joined(channel.read("chan", "T-1", 1000, 3000)) == data[1000:3000]
    assert joined(channel.read("chan", "T-1", 5 * CHUNK, len(data))) == data[5 * CHUNK :]
    assert joined(channel.read("chan", "T-1", 7, 7)) == b""
    channel.record_verification("chan", "T-1", signed.root, True)
    steps = [r.step for r in channel.records.evidence("T-1")]
    downloads = ["download"] * 4
    assert steps == [
        "request",
        "upload",
        "approval",
        "approval",
        "release",
        *downloads,
        "verification",
    ]
    assert chain_breaks(channel.records.evidence("T-1")) == []


def test_a_tampered_chunk_or_manifest_is_detected(channel: Channel, tmp_path: Path) -> None:
    data = os.urandom(3 * CHUNK)
    channel.save_dataset("li", dataset())
    channel.request("li", "T-2", "D-READS", ["chan"], date(2026, 12, 31))
    upload(channel, "T-2", data)
    channel.finish_upload("li", "T-2")
    approved(channel, "T-2")
    channel.release("wang", "T-2")
    stored = channel.records.chunks("T-2")[1]
    path = tmp_path / "objects" / stored.object_name[:2] / stored.object_name[2:]
    raw = bytearray(path.read_bytes())
    raw[40] ^= 1
    path.write_bytes(bytes(raw))
    assert joined(channel.read("chan", "T-2", 0, CHUNK)) == data[:CHUNK]  # chunk 0 is intact
    with pytest.raises(Rejected) as refused:
        joined(channel.read("chan", "T-2"))
    assert codes_of(refused.value.violations) == ("DATA.download.tampered",)
    found = channel.manifest_for("chan", "T-2")
    public = channel.signing_key.public_key()
    forged = found.__class__(
        **{**{f: getattr(found, f) for f in found.__struct_fields__}, "size": 1}
    )
    assert "DATA.manifest.signature" in manifests.problems(forged, public)
    other_key = ed25519.Ed25519PrivateKey.generate().public_key()
    assert manifests.problems(found, other_key) == ["DATA.manifest.signature"]


def test_a_manifest_digest_changed_in_the_records_is_refused_where_it_falls(
    channel: Channel,
) -> None:
    data = os.urandom(4 * CHUNK)
    channel.save_dataset("li", dataset())
    channel.request("li", "T-5", "D-READS", ["chan"], date(2026, 12, 31))
    upload(channel, "T-5", data)
    found = channel.finish_upload("li", "T-5")
    approved(channel, "T-5")
    channel.release("wang", "T-5")
    chunks = list(found.chunks)
    chunks[2] = chunk_digest(b"another chunk")
    channel.records.save_manifest(msgspec.structs.replace(found, chunks=tuple(chunks)))
    given: list[bytes] = []
    with pytest.raises(Rejected) as refused:
        given.extend(channel.read("chan", "T-5"))
    assert codes_of(refused.value.violations) == ("DATA.download.tampered",)
    assert given == [data[:CHUNK], data[CHUNK : 2 * CHUNK]]
    assert joined(channel.read("chan", "T-5", 3 * CHUNK)) == data[3 * CHUNK :]


def test_a_chunk_sealed_before_digests_were_bound_is_opened_and_hashed(
    channel: Channel, tmp_path: Path
) -> None:
    # an object stored by the channel before the digest joined the associated data still opens,
    # and is then checked against the manifest by its SHA-256
    data = os.urandom(2 * CHUNK)
    channel.save_dataset("li", dataset())
    channel.request("li", "T-6", "D-READS", ["chan"], date(2026, 12, 31))
    upload(channel, "T-6", data)
    found = channel.finish_upload("li", "T-6")
    approved(channel, "T-6")
    channel.release("wang", "T-6")
    sealed = channel.records.sealed_key("T-6")
    assert sealed is not None
    key = channel.master.open(sealed)
    stored = channel.records.chunks("T-6")
    for index, piece in ((0, data[:CHUNK]), (1, b"\0" * CHUNK)):
        name = stored[index].object_name
        path = tmp_path / "objects" / name[:2] / name[2:]
        path.write_bytes(bytes(encrypt_chunk(key, "T-6", index, piece)))
    assert joined(channel.read("chan", "T-6", 0, CHUNK)) == data[:CHUNK]
    with pytest.raises(Rejected) as refused:
        joined(channel.read("chan", "T-6"))
    assert codes_of(refused.value.violations) == ("DATA.download.tampered",)
    assert found.chunks[1] == chunk_digest(data[CHUNK:])


def test_a_whole_read_gives_out_only_checked_chunks_in_order(
    channel: Channel, tmp_path: Path
) -> None:
    # a whole read opens chunks ahead of the one it gives out: still in order, each checked
    # before a byte of it is given, the refusal where the tampered chunk falls, no worker left
    data = os.urandom(6 * CHUNK + 11)
    channel.save_dataset("li", dataset())
    channel.request("li", "T-4", "D-READS", ["chan"], date(2026, 12, 31))
    upload(channel, "T-4", data)
    channel.finish_upload("li", "T-4")
    approved(channel, "T-4")
    channel.release("wang", "T-4")
    assert joined(channel.read("chan", "T-4")) == data
    abandoned = channel.read("chan", "T-4")
    assert next(abandoned) == data[:CHUNK]
    abandoned.close()  # type: ignore[attr-defined]
    assert not [t for t in threading.enumerate() if t.name.startswith("data-read")]
    stored = channel.records.chunks("T-4")[3]
    path = tmp_path / "objects" / stored.object_name[:2] / stored.object_name[2:]
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1
    path.write_bytes(bytes(raw))
    given: list[bytes] = []
    with pytest.raises(Rejected) as refused:
        given.extend(channel.read("chan", "T-4"))
    assert codes_of(refused.value.violations) == ("DATA.download.tampered",)
    assert given == [data[i * CHUNK : (i + 1) * CHUNK] for i in range(3)]


def test_chunks_put_from_several_threads_at_once(channel: Channel) -> None:
    # as `data push --parallel` and the HTTP server do: every chunk kept once, the same chunk
    # sent twice at once included
    data = os.urandom(9 * CHUNK)
    channel.save_dataset("li", dataset())
    channel.request("li", "T-5", "D-READS", ["chan"], date(2026, 12, 31))
    missing = channel.begin_upload("li", "T-5", len(data), CHUNK)

    def put(index: int) -> None:
        piece = data[index * CHUNK : (index + 1) * CHUNK]
        channel.put_chunk("li", "T-5", index, piece, chunk_digest(piece))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(put, [*missing, *missing]))
    assert channel.begin_upload("li", "T-5", len(data), CHUNK) == []
    channel.finish_upload("li", "T-5")
    approved(channel, "T-5")
    channel.release("wang", "T-5")
    assert joined(channel.read("chan", "T-5")) == data


def test_a_chunk_that_does_not_match_its_digest_is_refused(channel: Channel) -> None:
    channel.save_dataset("li", dataset())
    channel.request("li", "T-3", "D-READS", ["chan"], date(2026, 12, 31))
    channel.begin_upload("li", "T-3", 2 * CHUNK, CHUNK)
    with pytest.raises(Rejected) as refused:
        channel.put_chunk("li", "T-3", 0, b"a" * CHUNK, chunk_digest(b"b" * CHUNK))
    assert codes_of(refused.value.violations) == ("DATA.upload.digest",)
    with pytest.raises(Rejected) as short:
        channel.put_chunk("li", "T-3", 1, b"a", chunk_digest(b"a"))
    assert codes_of(short.value.violations) == ("DATA.upload.length",)
    with pytest.raises(Rejected) as early:
        channel.finish_upload("li", "T-3")
    assert codes_of(early.value.violations) == ("DATA.upload.incomplete",)


def test_totals_cross_a_threshold_without_a_contract_and_the_transfer_is_refused(
    channel: Channel,
) -> None:
    channel.save_dataset(
        "li", dataset("D-COHORT-1", kind=PersonalInformation.PERSONAL, persons=60_000)
    )
    channel.save_dataset(
        "li", dataset("D-COHORT-2", kind=PersonalInformation.PERSONAL, persons=50_000)
    )
    channel.request("li", "T-4", "D-COHORT-1", ["chan"], date(2026, 12, 31))  # exempt
    assert channel.totals("NANSHA").persons == 60_000
    with pytest.raises(Rejected) as refused:
        channel.request("li", "T-5", "D-COHORT-2", ["chan"], date(2026, 12, 31))
    assert codes_of(refused.value.violations) == ("DATA.transfer.mechanism.gba_standard_contract",)
    assert [r.step for r in channel.records.evidence("T-5")] == ["refusal"]
    # kept as refused: the researcher, the officers and the register see it, no total counts it
    kept = channel.transfer_for("wong", "T-5")[0]
    assert kept.state is TransferState.REFUSED
    assert kept.refused_for == "DATA.transfer.mechanism.gba_standard_contract"
    assert [(e.transfer, e.state) for e in channel.register()][-1] == ("T-5", "refused")
    assert channel.totals("NANSHA").persons == 60_000
    with pytest.raises(Rejected) as taken:  # another dataset: the id is taken
        channel.request("li", "T-5", "D-COHORT-1", ["chan"], date(2026, 12, 31))
    assert codes_of(taken.value.violations) == ("DATA.transfer.id",)
    channel.file_mechanism("NANSHA", Mechanism.GBA_STANDARD_CONTRACT, "GBA-SC-2026-118")
    transfer = channel.request("li", "T-5", "D-COHORT-2", ["chan"], date(2026, 12, 31))
    assert transfer.mechanism == "gba_standard_contract"
    assert transfer.state is TransferState.REQUESTED
    assert channel.totals("NANSHA").persons == 110_000
    assert [r.step for r in channel.records.evidence("T-5")] == ["refusal", "request"]


def test_important_data_waits_for_the_recorded_security_assessment(channel: Channel) -> None:
    channel.save_dataset("li", dataset("D-MAP", classification=Classification.IMPORTANT))
    with pytest.raises(Rejected):
        channel.request("li", "T-6", "D-MAP", ["chan"], date(2026, 12, 31))
    channel.file_mechanism("NANSHA", Mechanism.SECURITY_ASSESSMENT, "CAC-SA-2026-0042")
    channel.request("li", "T-6", "D-MAP", ["chan"], date(2026, 12, 31))
    upload(channel, "T-6", b"x" * 10)
    channel.finish_upload("li", "T-6")
    approved(channel, "T-6")
    with pytest.raises(Rejected) as waiting:
        channel.release("wang", "T-6")
    assert codes_of(waiting.value.violations) == ("DATA.release.missing.security_assessment",)
    channel.approve("zhao", "T-6", ApprovalKind.SECURITY_ASSESSMENT, "CAC-SA-2026-0042")
    assert channel.release("wang", "T-6").state is TransferState.RELEASED


def test_nobody_outside_the_project_sees_its_datasets_or_transfers(channel: Channel) -> None:
    channel.save_dataset("li", dataset())
    channel.request("li", "T-7", "D-READS", ["chan"], date(2026, 12, 31))
    upload(channel, "T-7", b"secret research data")
    channel.finish_upload("li", "T-7")
    approved(channel, "T-7")
    channel.release("wang", "T-7")
    for stranger in ("outsider", "hk-outsider", "nobody"):
        assert channel.transfers_for(stranger) == []
        with pytest.raises(NotFound):
            channel.datasets_for(stranger, PROJECT.code)
        with pytest.raises(NotFound):
            channel.transfer_for(stranger, "T-7")
        with pytest.raises(NotFound):
            channel.manifest_for(stranger, "T-7")
        with pytest.raises(NotFound):
            channel.read(stranger, "T-7")
        with pytest.raises(NotFound):
            channel.approve(stranger, "T-7", ApprovalKind.RECIPIENT_OFFICER)
    assert [p.code for p in channel.projects_of("outsider")] == [OTHER.code]
    # inside the project, only the named recipients download
    with pytest.raises(NotFound):
        channel.read("li", "T-7")
    with pytest.raises(NotFound):
        channel.put_chunk("chan", "T-7", 0, b"x", chunk_digest(b"x"))
    register = channel.register()
    assert [e.transfer for e in register] == ["T-7"]
    assert b"secret" not in repr(register).encode()
    assert (register[0].mechanism, register[0].state) == ("exempt", "released")


def test_destruction_after_retention_leaves_a_proof_and_no_bytes(
    database_url: str, tmp_path: Path
) -> None:
    channel, engine = open_channel(database_url, tmp_path / "objects")
    try:
        channel.save_dataset("li", dataset())
        channel.request("li", "T-8", "D-READS", ["chan"], date(2026, 5, 4))
        upload(channel, "T-8", os.urandom(2 * CHUNK))
        channel.finish_upload("li", "T-8")
        names = [c.object_name for c in channel.records.chunks("T-8")]
        with pytest.raises(Rejected):
            channel.destroy("wang", "T-8")  # kept until today, inclusive
        later = channel.clock() + (date(2026, 5, 5) - date(2026, 5, 4))
        channel.clock = lambda: later
        proof = channel.destroy("wang", "T-8")
        assert not any(channel.objects.exists(name) for name in names)
        assert channel.records.sealed_key("T-8") is None
        last = channel.records.evidence("T-8")[-1]
        assert last.step == "destruction"
        assert proof in last.detail
        destroyed = channel.records.transfer("T-8")
        assert destroyed is not None
        assert destroyed.state is TransferState.DESTROYED
    finally:
        engine.dispose()
