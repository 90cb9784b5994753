"""Partitioned clearance over NATS JetStream with writer processes: kill -9 of a worker in the
middle of its work, and of a filer between recording a message and sending its parts, loses
nothing and clears nothing twice (PostgreSQL, two workers, real processes).

Needs PostgreSQL and NATS (TRADEWINDOW_TEST_DATABASE_URL, TRADEWINDOW_TEST_NATS_URL); each
test uses its own schema, stream and subject prefix.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nats
import pytest
from partition_roles import stream
from sqlalchemy import Engine, text

from tradewindow.evidence.partitions import PartitionEvidence
from tradewindow.evidence.platform_key import load_platform_key
from tradewindow.store import open_store
from tradewindow.store.partition import SqlPartitionChains
from tradewindow.store.partition.leases import held_partitions

NATS_URL = os.environ.get("TRADEWINDOW_TEST_NATS_URL")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not NATS_URL, reason="NATS tier: TRADEWINDOW_TEST_NATS_URL is not set"),
]
ROLES = Path(__file__).with_name("partition_roles.py")
PARTITIONS = 4


class Deployment:
    """Workers and filers as processes over one schema, one stream."""

    def __init__(self, url: str, folder: Path) -> None:
        tag = secrets.token_hex(4)
        self.stream, self.prefix = f"TWTEST_{tag}", f"twtest{tag}"
        self.folder = folder
        self.env = {
            **os.environ,
            "TRADEWINDOW_DATABASE_URL": url,
            "TRADEWINDOW_BUS_URL": NATS_URL or "",
            "TRADEWINDOW_CLEARANCE_PARTITIONS": str(PARTITIONS),
            "TRADEWINDOW_DATA_DIR": str(folder / "data"),
            "TW_PREFIX": self.prefix,
            "TW_STREAM": self.stream,
            "TW_PARTITIONS": str(PARTITIONS),
            "TW_START": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        }
        self.processes: list[subprocess.Popen[str]] = []
        # made before the processes start, which would each try to create it
        self.key = load_platform_key(folder / "data" / "platform-ed25519.pem", create=True)

    def worker(self, name: str) -> subprocess.Popen[str]:
        command = [
            sys.executable, "-m", "tradewindow.cli", "clearance-worker", "--prefix", self.prefix,
            "--stream", self.stream, "--ack-wait", "2", "--stale-after", "4", "--poll", "0.02",
            "--batch", "20",
        ]  # fmt: skip
        return self._start(command, name)

    def filer(self, first: int, last: int, name: str, **env: str) -> subprocess.Popen[str]:
        return self._start([sys.executable, str(ROLES), "file", str(first), str(last)], name, env)

    def _start(
        self, command: list[str], name: str, env: dict[str, str] | None = None
    ) -> subprocess.Popen[str]:
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            command, env={**self.env, **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        asyncio.run(_delete_stream(self.stream))


async def _delete_stream(name: str) -> None:
    client = await nats.connect(NATS_URL)
    with contextlib.suppress(Exception):  # never created: nothing to delete
        await client.jetstream().delete_stream(name)
    await client.drain()


@pytest.fixture
def deployment(postgres_url: str, tmp_path: Path) -> Iterator[Deployment]:
    open_store(postgres_url).close()  # migrated before the processes start
    found = Deployment(postgres_url, tmp_path)
    try:
        yield found
    finally:
        found.stop()


def scalar(engine: Engine, query: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(query)).scalar_one())


def wait_for(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


def test_kill_9_of_a_worker_and_of_a_filer_loses_and_repeats_nothing(
    deployment: Deployment, postgres_url: str
) -> None:
    store = open_store(postgres_url)
    engine = store.engine
    try:
        deployment.worker("worker-a")
        deployment.worker("worker-b")
        wait_for(lambda: held_partitions(engine) == PARTITIONS, 120, "two workers to hold 4")
        total = len(stream(datetime.fromisoformat(deployment.env["TW_START"])))
        half = total // 2

        # a filer killed right after recording its 3rd message, before sending its parts
        first = deployment.filer(0, half, "filer-1", TW_KILL_AFTER_INBOX="3")
        assert first.wait(120) == -signal.SIGKILL
        assert scalar(engine, "SELECT count(*) FROM clearance_inbox") == 3

        # a second filer; a worker killed while it clears, a fresh one started
        second = deployment.filer(half, total, "filer-2")
        done = "SELECT count(*) FROM clearance_inbox_parts WHERE done_at IS NOT NULL"
        start = scalar(engine, done)
        wait_for(lambda: scalar(engine, done) >= start + 6, 120, "the workers to clear parts")
        deployment.processes[0].send_signal(signal.SIGKILL)
        deployment.processes[0].wait(10)
        deployment.worker("worker-c")
        assert second.wait(180) == 0, deployment.log("filer-2")
        pending = "SELECT count(*) FROM clearance_inbox_parts WHERE done_at IS NULL"
        # the killed filer's third message: sent again by a worker's sweep
        wait_for(lambda: scalar(engine, pending) == 0, 120, "every recorded part to be done")

        # a worker stops on SIGTERM once it is up (its signal handlers set: its first line)
        wait_for(lambda: "clearance worker:" in deployment.log("worker-c"), 120, "worker-c")
        for worker in deployment.processes[1], deployment.processes[-1]:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(60) == 0
        assert held_partitions(engine) == 0  # given back on exit

        recorded = scalar(engine, "SELECT count(*) FROM clearance_inbox")
        assert recorded == 3 + (total - half)
        messages = stream(datetime.fromisoformat(deployment.env["TW_START"]))
        expected = sum(len(m.documents) for m in [*messages[:3], *messages[half:]])
        assert scalar(engine, "SELECT count(*) FROM documents") == expected  # nothing lost
        twice = scalar(
            engine,
            "SELECT count(*) FROM (SELECT message_guid, doc_key, receipt_type, status"
            " FROM receipts GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) AS d",
        )
        assert twice == 0  # nothing answered twice
        parts = scalar(engine, "SELECT count(*) FROM clearance_inbox_parts")
        accepted = scalar(
            engine,
            "SELECT count(*) FROM evidence_partition_records WHERE kind = 'message_accepted'",
        )
        assert accepted == parts  # each part cleared once, in its partition's chain
        chains = PartitionEvidence(SqlPartitionChains(engine), platform_key=deployment.key)
        assert chains.verify().ok
    finally:
        store.close()
