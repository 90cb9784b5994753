"""`tradewindow demo`: a generated GBA day written as files, cleared, explained and served.

The parties, their commissions, one API key per role and one portal account per role are
registered first and printed at once — each key is issued exactly once per run, so every
key printed works for the whole run. Then the pages and the API are served straight away
while the day is built behind them (:mod:`.loading`: the day's messages written as files —
orders and payments as JSON, waybills and inventory lists as CEB XML, the lists signed — and
cleared from those files exactly as ``tradewindow clear`` does, the match timeout let pass,
the agencies' officers deciding, two years of statistics history); the terminal and every
page show how far it has come. With ``--no-serve`` the same steps run in the foreground and
the command ends with the summary, comparing fault by fault what the generator injected
with what became of it.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import uvicorn
from rich.console import Console

from tradewindow import intake
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.demo.accounts import (
    print_credentials,
    print_demo_accounts,
    seed_demo_accounts,
    seed_export_accounts,
)
from tradewindow.demo.loading import STAGES, DemoLoad, LoadingClock, Stopped
from tradewindow.demo.registry import (
    SeededParty,
    issue_seed_keys,
    register_seed_parties,
    seed_commissions,
)
from tradewindow.demo.research_data import seed_research_data
from tradewindow.demo.services import seed_service_offices, seed_service_trade
from tradewindow.demo.stats import HISTORY_LINES
from tradewindow.logistics.worker import run_worker
from tradewindow.progress import Progress
from tradewindow.settings import Settings
from tradewindow.store import open_store
from tradewindow.web.app import create_app
from tradewindow.web.pages.stats import LAKE_STATE
from tradewindow.web.progress import PROGRESS_STATE

STOP_SECONDS = 30  # how long Ctrl-C waits for the loading to reach a committed batch


def run_demo(
    folder: Path,
    *,
    sets: int,
    seed: int,
    console: Console,
    port: int | None = None,
    history_lines: int = HISTORY_LINES,
    show_summary: Callable[[intake.Summary], None] | None = None,
) -> intake.Summary | None:
    """Register, print the credentials, then build the demo day in ``folder``: with ``port``
    in the background while the pages and the API are served on 127.0.0.1 until Ctrl-C
    (returns None), else in the foreground (returns the clearance summary). ``show_summary``
    prints the summary (the command's own table, as ``tradewindow clear`` prints it)."""
    started = time.monotonic()
    configured = Settings.from_env()  # a bad setting fails here, before any work
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    day = (datetime.now(CHINA_TZ) - timedelta(days=1)).date()
    console.print(
        f"[bold]tradewindow demo[/] — a Greater Bay Area CBEC import day ({day}), "
        f"{sets:,} purchases"
    )
    # the demo keeps its own database and data folder, and is served over plain http on
    # loopback only: its session cookies may drop Secure there (never for any other host,
    # see web/portal/session.py); the API's and portal's other limits are as configured
    settings = Settings(
        database_url=f"sqlite:///{folder / 'tradewindow.db'}",
        data_dir=folder,
        api=configured.api,
        portal=msgspec.structs.replace(configured.portal, allow_http=True),
    )
    store = open_store(settings.database_url)
    # the day is yesterday: it is cleared by a clock a match timeout in the past, which
    # reaches now when the timeout is let pass; the pages, keys and accounts live in real time
    clock = LoadingClock(settings.match_timeout + timedelta(hours=1))
    loader = bootstrap(settings, clock=clock, store=store)
    served = bootstrap(settings, store=store)
    try:
        # parties and commissions exist before the day's first message (on the loading clock)
        parties = register_seed_parties(loader.parties)
        seed_commissions(loader.commissions)
        keys = issue_seed_keys(served.parties, parties)  # once: each printed key stays valid
        load = DemoLoad(
            loader, clock, folder, day=day, sets=sets, seed=seed, history_lines=history_lines,
            console=console, progress=Progress(STAGES),
            credentials={seeded.party.id: seeded.key.credential.id for seeded in keys},
        )  # fmt: skip
        print_api_keys(keys, console, folder / "api-keys.txt")
        offices = seed_service_offices(served)  # the service-trade departments' officers
        accounts = seed_demo_accounts(served, [seeded.party for seeded in keys] + offices)
        accounts += seed_export_accounts(served)  # the export sellers' clerks
        built = seed_service_trade(served, seed=seed, today=day)
        console.print(
            f"service trade (illustrative): {built.items} rule-integration items, "
            f"{built.professions} professions, {sum(built.applications.values())} applications"
        )
        research = seed_research_data(served, keys[0].party.id, folder, today=day)
        console.print(
            f"research data (illustrative): {research.projects} projects of two campuses, "
            f"{len(research.transfers)} transfers, one refused ({', '.join(research.refused)}); "
            f"keys in {folder / 'research-data-keys.txt'}"
        )
        url = f"http://127.0.0.1:{port}/" if port is not None else ""
        print_demo_accounts(accounts, console, url, folder / "portal-accounts.txt")
        if port is None:
            summary = load.run()
            if show_summary is not None:
                show_summary(summary)
            load.explain()
            return summary
        serve(served, load, port, console, started, show_summary)
        return None
    finally:
        store.close()


def print_api_keys(seeded: list[SeededParty], console: Console, file: Path) -> None:
    """One API key per role (what a user calls the API with), also written to ``file``."""
    rows: list[tuple[str, ...]] = []
    shown: set[str] = set()
    for entry in seeded:
        role = entry.party.roles[0]
        if role not in shown:
            shown.add(role)
            rows.append((role, entry.party.id, entry.api_key))
    title = "Demo accounts: one API key per role / 演示账户（每个角色一个 API 密钥）"
    print_credentials(console, title, ("role", "party", "API key"), rows, file)


def serve(
    app: App,
    load: DemoLoad,
    port: int,
    console: Console,
    started: float,
    show_summary: Callable[[intake.Summary], None] | None,
) -> None:
    """The pages and the API at once, the demo day loading behind them, until Ctrl-C."""
    web = create_app(app)
    web.state[LAKE_STATE] = load.folder / "lake"
    web.state[PROGRESS_STATE] = load.progress
    worker = _Worker(app)
    worker.start()
    loading = threading.Thread(
        target=_load, args=(load, show_summary), name="tradewindow-demo-load", daemon=True
    )
    server = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning"))
    loading.start()
    threading.Thread(
        target=_announce,
        args=(server, port, console, started),
        name="tradewindow-demo-url",
        daemon=True,
    ).start()
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn shuts down, then raises the signal again
        pass
    finally:
        load.stop.set()
        loading.join(timeout=STOP_SECONDS)
        worker.stop()
        console.print("tradewindow demo stopped")


def _announce(server: uvicorn.Server, port: int, console: Console, started: float) -> None:
    """The URL, once the server answers (the time since start is the first page's)."""
    while not server.started:
        if server.should_exit:
            return
        time.sleep(0.05)
    console.print(
        f"\n[bold green]tradewindow is serving the demo at http://127.0.0.1:{port}/[/] "
        f"({time.monotonic() - started:.0f} s after start; the day and its statistics fill in "
        "behind the pages, which show how far it has come) — Ctrl-C to stop"
    )


def _load(load: DemoLoad, show_summary: Callable[[intake.Summary], None] | None) -> None:
    try:
        summary = load.run()
    except Stopped:
        load.progress.fail("stopped")
        return
    except Exception as error:  # the server goes on serving what was loaded; say what broke
        load.progress.fail(f"{type(error).__name__}: {error}")
        load.console.print_exception()
        return
    if show_summary is not None:
        show_summary(summary)
    load.explain()


class _Worker(threading.Thread):
    """The logistics worker (relay, fan-out, signed callbacks) beside the demo server, as
    `tradewindow worker` runs beside `tradewindow serve` in production."""

    def __init__(self, app: App) -> None:
        super().__init__(name="tradewindow-worker", daemon=True)
        self._app = app
        self._loop = asyncio.new_event_loop()
        # not ``_stop``: threading.Thread has a method of that name, which join() calls
        self._stopping = asyncio.Event()

    def run(self) -> None:
        asyncio.set_event_loop(self._loop)
        work = run_worker(self._app.logistics, self._app.settings.bus_url, self._stopping)
        self._loop.run_until_complete(work)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stopping.set)
        self.join(timeout=10)


__all__ = ["run_demo"]
