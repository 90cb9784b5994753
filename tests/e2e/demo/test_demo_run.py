"""``tradewindow demo`` as a new user runs it: the first page is served while the day loads,
every API key it prints works for the whole run, nothing it records is dated in the future,
and Ctrl-C ends it cleanly (no traceback) whether the loading is done or not."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

SERVING = re.compile(r"tradewindow is serving the demo at (http://127\.0\.0\.1:\d+/) \((\d+) s")
WAIT_SECONDS = 300  # a loaded two-core machine


def start_demo(folder: Path, *, sets: int, history: int) -> subprocess.Popen[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRADEWINDOW_")}
    environment |= {"COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "tradewindow.cli", "demo", "--sets", str(sets),
               "--history", str(history), "--port", str(port), "--dir", str(folder)]  # fmt: skip
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=folder.parent,
    )


def wait_for_url(demo: subprocess.Popen[str], seen: list[str]) -> str:
    assert demo.stdout is not None
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        line = demo.stdout.readline()
        if not line:
            break
        seen.append(line)
        if found := SERVING.search(" ".join(seen[-3:]).replace("\n", " ")):
            return found[1]
    raise AssertionError("the demo never said it was serving:\n" + "".join(seen))


def interrupt(demo: subprocess.Popen[str]) -> tuple[str, str]:
    demo.send_signal(signal.SIGINT)
    out, err = demo.communicate(timeout=90)
    return out, err


def test_the_printed_keys_work_all_run_nothing_is_dated_later_and_ctrl_c_is_clean(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "demo"
    demo = start_demo(folder, sets=80, history=800)
    seen: list[str] = []
    try:
        url = wait_for_url(demo, seen)
        first = httpx.get(url, timeout=30)  # the landing page while the day loads
        assert first.status_code == 200
        assert 'data-audience="enterprises"' in first.text
        keys = _keys(folder / "api-keys.txt")
        assert len(keys) >= 10
        for key in keys:
            answer = httpx.get(f"{url}v1/cbec/filings", headers=_bearer(key), timeout=30)
            # signed in: the filings (an enterprise) or a role that may not read them (an agency)
            assert answer.status_code in (200, 403), answer.text
            assert answer.status_code == 200 or answer.json()["code"] == "auth.forbidden"
        _wait_until_loaded(url)
        platform = keys[0]
        answer = httpx.get(f"{url}v1/cbec/filings", headers=_bearer(platform), timeout=30)
        assert answer.status_code == 200, "a printed key stopped working during the run"
        assert answer.json()["items"], "the platform's filings are listed"
        _nothing_dated_after(folder / "tradewindow.db", datetime.now(UTC))
        _every_held_list_has_a_next_action(folder / "tradewindow.db")
    finally:
        out, err = interrupt(demo)
    assert demo.returncode == 0, err
    assert "Traceback" not in err + out
    assert "tradewindow demo stopped" in out


def test_ctrl_c_while_the_day_is_loading_stops_cleanly(tmp_path: Path) -> None:
    demo = start_demo(tmp_path / "demo", sets=3000, history=800)
    try:
        wait_for_url(demo, [])
        time.sleep(1)  # generating or clearing now
    finally:
        out, err = interrupt(demo)
    assert demo.returncode == 0, err
    assert "Traceback" not in err + out
    assert "tradewindow demo stopped" in out


def _keys(file: Path) -> list[str]:
    lines = file.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split()[-1] for line in lines if line.strip()]


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _wait_until_loaded(url: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        fragment = httpx.get(f"{url}progress", timeout=30).text
        assert 'class="alert"' not in fragment, fragment  # the loading failed
        if 'data-finished="true"' in fragment:
            return
        time.sleep(1)
    raise AssertionError("the demo's data never finished loading")


def _nothing_dated_after(database: Path, now: datetime) -> None:
    engine = create_engine(f"sqlite:///{database}")
    columns = {
        "agency_tasks": ("created_at", "claimed_at", "decided_at"),
        "credentials": ("created_at",),
        "receipts": ("created_at",),
        "documents": ("received_at", "updated_at"),
        "portal_accounts": ("created_at",),
        "exp_lists": ("filed_at", "updated_at"),  # the day's exports (demo.exports)
    }
    with engine.connect() as connection:
        for table, names in columns.items():
            for name in names:
                latest = connection.execute(text(f"SELECT max({name}) FROM {table}")).scalar()  # noqa: S608 - the test's own names
                assert latest is not None, (table, name)
                at = datetime.fromisoformat(str(latest))
                at = at if at.tzinfo else at.replace(tzinfo=UTC)
                assert at <= now, f"{table}.{name} is dated {at}, after {now}"
    engine.dispose()


def _every_held_list_has_a_next_action(database: Path) -> None:
    """A list in manual review or inspection is some agency's follow-up, never nobody's."""
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        stranded = connection.execute(
            text(
                "SELECT d.key FROM documents d WHERE d.kind = 'inventory' "
                "AND d.status IN ('review', 'inspection') AND NOT EXISTS (SELECT 1 FROM "
                "agency_tasks t WHERE t.filing = d.key AND t.status IN ('open', 'claimed', "
                "'follow_up'))"
            )
        ).all()
    engine.dispose()
    assert stranded == []
