"""Two API processes (uvicorn on loopback) over one database answer as one: idempotency keys,
rate limits, message replays, filings and revocations are all in the database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from api_world import PEPPER, World, open_world

import builders
from tradewindow.formats import ceb_json


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(database_url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TRADEWINDOW_DATABASE_URL": database_url,
        "TRADEWINDOW_DATA_DIR": str(data_dir),
        "TRADEWINDOW_CREDENTIAL_PEPPER": PEPPER.decode(),
        "TRADEWINDOW_API_RATE": "0.001",  # a token back every 1,000 s: none during a test
        "TRADEWINDOW_API_BURST": "40",
    }
    command = [sys.executable, "-m", "uvicorn", "tradewindow.web.app:create_app", "--factory"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [*command, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env,
    )


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API process exited with {process.returncode}")
        try:
            httpx.get(f"{url}/schema/openapi.json", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise TimeoutError(url)


@pytest.fixture
def two(database_url: str, tmp_path: Path) -> Iterator[tuple[World, list[str]]]:
    world = open_world(database_url, tmp_path)  # parties, keys, platform key: before both
    ports = [_free_port(), _free_port()]
    processes = [_start(database_url, tmp_path, port) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, process in zip(urls, processes, strict=True):
            _wait(url, process)
        yield world, urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        world.window.close()


def _order(world: World, key: str) -> dict[str, object]:
    body = ceb_json.write_message(builders.order_message())
    return {
        "content": body,
        "headers": {
            **world.auth("platform"),
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    }


def test_an_idempotent_retry_on_the_other_process_gets_the_same_bytes(
    two: tuple[World, list[str]],
) -> None:
    world, (a, b) = two
    first = httpx.post(f"{a}/v1/cbec/messages", **_order(world, "k-1"))  # type: ignore[arg-type]
    again = httpx.post(f"{b}/v1/cbec/messages", **_order(world, "k-1"))  # type: ignore[arg-type]
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    # another key, same message: the CEB guid rule answers it as a replay, on either process
    replay = httpx.post(f"{b}/v1/cbec/messages", **_order(world, "k-2"))  # type: ignore[arg-type]
    assert replay.status_code == 200
    assert replay.json()["replayed"] is True
    assert replay.json()["receipts"] == first.json()["receipts"]
    key = f"{builders.EBP_CODE}|{builders.ORDER_NO}"
    for url in (a, b):
        listed = httpx.get(f"{url}/v1/cbec/filings", headers=world.auth("platform")).json()
        assert [item["key"] for item in listed["items"]] == [key]


def test_concurrent_sends_of_one_message_to_both_processes_clear_it_once(
    two: tuple[World, list[str]],
) -> None:
    world, urls = two
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(
                lambda n: httpx.post(
                    f"{urls[n % 2]}/v1/cbec/messages",
                    timeout=30,
                    **_order(world, f"c-{n}"),  # type: ignore[arg-type]
                ),
                range(8),
            )
        )
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({str(a.json()["receipts"]) for a in answers}) == 1
    assert world.window.app.store.status_counts()[("order", "accepted")] == 1


def test_the_rate_limit_is_shared_and_a_revoked_key_fails_on_both(
    two: tuple[World, list[str]],
) -> None:
    world, (a, b) = two
    codes = [
        httpx.get(f"{(a, b)[n % 2]}/v1/cbec/filings", headers=world.auth("payer")).status_code
        for n in range(42)
    ]
    assert codes.count(200) == 40  # the burst, counted across both processes
    assert codes[-2:] == [429, 429]
    credential = world.window.registry.credentials_of("carrier")[0]
    assert httpx.get(f"{a}/v1/cbec/filings", headers=world.auth("carrier")).status_code == 200
    world.window.registry.revoke_key(credential.id)
    for url in (a, b):
        assert httpx.get(f"{url}/v1/cbec/filings", headers=world.auth("carrier")).status_code == 401
