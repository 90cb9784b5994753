"""`tradewindow demo`: a generated GBA day written as files, cleared, and explained.

The day's messages are written in arrival order, one file each — orders and payments as
JSON (as platforms and payment firms send them over the API), waybills and inventory lists as
CEB XML (the lists signed with a demo key, as the XSD requires) — then cleared from those
files on the embedded default (a SQLite file), exactly as ``tradewindow clear`` does. Then
the match timeout is let pass so lists whose waybill never came are returned, and the run
is compared, fault by fault, with what the generator injected.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tradewindow import intake
from tradewindow.analytics.lake import Lake
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec import answers
from tradewindow.cbec.clearance import Answer
from tradewindow.cbec.documents import CHINA_TZ, Message, SpecVersion, message_type
from tradewindow.cbec.ports import DocKind, StoredDocument
from tradewindow.clock import utc_now
from tradewindow.demo.accounts import print_credentials, print_demo_accounts, seed_demo_accounts
from tradewindow.demo.day import DemoDay, generate_day
from tradewindow.demo.faults import Expectation, InventoryOutcome
from tradewindow.demo.officers import agencies_decide
from tradewindow.demo.registry import seed_commissions, seed_parties
from tradewindow.demo.stats import build_lake
from tradewindow.formats import ceb_json, ceb_xml, xmldsig
from tradewindow.logistics.worker import run_worker
from tradewindow.settings import Settings
from tradewindow.web.app import create_app

_JSON_TYPES = ("CEB311", "CEB411")
_FINAL: dict[InventoryOutcome, set[str | None]] = {
    InventoryOutcome.RELEASED: {"released", "inspection"},
    InventoryOutcome.RELEASED_FULL_TAX: {"released", "inspection", "review"},
    InventoryOutcome.REFUSED: {"returned", None},  # None: refused unread, nothing stored
    InventoryOutcome.TIMED_OUT: {"returned"},
    InventoryOutcome.NOT_RELEASED: {"returned", None},
}


class Clock:
    """Real time, plus an offset the demo moves forward to let the match timeout pass."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utc_now() + self.offset


def run_demo(
    folder: Path,
    *,
    sets: int,
    seed: int,
    console: Console,
    port: int | None = None,
    show_summary: Callable[[intake.Summary], None] | None = None,
) -> intake.Summary:
    """Generate, clear and explain a demo day in ``folder``; with ``port``, then serve the
    pages and the API over it on 127.0.0.1 until interrupted. ``show_summary`` prints the
    clearance summary (the command's own table, as ``tradewindow clear`` prints it)."""
    configured = Settings.from_env()  # a bad setting fails here, before any work
    if folder.exists():
        shutil.rmtree(folder)
    inbox, outbox = folder / "in", folder / "out"
    inbox.mkdir(parents=True)
    day = (datetime.now(CHINA_TZ) - timedelta(days=1)).date()
    console.print(
        f"[bold]tradewindow demo[/] — a Greater Bay Area CBEC import day ({day}), "
        f"{sets:,} purchases"
    )
    generated = generate_day(day, sets=sets, seed=seed)
    written = write_messages(generated.messages, inbox)
    console.print(
        f"wrote {written:,} messages to {inbox} (orders and payments as JSON, "
        "waybills and signed inventory lists as CEB XML)"
    )
    clock = Clock()
    # the demo keeps its own database and data folder, and is served over plain http on
    # loopback only: its session cookies may drop Secure there (never for any other host,
    # see web/portal/session.py); the API's and portal's other limits are as configured
    settings = Settings(
        database_url=f"sqlite:///{folder / 'tradewindow.db'}",
        data_dir=folder,
        api=configured.api,
        portal=msgspec.structs.replace(configured.portal, allow_http=True),
    )
    app = bootstrap(settings, clock=clock)
    try:
        # the parties and their commissions are registered before the day's messages arrive
        # (and before the clock moves on: a commission takes effect when it is registered)
        seed_parties(app.parties)
        seed_commissions(app.commissions)
        summary = _clear(app, inbox, outbox, clock, console)
        clock.offset = settings.match_timeout + timedelta(hours=1)
        expired = app.clearance.expire_waiting()
        summary.tally([Answer(guid="timeout", receipts=expired)])
        writer = intake.ReceiptWriter(outbox, "xml")
        for receipt_message in answers.receipt_messages("timeout", expired):
            summary.receipt_files += writer.write(receipt_message)
        console.print(
            f"{settings.match_timeout} later: {len(expired):,} lists still waiting were returned "
            "(CEB621.match.timeout)"
        )
        decided, made = agencies_decide(app, seed=seed)
        summary.tally([Answer(guid="agencies", receipts=decided)])
        for receipt_message in answers.receipt_messages("agencies", decided):
            summary.receipt_files += writer.write(receipt_message)
        console.print(
            "agencies decided: "
            + ", ".join(f"{key} {count:,}" for key, count in sorted(made.items()))
        )
        informed = [code for code, agency in app.policy.agencies.items() if not agency.decides]
        console.print(
            "agencies informed (notices, on the workbench of e.g. demo-taxation): "
            + ", ".join(f"{code} {app.desk.notices.count(code):,}" for code in informed)
        )
        checkpoint = app.evidence.sign_head()
        console.print(
            f"evidence: {checkpoint.seq:,} records chained, head signed by the platform key "
            f"({checkpoint.hash[:16]}…); check with `tradewindow evidence verify`"
        )
        accounts(app, console, folder / "api-keys.txt")
        history, today = build_lake(app, Lake(folder / "lake"), day, seed=seed)
        console.print(
            f"statistics: {history:,} lines of generated history (24 months) and the "
            f"{today:,} lines cleared today loaded into {folder / 'lake'}"
        )

        if show_summary is not None:
            show_summary(summary)
        explain(app, generated, console)
        counts = app.store.status_counts()
        console.print(
            f"final state: {counts.get(('inventory', 'released'), 0):,} lists released, "
            f"{counts.get(('inventory', 'returned'), 0):,} returned, "
            f"{counts.get(('inventory', 'waiting'), 0):,} waiting; "
            f"tax collected CNY {app.store.tax_total():,.2f}"
        )
        console.print(
            f"receipts: {outbox} ({summary.receipt_files:,} files); database: "
            f"{folder / 'tradewindow.db'}"
        )
        if port is not None:
            clock.offset = timedelta(0)
            serve(app, folder, port, console)
    finally:
        app.close()
    return summary


def serve(app: App, folder: Path, port: int, console: Console) -> None:
    """The pages and the API over the demo's data, until Ctrl-C."""

    url = f"http://127.0.0.1:{port}/"
    print_demo_accounts(seed_demo_accounts(app), console, url, folder / "portal-accounts.txt")
    web = create_app(app)
    web.state["analytics_lake"] = folder / "lake"
    worker = _Worker(app)
    worker.start()
    console.print(
        f"\n[bold green]tradewindow is serving the demo at http://127.0.0.1:{port}/[/] "
        f"(statistics at /stats, the API at /v1, its OpenAPI at /schema) — Ctrl-C to stop"
    )
    try:
        uvicorn.run(web, host="127.0.0.1", port=port, log_level="warning")
    finally:
        worker.stop()


class _Worker(threading.Thread):
    """The logistics worker (relay, fan-out, signed callbacks) beside the demo server, as
    `tradewindow worker` runs beside `tradewindow serve` in production."""

    def __init__(self, app: App) -> None:
        super().__init__(name="tradewindow-worker", daemon=True)
        self._app = app
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()

    def run(self) -> None:

        asyncio.set_event_loop(self._loop)
        work = run_worker(self._app.logistics, self._app.settings.bus_url, self._stop)
        self._loop.run_until_complete(work)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self.join(timeout=10)


def accounts(app: App, console: Console, file: Path | None = None) -> None:
    """Register the demo parties and print one API key per role (what a user signs in with),
    also written to ``file`` when one is given."""

    seeded = seed_parties(app.parties)
    rows: list[tuple[str, ...]] = []
    shown: set[str] = set()
    for entry in seeded:
        role = entry.party.roles[0]
        if role in shown:
            continue
        shown.add(role)
        rows.append((role, entry.party.id, entry.api_key))
    title = "Demo accounts: one API key per role / 演示账户（每个角色一个 API 密钥）"
    print_credentials(console, title, ("role", "party", "API key"), rows, file)


def write_messages(messages: list[Message], inbox: Path) -> int:
    """One file per message, named in arrival order."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for number, message in enumerate(messages):
        kind = message_type(message)
        stem = f"{number:06d}_{kind}_{message.guid}"
        if kind in _JSON_TYPES:
            (inbox / f"{stem}.json").write_bytes(ceb_json.write_message(message))
            continue
        data = ceb_xml.write_message(message)
        if kind == "CEB621":
            data = xmldsig.sign(data, key, key_name="demo-agent")
        (inbox / f"{stem}.xml").write_bytes(data)
    return len(messages)


def _clear(app: App, inbox: Path, outbox: Path, clock: Clock, console: Console) -> intake.Summary:
    items = list(intake.incoming([inbox]))
    decoder = intake.Decoder(app.settings, spec=SpecVersion.V202205)
    started = utc_now()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("clearing", total=len(items))
        summary = intake.clear(
            items,
            clearance=app.clearance,
            decoder=decoder,
            writer=intake.ReceiptWriter(outbox, "xml"),
            clock=clock,
            progress=lambda n: progress.advance(task, n),
        )
    seconds = (utc_now() - started).total_seconds()
    console.print(
        f"cleared {summary.messages:,} messages ({summary.documents:,} documents) in "
        f"{seconds:.1f} s, receipts written after each committed batch"
    )
    return summary


def explain(app: App, generated: DemoDay, console: Console) -> None:
    """Each kind of injected fault: how many sets, what should happen, what did."""
    table = Table(title="Faults injected on purpose / 故意注入的差错")
    for column in ("fault", "sets", "expected", "as expected"):
        table.add_column(column, justify="right" if column in ("sets", "as expected") else "left")
    by_kind: dict[str, list[Expectation]] = {}
    for expectation in generated.expectations:
        by_kind.setdefault(expectation.fault.value, []).append(expectation)
    with app.store.unit_of_work() as uow:
        for kind, expectations in sorted(by_kind.items()):
            keys = [k for e in expectations for k in e.order_keys]
            found = uow.documents(DocKind.INVENTORY, keys)
            ok = sum(_as_expected(e, found) for e in expectations)
            table.add_row(
                kind, f"{len(keys):,}", f"{expectations[0].en}", f"{ok}/{len(expectations)}"
            )
    console.print(table)


def _as_expected(expectation: Expectation, found: Mapping[str, StoredDocument]) -> bool:
    values = [found[k].status.value if k in found else None for k in expectation.order_keys]
    if expectation.inventory is InventoryOutcome.LIMIT_REACHED:
        released = values.count("released") + values.count("inspection")
        low, high = expectation.released or (0, len(values))
        return low <= released <= high
    allowed = _FINAL.get(expectation.inventory, set())
    return all(v in allowed for v in values)


__all__ = ["run_demo"]
