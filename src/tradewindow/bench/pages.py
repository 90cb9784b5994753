"""`tradewindow bench pages`: how fast every page answers over the demo's data.

The service is built exactly as ``tradewindow demo`` serves it (``bootstrap`` and
``create_app`` over the demo folder's SQLite file and statistics lake) and served by uvicorn
on a loopback port; a client signed in as the demo's accounts (``portal-accounts.txt``) asks
each page ``rounds`` times after one warm-up and the p50 and p99 of the wall times are
reported. The raw baseline, measured in the same run, is a static file through the same
server: what any request costs before a page does any work. Target: every page < 1 s.
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import msgspec
import uvicorn
from rich.console import Console
from rich.table import Table

from tradewindow.bootstrap import bootstrap
from tradewindow.settings import PortalLimits, Settings
from tradewindow.store.samples import page_samples
from tradewindow.web.app import create_app
from tradewindow.web.pages.stats import LAKE_STATE

TARGET_S = 1.0
BASELINE = "/static/favicon.svg"
PUBLIC = ("/", "/stats", "/stats/api/headline", "/status", "/lookup?q=milk",
          "/lookup/hs/0401", "/lookup/codes/countries", "/sandbox", "/sign-in")  # fmt: skip
# who signs in for which pages: the demo's accounts (role → pages, {filing} / {task} filled)
SIGNED_IN = {
    "broker": ("/portal", "/portal/filings", "/portal/filings/inventory/{filing}",
               "/portal/file/inventory", "/portal/upload", "/portal/keys"),
    "customs": ("/workbench", "/workbench?status=", "/workbench?status=&filing={order}",
                "/workbench?status=&sort=oldest&page=400",
                "/workbench/follow-up", "/workbench/history", "/workbench/tasks/{task}"),
    "taxation": ("/workbench/notices",),
}  # fmt: skip


class PageTime(msgspec.Struct, frozen=True, kw_only=True):
    page: str
    who: str
    status: int
    p50_s: float
    p99_s: float
    ratio_p50: float  # p50 ÷ the baseline's p50


def run(folder: Path, *, rounds: int = 20, console: Console | None = None) -> dict[str, Any]:
    """Time every page over the demo in ``folder``; print a table unless ``console`` is None."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request timed
    accounts = _accounts(folder / "portal-accounts.txt")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'tradewindow.db'}",
        data_dir=folder,
        portal=PortalLimits(allow_http=True),
    )
    core = bootstrap(settings)
    web = create_app(core)
    web.state[LAKE_STATE] = folder / "lake"
    samples = _samples(core.store.engine, accounts["broker"][2])
    times: list[PageTime] = []
    try:
        with _served(web) as url:
            with httpx.Client(base_url=url, timeout=120) as client:
                baseline = _timed(client, BASELINE, rounds)
                for page in PUBLIC:
                    times.append(_page(client, page, "public", rounds, baseline))
            for role, pages in SIGNED_IN.items():
                with _signed_in(url, accounts[role]) as client:
                    for page in pages:
                        path = page.format(**samples)
                        times.append(_page(client, path, role, rounds, baseline))
    finally:
        core.close()
    report = {
        "folder": str(folder),
        "rounds": rounds,
        "target_s": TARGET_S,
        "baseline": {"page": BASELINE, "p50_s": _p(baseline, 50), "p99_s": _p(baseline, 99)},
        "pages": [msgspec.to_builtins(t) for t in times],
        "slowest_p99_s": max(t.p99_s for t in times),
        "all_under_target": all(t.p99_s < TARGET_S and t.status < 400 for t in times),
    }
    if console is not None:
        render(report, console)
    return report


def render(report: dict[str, Any], console: Console) -> None:
    table = Table(title=f"pages over {report['folder']} ({report['rounds']} rounds each)")
    for column in ("page", "as", "status", "p50 s", "p99 s", "× baseline"):
        table.add_column(column, justify="left" if column in ("page", "as") else "right")
    for t in report["pages"]:
        slow = t["p99_s"] >= report["target_s"]
        table.add_row(t["page"], t["who"], str(t["status"]), f"{t['p50_s']:.3f}",
                      f"[red]{t['p99_s']:.3f}[/]" if slow else f"{t['p99_s']:.3f}",
                      f"{t['ratio_p50']:.1f}")  # fmt: skip
    console.print(table)
    base = report["baseline"]
    console.print(
        f"raw baseline {base['page']}: p50 {base['p50_s']:.4f} s, p99 {base['p99_s']:.4f} s; "
        f"slowest page p99 {report['slowest_p99_s']:.3f} s — "
        + ("every page under 1 s" if report["all_under_target"] else "[red]not all under 1 s[/]")
    )


def _page(client: httpx.Client, path: str, who: str, rounds: int, base: list[float]) -> PageTime:
    status = client.get(path).status_code  # warm-up (and the status to report)
    spent = _timed(client, path, rounds)
    return PageTime(page=path, who=who, status=status, p50_s=_p(spent, 50), p99_s=_p(spent, 99),
                    ratio_p50=round(_p(spent, 50) / max(_p(base, 50), 1e-6), 1))  # fmt: skip


def _timed(client: httpx.Client, path: str, rounds: int) -> list[float]:
    spent = []
    for _ in range(rounds):
        started = time.perf_counter()
        client.get(path)
        spent.append(time.perf_counter() - started)
    return spent


def _p(values: list[float], percentile: int) -> float:
    """The nearest-rank percentile (p99 of 20 rounds is the slowest)."""
    ordered = sorted(values)
    rank = max(1, -(-percentile * len(ordered) // 100))
    return round(ordered[rank - 1], 4) if percentile != 50 else round(statistics.median(values), 4)


def _samples(engine: Any, broker: str) -> dict[str, str]:
    """A list the broker filed, a customs task and its order number, to ask pages about."""
    found = page_samples(engine, broker)
    if found is None:
        raise SystemExit("the demo folder has no filings yet: run `tradewindow demo` first")
    filing, task_id, task_filing = found
    return {
        "filing": quote(filing, safe=""),
        "task": str(task_id),
        "order": quote(task_filing.split("|")[-1], safe=""),
    }


def _accounts(file: Path) -> dict[str, tuple[str, str, str]]:
    """role → (username, password, party) from the demo's printed accounts."""
    if not file.exists():
        raise SystemExit(f"{file} is missing: run `tradewindow demo --dir {file.parent}` first")
    found = {}
    for line in file.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split()
        if len(cells) == 4:
            found[cells[0]] = (cells[2], cells[3], cells[1])
    return found


@contextmanager
def _signed_in(url: str, account: tuple[str, str, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=120, follow_redirects=False) as client:
        form = client.get("/sign-in").text
        token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        answer = client.post("/sign-in", data={"username": account[0], "password": account[1],
                                               "csrf_token": token})  # fmt: skip
        if answer.status_code != 303:
            raise SystemExit(f"could not sign in as {account[0]}: {answer.status_code}")
        yield client


@contextmanager
def _served(app: Any) -> Iterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
