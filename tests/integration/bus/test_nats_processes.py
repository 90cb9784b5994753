"""Two tradewindow processes sharing events through NATS JetStream; a subscriber that crashes
or is killed mid-stream and restarts loses nothing and calls back nothing twice.

Needs the NATS server of this machine: TRADEWINDOW_TEST_NATS_URL (e.g. nats://127.0.0.1:4222).
Each test uses its own stream and subject prefix.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import msgspec
import pytest
from cryptography.fernet import Fernet

from tradewindow.logistics.events import Viewer
from tradewindow.logistics.guard import EgressGuard, SecretBox
from tradewindow.logistics.subscriptions import NewSubscription, SubscriptionService
from tradewindow.store import open_store

NATS_URL = os.environ.get("TRADEWINDOW_TEST_NATS_URL")
pytestmark = pytest.mark.skipif(
    not NATS_URL, reason="NATS tier: TRADEWINDOW_TEST_NATS_URL is not set"
)
ROLES = Path(__file__).with_name("nats_roles.py")
SECRET = secrets.token_bytes(32)
COUNT = 40


class Received:
    def __init__(self) -> None:
        self.event_ids: list[str] = []
        self.bad_signatures = 0
        self.lock = threading.Lock()


@pytest.fixture
def receiver() -> Iterator[tuple[str, Received]]:
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
            with received.lock:
                if self.headers["Notification-Signature"] != expected:
                    received.bad_signatures += 1
                received.event_ids.extend(e["eventID"] for e in msgspec.json.decode(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tnt", received
    finally:
        server.shutdown()


def start(role: str, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603  (our own script, our own interpreter)
        [sys.executable, str(ROLES), role, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def delivered_so_far(line: str) -> int:
    return int(line.split()[-1]) if line.startswith("round ") else 0


def test_subscriber_killed_mid_stream_loses_nothing_and_repeats_nothing(
    tmp_path: Path, receiver: tuple[str, Received]
) -> None:
    callback_url, received = receiver
    key = Fernet.generate_key()
    tag = secrets.token_hex(4)
    env = {
        **os.environ,
        "TRADEWINDOW_TEST_NATS_URL": NATS_URL or "",
        "TW_STREAM": f"TWTEST_{tag}",
        "TW_PREFIX": f"twtest{tag}",
        "TRADEWINDOW_CALLBACK_SECRET_KEYS": key.decode(),
        "TW_NOW": datetime.now(UTC).isoformat(),  # both producer runs publish the same events
    }
    producer_db = f"sqlite:///{tmp_path / 'producer.db'}"
    subscriber_db = f"sqlite:///{tmp_path / 'subscriber.db'}"
    store = open_store(subscriber_db)
    SubscriptionService(
        store.logistics.subscriptions,
        secrets=SecretBox([key]),
        guard=EgressGuard(allow_loopback=True),
    ).create(
        Viewer(party_id="customs-gd", agency="customs"),
        NewSubscription(callback_url=callback_url, secret=base64.b64encode(SECRET).decode()),
    )
    store.close()

    # process 1 publishes and relays; a second run from a fresh store relays the same
    # messages again, which JetStream drops by Nats-Msg-Id
    for run in range(2):
        producer = start("produce", f"{producer_db}.{run}", str(COUNT), env=env)
        assert producer.wait(timeout=60) == 0, producer.stderr.read() if producer.stderr else ""

    # process 2, first life: dies after owing its second batch, before acknowledging it
    crashing = start("deliver", subscriber_db, env={**env, "TW_CRASH_AFTER_OWE": "2"})
    assert crashing.wait(timeout=60) == 3
    # second life: killed outright once it has delivered some
    killed = start("deliver", subscriber_db, env=env)
    assert killed.stdout is not None
    for line in killed.stdout:
        if delivered_so_far(line) >= 15:
            killed.kill()  # SIGKILL, mid-stream
            break
    killed.wait(timeout=30)
    assert len(received.event_ids) < COUNT
    # third life: finishes the stream
    final = start("deliver", subscriber_db, env=env)
    try:
        deadline = time.monotonic() + 60
        while len(set(received.event_ids)) < COUNT and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # beyond ack_wait: a redelivery would have shown up by now
    finally:
        final.kill()
        final.wait(timeout=30)

    assert sorted(received.event_ids) == [f"evt-{n:04d}" for n in range(COUNT)]
    assert received.bad_signatures == 0
