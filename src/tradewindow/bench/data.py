"""``tradewindow bench data``: the research-data channel's upload and download in MB/s, against a
plain file copy of the same bytes on the same disk in the same run.

The channel is built as ``bootstrap`` builds it (SQLite records, the local content-addressed
object store, master keys and the platform key in a throw-away data directory). Upload: read the
file chunk by chunk, SHA-256 each, ``put_chunk`` (encrypt, write, fsync, record), then the signed
manifest. Download: ``read`` the released transfer (open, decrypt, verify each chunk against the
manifest) chunk range by chunk range, written at its offset, and the file fsynced. Both move
``parallel`` chunks at once, as ``data push`` and ``data pull`` do (``--parallel``; the table
says how many). The baseline copies the file and fsyncs the copy. Each figure is the best of
``rounds``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from contextlib import nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tradewindow.bootstrap import bootstrap
from tradewindow.datachannel.channel import Channel
from tradewindow.datachannel.manifest import CHUNK_SIZE, PARALLEL, chunk_digest
from tradewindow.datachannel.model import (
    ApprovalKind,
    Classification,
    Dataset,
    Member,
    PersonalInformation,
    Project,
    ProjectApproval,
    Role,
)
from tradewindow.datachannel.receiving import in_parallel, write_at
from tradewindow.settings import Settings

MB = 1_000_000


def _project(today: date) -> Project:
    valid = {"valid_from": today - timedelta(days=1), "valid_until": today + timedelta(days=365)}
    return Project(
        code="BENCH",
        title="bench",
        purpose="bench",
        sender="A",
        recipient="B",
        members=(
            Member(person="sender", institution="A", role=Role.MEMBER),
            Member(person="officer-a", institution="A", role=Role.DATA_OFFICER),
            Member(person="recipient", institution="B", role=Role.MEMBER),
            Member(person="officer-b", institution="B", role=Role.DATA_OFFICER),
        ),
        approvals=(
            ProjectApproval(kind="ethics", reference="bench", **valid),
            ProjectApproval(kind="data_office", reference="bench", **valid),
        ),
    )


def _write_source(path: Path, size: int) -> None:
    with path.open("wb") as file:
        left = size
        while left:
            piece = os.urandom(min(CHUNK_SIZE, left))
            file.write(piece)
            left -= len(piece)
        file.flush()
        os.fsync(file.fileno())


def _copy(source: Path, target: Path) -> float:
    started = time.perf_counter()
    shutil.copyfile(source, target)
    with target.open("rb+") as file:
        os.fsync(file.fileno())
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def _upload(channel: Channel, id: str, source: Path, size: int, parallel: int) -> float:
    """As ``data push`` sends: ``parallel`` senders, each reading the next chunk still to go,
    hashing it and handing it over; every one acknowledged only once stored durably."""
    started = time.perf_counter()
    missing = channel.begin_upload("sender", id, size, CHUNK_SIZE)
    with source.open("rb") as file:
        descriptor = file.fileno()

        def send(index: int) -> None:
            piece = os.pread(descriptor, CHUNK_SIZE, index * CHUNK_SIZE)
            channel.put_chunk("sender", id, index, piece, chunk_digest(piece))

        in_parallel(parallel, missing, lambda: nullcontext(send))
    channel.finish_upload("sender", id)
    return time.perf_counter() - started


def _download(channel: Channel, id: str, target: Path, parallel: int) -> float:
    """As ``data pull`` receives: ``parallel`` receivers, each reading the next chunk's range
    (opened, decrypted and checked against the manifest before a byte is given) and writing it
    at its offset; the file fsynced once every range is in."""
    started = time.perf_counter()
    found = channel.manifest_for("recipient", id)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:

        def receive(index: int) -> None:
            offset, end = found.chunk_range(index)
            for piece in channel.read("recipient", id, offset, end):
                write_at(descriptor, piece, offset)
                offset += len(piece)

        in_parallel(parallel, range(len(found.chunks)), lambda: nullcontext(receive))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return time.perf_counter() - started


def _digest(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def run(
    *,
    megabytes: int = 256,
    rounds: int = 2,
    directory: Path | None = None,
    parallel: int = PARALLEL,
) -> dict[str, Any]:
    size = megabytes * MB
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(dir=directory, prefix="tw-bench-data-") as raw:
        root = Path(raw)
        app = bootstrap(Settings(database_url=f"sqlite:///{root / 'tw.db'}", data_dir=root))
        try:
            channel = app.data
            today = channel.clock().date()
            channel.save_project(_project(today))
            channel.save_dataset(
                "sender",
                Dataset(
                    code="BENCH-D",
                    project="BENCH",
                    owner="sender",
                    description="random bytes",
                    format="bin",
                    classification=Classification.GENERAL,
                    personal_information=PersonalInformation.NONE,
                ),
            )
            source = root / "source.bin"
            _write_source(source, size)
            expected = _digest(source)
            copies, uploads, downloads = [], [], []
            for round_ in range(rounds):
                id = f"BENCH-{round_}"
                copies.append(_copy(source, root / "copy.bin"))
                channel.request("sender", id, "BENCH-D", ["recipient"], today)
                uploads.append(_upload(channel, id, source, size, parallel))
                channel.approve("officer-a", id, ApprovalKind.SENDER_OFFICER)
                channel.approve("officer-b", id, ApprovalKind.RECIPIENT_OFFICER)
                channel.release("officer-a", id)
                received = root / "received.bin"
                downloads.append(_download(channel, id, received, parallel))
                if _digest(received) != expected:  # outside the timing: what was timed arrived
                    raise AssertionError(f"{id}: the bytes downloaded are not the ones uploaded")
                received.unlink()
        finally:
            app.close()
    copy_rate = size / min(copies) / MB
    upload_rate = size / min(uploads) / MB
    download_rate = size / min(downloads) / MB
    return {
        "megabytes": megabytes,
        "chunk_bytes": CHUNK_SIZE,
        "rounds": rounds,
        "parallel": parallel,
        "cpu_count": os.cpu_count(),
        "load_average": round(load, 2),
        "copy_mb_s": round(copy_rate, 1),
        "upload_mb_s": round(upload_rate, 1),
        "download_mb_s": round(download_rate, 1),
        "upload_vs_copy": round(upload_rate / copy_rate, 3),
        "download_vs_copy": round(download_rate / copy_rate, 3),
    }


def render(report: dict[str, Any], console: Console) -> None:
    table = Table(
        "path",
        "MB/s",
        "vs plain copy",
        title=f"research-data channel, {report['megabytes']} MB in chunks of "
        f"{report['chunk_bytes'] // 2**20} MiB (best of {report['rounds']}; "
        f"{report['parallel']} senders and receivers; {report['cpu_count']} CPUs, load "
        f"{report['load_average']})",
    )
    table.add_row("plain file copy + fsync", f"{report['copy_mb_s']:.1f}", "1.00")
    table.add_row(
        "upload (hash, encrypt, store, fsync, record)",
        f"{report['upload_mb_s']:.1f}",
        f"{report['upload_vs_copy']:.2f}",
    )
    table.add_row(
        "download (open, decrypt, verify, write, fsync)",
        f"{report['download_mb_s']:.1f}",
        f"{report['download_vs_copy']:.2f}",
    )
    console.print(table)
