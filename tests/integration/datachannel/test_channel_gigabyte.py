"""Done-when of issue 19: a 1 GB dataset moves end to end — upload interrupted and resumed by a
new process's channel, approvals, release, download, verification — with flat memory: the peak
of Python allocations stays under a few chunks, never near the gigabyte (the data is generated,
stored and read chunk by chunk; nothing holds it whole). SQLite only: the database holds
records, not bytes, so PostgreSQL adds nothing here that test_channel does not cover."""

from __future__ import annotations

import hashlib
import os
import shutil
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from datachannel_fixtures import dataset, open_channel

from tradewindow.datachannel import manifest as manifests
from tradewindow.datachannel.channel import Channel
from tradewindow.datachannel.manifest import CHUNK_SIZE, chunk_digest
from tradewindow.datachannel.model import ApprovalKind

SIZE = 1024**3 + 12_345  # a gigabyte and a ragged last chunk
FLAT = 12 * CHUNK_SIZE  # 96 MiB: a handful of chunks in flight, against 1 GiB moved


def _piece(seed: bytes, index: int, length: int) -> bytes:
    """Chunk ``index`` of the generated dataset: incompressible, reproducible, never kept."""
    block = hashlib.sha256(seed + index.to_bytes(8, "big")).digest()
    head = os.urandom(length - 32) if length > 32 else b""
    return (block + head)[:length]


def _upload(channel: Channel, seed: bytes, pieces: dict[int, str], stop_after: int | None) -> int:
    missing = channel.begin_upload("li", "T-GB", SIZE, CHUNK_SIZE)
    for done, index in enumerate(missing):
        if stop_after is not None and done == stop_after:
            break
        length = min(CHUNK_SIZE, SIZE - index * CHUNK_SIZE)
        data = _piece(seed, index, length)
        pieces[index] = chunk_digest(data)
        channel.put_chunk("li", "T-GB", index, data, pieces[index])
    return len(missing)


@pytest.mark.slow
def test_a_gigabyte_moves_end_to_end_with_flat_memory(sqlite_url: str, tmp_path: Path) -> None:
    seed = os.urandom(16)
    pieces: dict[int, str] = {}
    first, engine = open_channel(sqlite_url, tmp_path / "objects")
    tracemalloc.start()
    try:
        first.save_dataset("li", dataset())
        first.request("li", "T-GB", "D-READS", ["chan"], date(2026, 12, 31))
        assert _upload(first, seed, pieces, stop_after=50) == 129  # interrupted after 50
        # a new process: the same database, object store and master keys, a new channel
        second = Channel(
            first.records, first.objects, first.master, first.signing_key, clock=first.clock
        )
        assert _upload(second, seed, pieces, stop_after=None) == 129 - 50  # resumed
        signed = second.finish_upload("li", "T-GB")
        second.approve("wang", "T-GB", ApprovalKind.SENDER_OFFICER)
        second.approve("wong", "T-GB", ApprovalKind.RECIPIENT_OFFICER)
        second.release("wang", "T-GB")
        found = second.manifest_for("chan", "T-GB")
        assert manifests.problems(found, second.signing_key.public_key()) == []
        assert found.size == SIZE
        assert list(found.chunks) == [pieces[i] for i in range(len(pieces))]
        received = 0
        for index, piece in enumerate(second.read("chan", "T-GB")):
            assert chunk_digest(piece) == found.chunks[index]
            received += len(piece)
        assert received == SIZE
        second.record_verification("chan", "T-GB", signed.root, True)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        engine.dispose()
        shutil.rmtree(tmp_path / "objects")  # pytest keeps recent temp dirs: not a gigabyte
    assert peak < FLAT, f"peak {peak / 2**20:.0f} MiB of Python allocations"
    steps = [r.step for r in second.records.evidence("T-GB")]
    assert steps[-1] == "verification"
