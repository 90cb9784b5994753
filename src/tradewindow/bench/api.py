"""``tradewindow bench api``: the HTTP API against the in-process path of the same data.

1. **Bulk intake.** Generated import sets (as ``bench clearance``), CEB JSON, grouped by
   sender and sent as signed JSON bulks of :data:`BULK` messages (≈ 2,000 documents) to
   ``tradewindow serve`` (uvicorn in a subprocess on loopback, SQLite), against the same
   messages in the same groups decoded and cleared in this process (``Clearance.submit``,
   receipts rendered). Target: the HTTP rate ≥ 75 % of the in-process rate.
2. **Single-submission capacity.** One-order messages, each signed and posted alone by 32
   concurrent clients: submissions answered per second (the server's capacity), and p50 and
   p99 of the round trip (closed loop: this measures queueing as much as service).
3. **Open-loop latency.** One-order messages sent at a fixed offered rate (``rate`` per
   second, e.g. 100), each on schedule whatever the answers before it; latency counted from
   the moment it was due, so a slow answer delays no later request's clock (no coordinated
   omission). p50 and p99. Target: p99 < 50 ms at 100/s.

Requests are built and signed before the clock starts; each path gets a fresh database.

(Over 400 lines: one benchmark read top to bottom — the server it starts, the three
measurements over the same generated data, and their report; apart, each part would need the
others' set-up.)
"""

from __future__ import annotations

import hashlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from rich.console import Console
from rich.table import Table

from tradewindow.bench.clearance import database
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec import answers
from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.documents import InventoryMessage, Message
from tradewindow.clock import utc_now
from tradewindow.demo.sets import generate_sets
from tradewindow.evidence.recorder import CommissionRecords
from tradewindow.evidence.signatures import sign_json
from tradewindow.formats import ceb_json
from tradewindow.parties.commission_registry import OPERATOR, CommissionRegistry
from tradewindow.parties.commissions import GrantCommission, Scope
from tradewindow.parties.model import RegisterParty
from tradewindow.parties.service import PartyRegistry
from tradewindow.settings import Settings

BULK = 20  # messages per bulk: 20 × 100 documents, as bench clearance's unit of work
CLIENTS = 32
PACED_THREADS = 64  # senders of the open loop: enough that none waits for an answer to send
PEPPER = "bench-pepper-not-a-secret"
_ROLES = ("ecommerce_platform", "ecommerce_enterprise", "payment_firm", "logistics_firm", "broker")


class Sender(msgspec.Struct, kw_only=True):
    party_id: str
    api_key: str = ""
    key_id: str = ""
    private: ed25519.Ed25519PrivateKey | None = None


def run(
    *,
    sets: int = 2000,
    singles: int = 640,
    workers: int = 1,
    database_kind: str = "sqlite",
    rate: float = 100.0,
    offered: int = 600,
) -> dict[str, Any]:
    """``database_kind`` "postgresql" runs both paths on fresh schemas of the database named by
    TRADEWINDOW_BENCH_DATABASE_URL (or TRADEWINDOW_TEST_DATABASE_URL)."""
    start = utc_now() - timedelta(minutes=5)
    groups = _grouped(generate_sets(sets, seed=11, start=start, per_message=100))
    single = list(generate_sets(singles, seed=12, start=start, per_message=1))
    orders = [m for m in single if type(m).__name__ == "OrderMessage"][:singles]
    paced = [
        m
        for m in generate_sets(offered, seed=13, start=start, per_message=1)
        if type(m).__name__ == "OrderMessage"
    ][:offered]
    documents = sum(len(m.documents) for g in groups.values() for m in g)
    report: dict[str, Any] = {
        "benchmark": "api",
        "sets": sets,
        "documents": documents,
        "messages": sum(len(g) for g in groups.values()),
        "workers": workers,
        "database": database_kind,
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),  # the machine's, when the run started: see the ratios
    }
    with tempfile.TemporaryDirectory(prefix="tw-bench-api-") as folder:
        with database(database_kind) as first:
            report["in_process_docs_per_s"] = _in_process(Path(folder) / "a", groups, first)
        with (
            database(database_kind) as second,
            _server(Path(folder) / "b", groups, orders + paced, workers, second) as (
                url,
                senders,
            ),
        ):
            report["http_docs_per_s"], report["http_messages_filed"] = _bulk_http(
                url, groups, senders
            )
            latencies, report["single_per_s"] = _singles(url, orders, senders)
            paced_latencies = _open_loop(url, paced, senders, rate)
    report["load_average_after"] = os.getloadavg()
    report["http_ratio"] = report["http_docs_per_s"] / report["in_process_docs_per_s"]
    report["single_p50_ms"] = statistics.median(latencies) * 1000
    report["single_p99_ms"] = _percentile(latencies, 0.99) * 1000
    report["single_requests"] = len(latencies)
    report["open_rate_per_s"] = rate
    report["open_requests"] = len(paced_latencies)
    report["open_p50_ms"] = statistics.median(paced_latencies) * 1000
    report["open_p99_ms"] = _percentile(paced_latencies, 0.99) * 1000
    report["targets_met"] = {
        "http_ratio_at_least_0.75": report["http_ratio"] >= 0.75,
        "single_p99_under_50ms": report["single_p99_ms"] < 50,
        "open_p99_under_50ms": report["open_p99_ms"] < 50,
    }
    return report


def render(report: dict[str, Any], console: Console) -> None:
    table = Table(title=f"API benchmark: {report['documents']:,} documents in bulks")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("in-process clearance (docs/s)", f"{report['in_process_docs_per_s']:,.0f}")
    table.add_row("HTTP bulk intake (docs/s)", f"{report['http_docs_per_s']:,.0f}")
    table.add_row("HTTP / in-process (target ≥ 75 %)", f"{report['http_ratio']:.0%}")
    table.add_row(
        f"single submissions answered/s ({CLIENTS} clients)", f"{report['single_per_s']:,.0f}"
    )
    table.add_row(f"single submission p50 ({CLIENTS} clients)", f"{report['single_p50_ms']:.1f} ms")
    table.add_row(f"single submission p99 ({CLIENTS} clients)", f"{report['single_p99_ms']:.1f} ms")
    offered = f"{report['open_rate_per_s']:g}/s offered"
    table.add_row(f"single submission p50 ({offered})", f"{report['open_p50_ms']:.1f} ms")
    table.add_row(
        f"single submission p99 ({offered}, target < 50 ms)", f"{report['open_p99_ms']:.1f} ms"
    )
    load = ", ".join(f"{x:.1f}" for x in report["load_average"])
    console.print(table, f"load average at the start: {load} on {report['cpu_count']} CPUs")


# --- the two paths -------------------------------------------------------------------------


def _in_process(folder: Path, groups: dict[str, list[Message]], url: str | None) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(database_url=url or f"sqlite:///{folder / 'tw.db'}", data_dir=folder)
    app = bootstrap(settings)
    bodies = {code: [ceb_json.write_message(m) for m in ms] for code, ms in groups.items()}
    elapsed, documents = 0.0, 0
    try:
        for chunk in _chunks(bodies):
            began = time.perf_counter()
            now = utc_now()
            submissions = []
            for data in chunk:
                message = ceb_json.read_message(data, max_bytes=settings.max_message_bytes)
                digest = _sha256(data)
                submissions.append(Submission(message=message, digest=digest, received_at=now))
            for answer in app.clearance.submit(submissions):
                for receipt in answers.receipt_messages(answer.guid, answer.receipts):
                    ceb_json.write_message(receipt)
            elapsed += time.perf_counter() - began
            documents += sum(len(s.message.documents) for s in submissions)
    finally:
        app.close()
    return documents / elapsed


def _bulk_http(
    url: str, groups: dict[str, list[Message]], senders: dict[str, Sender]
) -> tuple[float, int]:
    """Documents per second over HTTP, and how many messages were filed (201)."""
    requests: list[tuple[dict[str, str], bytes]] = []
    for code, messages in groups.items():
        bodies = [ceb_json.write_message(m) for m in messages]
        for chunk in _chunks({code: bodies}):
            body = b'{"messages":[' + b",".join(chunk) + b"]}"
            requests.append((_headers(senders[code], body, f"bulk-{len(requests)}"), body))
    documents = sum(len(m.documents) for ms in groups.values() for m in ms)
    filed = 0
    with httpx.Client(base_url=url, timeout=300) as client:
        began = time.perf_counter()
        for headers, body in requests:
            response = client.post("/v1/cbec/messages", content=body, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"bulk refused: {response.status_code} {response.text[:300]}")
            # a bulk answers 200 whatever became of its messages: each must have been filed,
            # or the HTTP path would be timed refusing what the in-process path clears
            for item in response.json()["items"]:
                if item["status"] not in (200, 201):
                    raise RuntimeError(f"a message of the bulk was refused: {item}")
                filed += item["status"] == 201
        elapsed = time.perf_counter() - began
    return documents / elapsed, filed


def _singles(
    url: str, orders: list[Message], senders: dict[str, Sender]
) -> tuple[list[float], float]:
    """Each round trip's time, and the submissions answered per second."""
    prepared = []
    for n, message in enumerate(orders):
        body = ceb_json.write_message(message)
        sender = senders[message.base_transfer.cop_code]
        prepared.append((_headers(sender, body, f"single-{n}"), body))
    shares = [prepared[n::CLIENTS] for n in range(CLIENTS)]

    def client_run(client: httpx.Client, share: list[tuple[dict[str, str], bytes]]) -> list[float]:
        timings = []
        for headers, body in share:
            began = time.perf_counter()
            response = client.post("/v1/cbec/messages", content=body, headers=headers)
            timings.append(time.perf_counter() - began)
            if response.status_code not in (200, 201):
                raise RuntimeError(f"refused: {response.status_code} {response.text[:300]}")
        return timings

    with _clients(url, CLIENTS) as clients, ThreadPoolExecutor(CLIENTS) as pool:
        began = time.perf_counter()
        timings = [t for each in pool.map(client_run, clients, shares) for t in each]
        return timings, len(timings) / (time.perf_counter() - began)


def _open_loop(
    url: str, orders: list[Message], senders: dict[str, Sender], rate: float
) -> list[float]:
    """Each order posted when due (``rate`` per second from the start), on a pool large enough
    that sending never waits for answers; each latency from its due time to its answer."""
    prepared = []
    for n, message in enumerate(orders):
        body = ceb_json.write_message(message)
        sender = senders[message.base_transfer.cop_code]
        prepared.append((_headers(sender, body, f"paced-{n}"), body))
    latencies = [0.0] * len(prepared)
    local = threading.local()

    def send(n: int, due: float) -> None:
        headers, body = prepared[n]
        response = local.client.post("/v1/cbec/messages", content=body, headers=headers)
        latencies[n] = time.perf_counter() - due
        if response.status_code not in (200, 201):
            raise RuntimeError(f"refused: {response.status_code} {response.text[:300]}")

    with _clients(url, PACED_THREADS) as clients:
        free = iter(clients)
        with ThreadPoolExecutor(PACED_THREADS, initializer=_take, initargs=(local, free)) as pool:
            # every sender started with its client before the clock: an httpx.Client takes
            # ~20 ms of the client process's CPU to make, which is no part of the server's answer
            list(pool.map(time.sleep, [0.05] * PACED_THREADS))
            start = time.perf_counter() + 0.2
            futures = []
            for n in range(len(prepared)):
                due = start + n / rate
                if (wait := due - time.perf_counter()) > 0:
                    time.sleep(wait)
                futures.append(pool.submit(send, n, due))
            for future in futures:
                future.result()
    return latencies


@contextmanager
def _clients(url: str, count: int) -> Iterator[list[httpx.Client]]:
    """``count`` HTTP clients, made before any clock starts and closed after."""
    clients = [httpx.Client(base_url=url, timeout=60) for _ in range(count)]
    try:
        yield clients
    finally:
        for client in clients:
            client.close()


def _take(local: threading.local, free: Iterator[httpx.Client]) -> None:
    local.client = next(free)


# --- set-up --------------------------------------------------------------------------------


def _grouped(messages: Iterator[Message]) -> dict[str, list[Message]]:
    groups: dict[str, list[Message]] = {}
    for message in messages:
        groups.setdefault(message.base_transfer.cop_code, []).append(message)
    return groups


def _chunks(bodies: dict[str, list[bytes]]) -> Iterator[list[bytes]]:
    for group in bodies.values():
        for start in range(0, len(group), BULK):
            yield group[start : start + BULK]


def _commissioned_pairs(groups: dict[str, list[Message]]) -> set[tuple[str, str]]:
    """(ebcCode, agentCode) of every list an agent files for another enterprise."""
    return {
        (inventory.head.ebc_code, inventory.head.agent_code)
        for messages in groups.values()
        for message in messages
        if isinstance(message, InventoryMessage)
        for inventory in message.inventories
        if inventory.head.ebc_code != inventory.head.agent_code
    }


def _headers(sender: Sender, body: bytes, key: str) -> dict[str, str]:
    assert sender.private is not None  # noqa: S101 - every sender gets a key in _register
    return {
        "Authorization": f"Bearer {sender.api_key}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        **sign_json(body, sender.private, sender.key_id, utc_now()),
    }


def _register(registry: PartyRegistry, codes: set[str]) -> dict[str, Sender]:
    senders = {}
    for n, code in enumerate(sorted(codes)):
        party_id = f"bench-{n}"
        registry.register(
            RegisterParty(
                id=party_id,
                name_zh=code,
                name_en=code,
                kind="enterprise",
                roles=_ROLES,
                identifiers=(("cn.customs", code),),
            )
        )
        private = ed25519.Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key = registry.register_certificate(party_id, "ed25519", raw)
        senders[code] = Sender(
            party_id=party_id,
            api_key=registry.issue_key(party_id).api_key,
            key_id=key.id,
            private=private,
        )
    return senders


@contextmanager
def _server(
    folder: Path,
    groups: dict[str, list[Message]],
    orders: list[Message],
    workers: int,
    database_url: str | None,
) -> Iterator[tuple[str, dict[str, Sender]]]:
    folder.mkdir(parents=True)
    url = database_url or f"sqlite:///{folder / 'tw.db'}"
    settings = Settings(database_url=url, data_dir=folder)
    app = bootstrap(settings)  # migrates and makes the platform key before the server starts
    codes = set(groups) | {m.base_transfer.cop_code for m in orders}
    commissioned = _commissioned_pairs(groups)
    codes |= {ebc for ebc, _ in commissioned}
    senders = _register(PartyRegistry(app.store.parties, pepper=PEPPER.encode()), codes)
    commissions = CommissionRegistry(app.store.parties, evidence=CommissionRecords(app.evidence))
    for ebc, agent in sorted(commissioned):  # lists filed by an agent for a store need one
        grant = GrantCommission(agent=senders[agent].party_id, scope=(Scope.INVENTORY.value,))
        commissions.grant(senders[ebc].party_id, grant, by=OPERATOR)
    app.close()
    port = _free_port()
    env = {
        **os.environ,
        "TRADEWINDOW_DATABASE_URL": url,
        "TRADEWINDOW_DATA_DIR": str(folder),
        "TRADEWINDOW_CREDENTIAL_PEPPER": PEPPER,
        "TRADEWINDOW_API_RATE": "1000000",
        "TRADEWINDOW_API_BURST": "1000000000",
    }
    command = [sys.executable, "-m", "tradewindow.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [*command, "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, server)
        yield base, senders
    finally:
        server.terminate()
        server.wait(30)


def _wait(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the API server exited with {server.returncode}")
        try:
            httpx.get(f"{base}/schema/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(base)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
