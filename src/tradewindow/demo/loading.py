"""The demo's data, built step by step: the day's messages written as files and cleared, the
match timeout let pass, the agencies' officers deciding, the evidence head signed, and two
years of statistics history — reporting each stage to a :class:`~tradewindow.progress.Progress`
(the terminal and the pages show it) and stopping between two committed batches when asked.

It runs on its own ``App`` whose clock stands one match timeout (and an hour) in the past
while the day is cleared — the day *is* yesterday — and reaches the present when the timeout
is let pass, so every receipt, decision and evidence record is dated at or before now.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa
from rich.console import Console
from rich.table import Table

from tradewindow import intake
from tradewindow.analytics.entities import save_entities
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.loading import refresh
from tradewindow.analytics.procurement import procurement_lines, write_lines
from tradewindow.bootstrap import App
from tradewindow.cbec import answers
from tradewindow.cbec.clearance import Answer
from tradewindow.cbec.documents import Message, SpecVersion, message_type
from tradewindow.cbec.keys import identity, kind_of, waybill_orders
from tradewindow.cbec.ports import DocKind, StoredDocument
from tradewindow.clock import utc_now
from tradewindow.demo.after_release import after_release, enter_bonded_stock
from tradewindow.demo.day import DemoDay, generate_day
from tradewindow.demo.exports import run_exports
from tradewindow.demo.faults import Expectation, InventoryOutcome
from tradewindow.demo.history import HistoryPlan, generate, plan
from tradewindow.demo.officers import agencies_decide
from tradewindow.demo.procurement import seed_market_procurement
from tradewindow.demo.stats import registered_entities
from tradewindow.filing.ports import Claim
from tradewindow.formats import ceb_json, ceb_xml, xmldsig
from tradewindow.parties.identifiers import Scheme
from tradewindow.progress import Progress
from tradewindow.store.filing.reads import Filings

STAGES = ("generate", "clear", "export", "expire", "decide", "after release", "statistics")
# documents per clearance unit of work: small enough that the pages' own writes (sign-in,
# sessions) never wait long behind the loading for the database's one writer
BATCH_DOCUMENTS = 400
_JSON_TYPES = ("CEB311", "CEB411")
_FINAL: dict[InventoryOutcome, set[str | None]] = {
    InventoryOutcome.RELEASED: {"released", "inspection"},
    InventoryOutcome.RELEASED_FULL_TAX: {"released", "inspection", "review"},
    InventoryOutcome.REFUSED: {"returned", None},  # None: refused unread, nothing stored
    InventoryOutcome.TIMED_OUT: {"returned"},
    InventoryOutcome.NOT_RELEASED: {"returned", None},
}


class LoadingClock:
    """Real time moved back by ``offset``; the loading sets it to zero to let time pass."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def __call__(self) -> datetime:
        return utc_now() - self.offset


class Stopped(Exception):
    """The loading was asked to stop (Ctrl-C); what was committed stays."""


class DemoLoad:
    """Everything the demo builds after its parties and accounts exist."""

    def __init__(
        self,
        app: App,
        clock: LoadingClock,
        folder: Path,
        *,
        day: date,
        sets: int,
        seed: int,
        history_lines: int,
        console: Console,
        progress: Progress,
        credentials: Mapping[str, str] | None = None,
    ) -> None:
        """``credentials``: party id → the API credential its messages are filed under (the
        demo's seed keys), so that each sender sees its messages as its own filings."""
        self.app, self.clock, self.folder = app, clock, folder
        self.credentials = dict(credentials or {})
        self.day, self.sets, self.seed, self.history_lines = day, sets, seed, history_lines
        self.console, self.progress = console, progress
        self.stop = threading.Event()
        self.summary = intake.Summary()
        self.generated: DemoDay | None = None

    def run(self) -> intake.Summary:
        """Every stage in order; raises :class:`Stopped` when asked to stop."""
        started = time.monotonic()
        inbox, outbox = self.folder / "in", self.folder / "out"
        inbox.mkdir(parents=True, exist_ok=True)
        self._generate(inbox)
        self._clear(inbox, outbox)
        self._exports()
        writer = intake.ReceiptWriter(outbox, "xml")
        self._expire(writer)
        self._decide(writer)
        self._after_release()
        checkpoint = self.app.evidence.sign_head()
        self.console.print(
            f"evidence: {checkpoint.seq:,} records chained, head signed by the platform key "
            f"({checkpoint.hash[:16]}…); check with `tradewindow evidence verify`"
        )
        self._statistics()
        self.progress.done()
        seconds = time.monotonic() - started
        self.console.print(f"[bold]the demo data is complete[/] ({seconds:.0f} s)")
        return self.summary

    # --- stages ------------------------------------------------------------------------

    def _generate(self, inbox: Path) -> None:
        self.progress.start("generate", self.sets)
        generated = generate_day(self.day, sets=self.sets, seed=self.seed)
        self.generated = generated
        self.progress.advance(self.sets)
        written = write_messages(generated.messages, inbox)
        self.progress.finish_stage()
        self.console.print(
            f"wrote {written:,} messages to {inbox} (orders and payments as JSON, "
            "waybills and signed inventory lists as CEB XML)"
        )

    def _clear(self, inbox: Path, outbox: Path) -> None:
        if self.generated is not None:  # the bonded warehouses' stock, before the day
            books, stocked = enter_bonded_stock(
                self.app, self.generated.messages, actor="demo-bonded-warehouse"
            )
            self.console.print(f"bonded stock entered: {stocked:,} items in {books:,} books")
        items = list(intake.incoming([inbox]))
        self.progress.start("clear", len(items))
        decoder = intake.Decoder(self.app.settings, spec=SpecVersion.V202205)
        started = time.monotonic()
        messages = self.generated.messages if self.generated else []
        owners = _Owners(self.app, self.credentials, self.clock)
        position = 0

        def cleared(count: int) -> None:
            nonlocal position
            # the messages just cleared are their senders' filings, as if sent over the API
            # (files are named in arrival order, so the n-th file is the n-th message)
            chosen = range(position, position + count)
            owners.claim([messages[i] for i in chosen], [items[i].data for i in chosen])
            position += count
            self.progress.advance(count)
            if self.stop.is_set():
                raise Stopped

        self.summary = intake.clear(
            items,
            clearance=self.app.clearance,
            decoder=decoder,
            writer=intake.ReceiptWriter(outbox, "xml"),
            clock=self.clock,
            batch_documents=BATCH_DOCUMENTS,
            progress=cleared,
        )
        self.progress.finish_stage()
        self.console.print(
            f"cleared {self.summary.messages:,} messages ({self.summary.documents:,} documents) "
            f"in {time.monotonic() - started:.1f} s, receipts written after each committed batch"
        )

    def _exports(self) -> None:
        """The day's exports, filed on the day's clock (before the match timeout passes)."""
        self.progress.start("export")
        done = run_exports(
            self.app, day=self.day, seed=self.seed, at=self.clock(), credentials=self.credentials
        )
        self.progress.finish_stage()
        statuses = ", ".join(f"{status} {count}" for status, count in done.lists.items())
        modes = ", ".join(f"{mode} {count}" for mode, count in done.modes.items())
        self.console.print(
            f"exports from Shenzhen and Guangzhou sellers: {sum(done.lists.values())} lists "
            f"({modes}; {statuses}); summary {', '.join(done.summaries) or '—'} declared as "
            f"{', '.join(done.declarations) or '—'}"
            + (f"; refused: {', '.join(done.refused)}" if done.refused else "")
        )

    def _expire(self, writer: intake.ReceiptWriter) -> None:
        self.progress.start("expire")
        waited = self.clock.offset
        self.clock.offset = timedelta(0)  # the timeout has passed: it is now
        expired = self.app.clearance.expire_waiting()
        self.summary.tally([Answer(guid="timeout", receipts=expired)])
        for receipt_message in answers.receipt_messages("timeout", expired):
            writer.write(receipt_message)
            self.summary.receipt_files += 1
        self.progress.finish_stage()
        self.console.print(
            f"{waited} later: {len(expired):,} lists still waiting were returned "
            "(CEB621.match.timeout)"
        )

    def _decide(self, writer: intake.ReceiptWriter) -> None:
        self.progress.start("decide")
        decided, made = agencies_decide(self.app, seed=self.seed)
        self.summary.tally([Answer(guid="agencies", receipts=decided)])
        for receipt_message in answers.receipt_messages("agencies", decided):
            writer.write(receipt_message)
            self.summary.receipt_files += 1
        self.progress.finish_stage()
        self.console.print(
            "agencies decided: "
            + ", ".join(f"{key} {count:,}" for key, count in sorted(made.items()))
        )
        informed = [code for code, agency in self.app.policy.agencies.items() if not agency.decides]
        self.console.print(
            "agencies informed (notices, on the workbench of e.g. demo-taxation): "
            + ", ".join(f"{code} {self.app.desk.notices.count(code):,}" for code in informed)
        )

    def _after_release(self) -> None:
        self.progress.start("after release")
        done = after_release(
            self.app, self.generated.messages if self.generated else [], seed=self.seed,
            now=self.clock(),
        )  # fmt: skip
        self.progress.finish_stage()
        shown = ", ".join(f"{kind} {count:,}" for kind, count in done.outcomes.items())
        self.console.print(
            f"after release: {done.arrived:,} parcels arrived at the supervised site (CEB711), "
            f"{done.signed:,} signed for (CEB513); answers {shown}"
        )
        stock = self.app.clearance.stock_report()
        if stock:
            self.console.print(
                f"bonded stock: {len(stock):,} items in {len({r.ems_no for r in stock}):,} "
                f"account books, {_units(sum(r.released for r in stock))} units released, "
                f"{_units(sum(r.restored for r in stock))} back by cancellations and returns "
                "(`tradewindow bonded stock`)"
            )
        if done.guarantee is not None:
            agent, amount, left = done.guarantee
            self.console.print(
                f"tax guarantee of {agent}: {amount:,.2f} set, {left:,.2f} left — a release it "
                "cannot cover is held (`tradewindow tax guarantee`, `tax statement`)"
            )

    def _statistics(self) -> None:
        lake = Lake(self.folder / "lake")
        # from 1 January two years back: at least 24 months (HISTORY_MONTHS), and whole calendar
        # years, so the dashboard can set a year against its published totals
        first = date(self.day.year - 2, 1, 1)
        months = (self.day.year - first.year) * 12 + self.day.month - first.month + 1
        history = plan(start=first, months=months, total_lines=self.history_lines)
        before = HistoryPlan([entry for entry in history.days if entry[0] < self.day])
        self.progress.start("statistics", len(before.days) + 1)
        # the store first: a first load rebuilds the lake from the system of record
        today = sum(load.lines for load in refresh(self.app.store.lake_source, lake))
        self.progress.advance()

        def day_written(_day: date, _lines: int) -> None:
            self.progress.advance()
            if self.stop.is_set():
                raise Stopped

        written = generate(lake, before, seed=self.seed, on_day=day_written)
        save_entities(lake, registered_entities(self.app))
        # market procurement (1039): the illustrative six-market day, its lines in the lake
        market = seed_market_procurement(self.app, seed=self.seed, today=self.day)
        exported = write_lines(lake, procurement_lines(self.app.market_procurement))
        self.progress.finish_stage()
        self.console.print(
            f"statistics: {written:,} lines of generated history ({months - 1} months) and "
            f"the {today:,} lines cleared today loaded into {lake.root}"
        )
        self.console.print(
            f"market procurement (1039, illustrative): {market.markets} markets, "
            f"{market.sales} sales, {market.shipments} shipments ({market.released} released), "
            f"{exported:,} lines in the statistics"
        )

    # --- the summary -------------------------------------------------------------------

    def explain(self) -> None:
        """Each kind of injected fault: how many sets, what should happen, what did."""
        if self.generated is None:
            return
        table = Table(title="Faults injected on purpose / 故意注入的差错")
        for column in ("fault", "sets", "expected", "as expected"):
            right = column in ("sets", "as expected")
            table.add_column(column, justify="right" if right else "left")
        by_kind: dict[str, list[Expectation]] = {}
        for expectation in self.generated.expectations:
            by_kind.setdefault(expectation.fault.value, []).append(expectation)
        with self.app.store.unit_of_work() as uow:
            for kind, expectations in sorted(by_kind.items()):
                keys = [k for e in expectations for k in e.order_keys]
                found = uow.documents(DocKind.INVENTORY, keys)
                ok = sum(_as_expected(e, found) for e in expectations)
                table.add_row(
                    kind, f"{len(keys):,}", f"{expectations[0].en}", f"{ok}/{len(expectations)}"
                )
        self.console.print(table)
        counts = self.app.store.status_counts()
        self.console.print(
            f"final state: {counts.get(('inventory', 'released'), 0):,} lists released, "
            f"{counts.get(('inventory', 'returned'), 0):,} returned, "
            f"{counts.get(('inventory', 'waiting'), 0):,} waiting; "
            f"tax collected CNY {self.app.store.tax_total():,.2f}"
        )
        self.console.print(
            f"receipts: {self.folder / 'out'} ({self.summary.receipt_files:,} files); database: "
            f"{self.folder / 'tradewindow.db'}"
        )


class _Owners:
    """Records each demo message as its sender's (``BaseTransfer/copCode``), as the API does
    when a party files it, so the portal lists the demo's documents under their filers."""

    def __init__(self, app: App, credentials: Mapping[str, str], clock: LoadingClock) -> None:
        self._app, self._credentials, self._clock = app, credentials, clock
        self._filings = Filings(app.store.engine)
        self._parties: dict[str, str | None] = {}

    def claim(self, messages: Sequence[Message], data: Sequence[bytes]) -> None:
        now = self._clock()
        claims = []
        for message, raw in zip(messages, data, strict=True):
            party = self._sender(message.base_transfer.cop_code)
            if party is None or party not in self._credentials:
                continue
            kind = message_type(message)
            claims.append(
                Claim(
                    guid=message.guid,
                    party_id=party,
                    credential_id=self._credentials[party],
                    message_type=kind,
                    format="json" if kind in _JSON_TYPES else "xml",
                    digest=hashlib.sha256(raw).hexdigest(),
                    received_at=now,
                    documents=list(
                        dict.fromkeys((kind_of(d).value, identity(d)) for d in message.documents)
                    ),
                    waybill_orders=waybill_orders(message.documents),
                )
            )
        self._filings.record(claims)  # a document already claimed keeps its first filer

    def _sender(self, code: str) -> str | None:
        if code not in self._parties:
            party = self._app.parties.find(Scheme.CUSTOMS, code)
            self._parties[code] = party.id if party else None
        return self._parties[code]


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


def _as_expected(expectation: Expectation, found: Mapping[str, StoredDocument]) -> bool:
    values = [found[k].status.value if k in found else None for k in expectation.order_keys]
    if expectation.inventory is InventoryOutcome.LIMIT_REACHED:
        released = values.count("released") + values.count("inspection")
        low, high = expectation.released or (0, len(values))
        return low <= released <= high
    allowed = _FINAL.get(expectation.inventory, set())
    return all(v in allowed for v in values)


def _units(quantity: object) -> str:
    """A quantity as people write it: ``686``, ``2.5`` (not ``686.00000``)."""
    text = f"{quantity:,f}" if not isinstance(quantity, int) else f"{quantity:,}"
    return text.rstrip("0").rstrip(".") if "." in text else text
