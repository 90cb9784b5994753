"""``tradewindow bench events``: DCSA events through the real processes, over loopback.

``tradewindow serve`` (uvicorn, SQLite) and ``tradewindow worker`` run as subprocesses over a
fresh database; this process is the terminal publishing events and the subscribers.

1. **Fan-out latency.** ``subscribers`` subscriptions (made over the API) call back a bare
   asyncio HTTP/1.1 receiver here that checks every signature with its own HMAC and answers
   204. Each round POSTs one event; the latency of each callback is its arrival minus the
   moment the POST began: API, store, relay, bus, fan-out, delivery. Target p99 < 1 s.
2. **Ingest.** ``events`` equipment events in bulks of ``bulk`` to ``POST /v2/events`` (the
   worker stopped, so the figure is the API's). Target ≥ 5,000 events/s.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
from cryptography.fernet import Fernet
from rich.console import Console
from rich.table import Table

from tradewindow.bootstrap import bootstrap
from tradewindow.clock import utc_now
from tradewindow.logistics.identifiers import container_check_digit
from tradewindow.logistics.model import EquipmentEvent, Location
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import Settings

PEPPER = "bench-pepper-not-a-secret"
SECRET = b"bench-callback-secret-32-bytes!!"
TERMINAL = "bench-terminal"


def run(
    *, events: int = 20_000, bulk: int = 500, subscribers: int = 200, rounds: int = 20
) -> dict[str, Any]:
    report: dict[str, Any] = {
        "benchmark": "events",
        "events": events,
        "bulk": bulk,
        "subscribers": subscribers,
        "rounds": rounds,
        "cpu_count": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="tw-bench-events-") as folder:
        env = _environment(Path(folder))
        api_key = _prepare(Path(folder))
        with _process(env, "serve", "--port", env["TW_PORT"]) as _:
            base = f"http://127.0.0.1:{env['TW_PORT']}"
            _wait(base)
            headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}
            with _process(env, "worker", "--poll", "0.02"):
                latencies, bad = asyncio.run(_fanout(base, headers, subscribers, rounds))
            report["ingest_events_per_s"] = _ingest(base, headers, events, bulk)
    report["callbacks"] = len(latencies)
    report["bad_signatures"] = bad
    report["fanout_p50_ms"] = statistics.median(latencies) * 1000
    report["fanout_p99_ms"] = _percentile(latencies, 0.99) * 1000
    report["fanout_max_ms"] = max(latencies) * 1000
    report["targets_met"] = {
        "ingest_at_least_5000_per_s": report["ingest_events_per_s"] >= 5000,
        "fanout_p99_under_1s": report["fanout_p99_ms"] < 1000,
    }
    return report


def render(report: dict[str, Any], console: Console) -> None:
    table = Table(title=f"DCSA events benchmark ({report['cpu_count']} CPUs, SQLite, loopback)")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row(
        f"HTTP ingest, bulks of {report['bulk']} (target ≥ 5,000/s)",
        f"{report['ingest_events_per_s']:,.0f} events/s",
    )
    table.add_row(
        f"callbacks ({report['subscribers']} subscribers × {report['rounds']} rounds)",
        f"{report['callbacks']:,} (bad signatures: {report['bad_signatures']})",
    )
    table.add_row("fan-out latency p50", f"{report['fanout_p50_ms']:.0f} ms")
    table.add_row("fan-out latency p99 (target < 1 s)", f"{report['fanout_p99_ms']:.0f} ms")
    table.add_row("fan-out latency max", f"{report['fanout_max_ms']:.0f} ms")
    console.print(table)


def _event(n: int, now: datetime) -> EquipmentEvent:
    first = f"BNCU{n % 1_000_000:06d}"
    return EquipmentEvent(
        event_id=f"bench-{n}",
        event_created_date_time=now,
        event_date_time=now - timedelta(minutes=5),
        event_classifier_code="ACT",
        equipment_event_type_code="DISC",
        equipment_reference=first + str(container_check_digit(first)),
        iso_equipment_code="45G1",
        empty_indicator_code="LADEN",
        event_location=Location(un_location_code="CNYTN"),
    )


async def _fanout(
    base: str, headers: dict[str, str], subscribers: int, rounds: int
) -> tuple[list[float], int]:
    arrivals: list[float] = []
    bad = 0
    arrived = asyncio.Event()
    open_writers: set[asyncio.StreamWriter] = set()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal bad
        open_writers.add(writer)
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
                fields = dict(
                    line.split(b":", 1) for line in head.split(b"\r\n")[1:] if b":" in line
                )
                lowered = {k.strip().lower(): v.strip() for k, v in fields.items()}
                body = await reader.readexactly(int(lowered.get(b"content-length", b"0")))
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                return
            arrivals.append(time.perf_counter())
            expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
            if lowered.get(b"notification-signature", b"").decode() != expected:
                bad += 1
            if len(arrivals) >= subscribers:
                arrived.set()
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            await writer.drain()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        secret = base64.b64encode(SECRET).decode()
        for n in range(subscribers):
            made = await client.post(
                "/v2/event-subscriptions",
                json={"callbackUrl": f"http://127.0.0.1:{port}/s/{n}", "secret": secret},
            )
            if made.status_code != 201:
                raise RuntimeError(f"subscription refused: {made.status_code} {made.text[:300]}")
        now = utc_now()
        for n in range(rounds):
            arrivals.clear()
            arrived.clear()
            body = msgspec.json.encode([_event(10_000_000 + n, now)])
            began = time.perf_counter()
            published = await client.post("/v2/events", content=body)
            if published.status_code != 200 or published.json()["accepted"] != 1:
                raise RuntimeError(f"event refused: {published.text[:300]}")
            await asyncio.wait_for(arrived.wait(), timeout=60)
            latencies.extend(arrival - began for arrival in arrivals[:subscribers])
            await asyncio.sleep(0.1)
    for writer in open_writers:  # each handler then reads EOF and ends
        writer.close()
    await asyncio.sleep(0.1)
    server.close()
    return latencies, bad


def _ingest(base: str, headers: dict[str, str], events: int, bulk: int) -> float:
    now = utc_now()
    bodies = [
        msgspec.json.encode([_event(n, now) for n in range(start, min(start + bulk, events))])
        for start in range(0, events, bulk)
    ]
    with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
        began = time.perf_counter()
        for body in bodies:
            response = client.post("/v2/events", content=body)
            if response.status_code != 200 or response.json()["rejected"]:
                raise RuntimeError(f"bulk refused: {response.status_code} {response.text[:300]}")
        elapsed = time.perf_counter() - began
    return events / elapsed


# --- set-up --------------------------------------------------------------------------------


def _environment(folder: Path) -> dict[str, str]:

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {
        **os.environ,
        "TRADEWINDOW_DATABASE_URL": f"sqlite:///{folder / 'tw.db'}",
        "TRADEWINDOW_DATA_DIR": str(folder),
        "TRADEWINDOW_BUS_URL": "",
        "TRADEWINDOW_CREDENTIAL_PEPPER": PEPPER,
        "TRADEWINDOW_CALLBACK_SECRET_KEYS": Fernet.generate_key().decode(),
        "TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK": "1",
        "TRADEWINDOW_API_RATE": "1000000",
        "TRADEWINDOW_API_BURST": "1000000000",
        "TW_PORT": str(port),
    }


def _prepare(folder: Path) -> str:
    """Migrate the database and register the terminal; its API key."""
    settings = Settings(
        database_url=f"sqlite:///{folder / 'tw.db'}", data_dir=folder, credential_pepper=PEPPER
    )
    app = bootstrap(settings)
    try:
        app.parties.register(
            RegisterParty(
                id=TERMINAL,
                name_zh="盐田国际集装箱码头",
                name_en="Yantian International Container Terminals",
                kind="enterprise",
                roles=("terminal_operator",),
                identifiers=(("cn.customs", "4403960199"),),
            )
        )
        return app.parties.issue_key(TERMINAL).api_key
    finally:
        app.close()


@contextmanager
def _process(env: dict[str, str], *command: str) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tradewindow.cli", *command],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(30)


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/schema/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(base)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
