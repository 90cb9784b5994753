"""The decoding pipeline (``tradewindow.pipeline``): worker processes give the writer exactly
what in-process decoding gives, in input order, with bounded memory, and lose or duplicate
nothing when a worker is killed."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import builders
from tradewindow import intake
from tradewindow.bench import export_mix
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec import answers
from tradewindow.cbec.clearance import Answer, Clearance, Submission
from tradewindow.cbec.documents import SpecVersion, message_type
from tradewindow.demo.faults import FaultKind
from tradewindow.demo.sets import generate_sets
from tradewindow.filing.use_case import Sender
from tradewindow.formats import ceb_schema, ceb_xml, xmldsig
from tradewindow.intake import Incoming, InProcess, Refusal
from tradewindow.pipeline import WorkerPool, WorkerReceipts
from tradewindow.settings import Settings

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
SAMPLES = Path(__file__).parents[2] / "data" / "ceb"
# documents breaking the rules the workers check, and messages sent twice or guids reused
FAULTS = {
    FaultKind.LINE_TOTAL: 0.15,
    FaultKind.INVALID_RESIDENT_ID: 0.15,
    FaultKind.UNKNOWN_HS_CODE: 0.1,
    FaultKind.RESUBMITTED: 0.1,
    FaultKind.GUID_REUSED: 0.1,
}


def clock() -> datetime:
    return NOW


def messages(sets: int) -> list[Incoming]:
    """Generated import sets as signed CEB XML (some documents breaking rules: the workers
    check them), with unreadable inputs and export messages among them."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    found: list[Incoming] = []
    for n, message in enumerate(
        generate_sets(
            sets, seed=3, start=NOW - timedelta(minutes=5), per_message=4, faults=True, rates=FAULTS
        )
    ):
        data = ceb_xml.write_message(message)
        if message_type(message) == "CEB621":
            data = xmldsig.sign(data, key, key_name="test")
        found.append(Incoming(f"m{n:03}.xml", data, "xml"))
    bad = [
        Incoming("broken.xml", b"<CEB311Message><unclosed>", "xml"),
        Incoming("edifact.txt", b"UNA:+.? 'UNB+UNOC:3", "other"),
        Incoming("empty.json", b"{}", "json"),
        # an order with its orderNo removed: read, then refused by the XSD (or the reader)
        Incoming("no_order_no.xml", _without_order_no(SAMPLES / "order_311.xml"), "xml"),
    ]
    for index, item in enumerate(bad):
        found.insert(3 + index * 5, item)
    for chunk in export_mix.chunks(2, "xml"):  # export messages: filed one by one
        found.extend(Incoming(f"x{n:03}.xml", data, "xml") for n, data in enumerate(chunk))
    return found


def _without_order_no(path: Path) -> bytes:
    data = path.read_bytes()
    start = data.index(b"<ceb:orderNo>")
    end = data.index(b"</ceb:orderNo>") + len(b"</ceb:orderNo>")
    return data[:start] + data[end:]


def _comparable(outcome: intake.FileOutcome) -> intake.FileOutcome:
    """An outcome without its receipt file names where they carry a fresh guid (CEB900)."""
    if outcome.outcome in ("unreadable", "refused"):
        return intake.FileOutcome(
            source=outcome.source,
            outcome=outcome.outcome,
            message_type=outcome.message_type,
            guid=outcome.guid,
            codes=outcome.codes,
            conflict=outcome.conflict,
        )
    return outcome


def _cleared(
    folder: Path,
    items: list[Incoming],
    workers: int,
    *,
    batch: int = 40,
    kill_after: int | None = None,
) -> tuple[list, list, int]:
    """``items`` cleared as ``clear`` does (with ``workers``: decoded, and their receipt files
    written, by a pool); ``kill_after``: a worker killed when that many outcomes are out."""
    settings = Settings(database_url=f"sqlite:///{folder / 'tw.db'}", data_dir=folder / "var")
    app = bootstrap(settings, clock=clock)
    outcomes: list[intake.FileOutcome] = []
    out = folder / "out"
    decoder: intake.Decoder | WorkerPool
    writer: intake.ReceiptWriter
    if workers:
        decoder = WorkerPool(settings, spec=SpecVersion.V202205, workers=workers, chunk=3, ahead=2)
        writer = WorkerReceipts(decoder, out, "xml")
    else:
        decoder = intake.Decoder(settings, spec=SpecVersion.V202205)
        writer = intake.ReceiptWriter(out, "xml")

    def on_file(outcome: intake.FileOutcome) -> None:
        # an outcome comes once its files are whole on disk
        assert all((out / name).is_file() for name in outcome.receipts)
        outcomes.append(outcome)
        if len(outcomes) == kill_after and isinstance(decoder, WorkerPool):
            os.kill(decoder.pids()[0], signal.SIGKILL)

    try:
        intake.clear(
            items,
            clearance=app.clearance,
            decoder=decoder,
            writer=writer,
            clock=clock,
            batch_documents=batch,
            filing=(app.filing, Sender.of_operator("local", "cli")),
            on_file=on_file,
            export=app.export_filing,
        )
        app.evidence.sign_head()
        guids = [o.guid for o in outcomes if o.outcome == "answered" and o.guid]
        stored = sorted(
            (r.message_guid, r.receipt_type, r.kind, r.doc_key, r.status, tuple(r.codes))
            for r in app.clearance.receipts_of_documents(guids)
        )
        report = app.evidence.verify()
        assert report.ok
        records = report.records
    finally:
        if isinstance(decoder, WorkerPool):
            decoder.close()
        app.close()
    return [_comparable(o) for o in outcomes], stored, records


def test_workers_clear_a_message_set_exactly_as_in_process(tmp_path: Path) -> None:
    items = messages(12)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    alone = _cleared(tmp_path / "a", items, workers=0)
    pooled = _cleared(tmp_path / "b", items, workers=2)

    outcomes, stored, records = pooled
    assert [o.source for o in outcomes] == [i.source for i in items]  # input order
    assert outcomes == alone[0]
    assert stored == alone[1]
    assert records == alone[2]
    unreadable = {o.source: o.codes for o in outcomes if o.outcome == "unreadable"}
    assert set(unreadable) == {"broken.xml", "edifact.txt", "empty.json", "no_order_no.xml"}
    assert "refused" in {o.outcome for o in outcomes}  # a guid reused
    assert any(o.message_type == "CEB603" and o.outcome == "answered" for o in outcomes)
    returned = [d for o in outcomes for d in o.documents if d.status == "100"]
    assert returned  # rule violations found by the workers' check, as in-process
    # receipt files with stable names are the same bytes both ways
    a_files = {p.name: p.read_bytes() for p in (tmp_path / "a" / "out").iterdir()}
    b_files = {p.name: p.read_bytes() for p in (tmp_path / "b" / "out").iterdir()}
    stable = {name for name in a_files if not name.startswith("CEB900")}
    assert stable
    assert {n for n in b_files if not n.startswith("CEB900")} == stable
    assert all(a_files[n] == b_files[n] for n in stable)


def test_a_worker_killed_while_writing_receipts_loses_no_file(tmp_path: Path) -> None:
    """A worker killed while the next batches are decoded and the last one's receipt files
    written: every input answered once, in order, every receipt file written whole (by the
    writer when its worker died), the same as in-process."""
    items = messages(12)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    alone = _cleared(tmp_path / "a", items, workers=0, batch=4)
    pooled = _cleared(tmp_path / "b", items, workers=2, batch=4, kill_after=1)
    assert pooled == alone
    a_files = {p.name: p.read_bytes() for p in (tmp_path / "a" / "out").iterdir()}
    b_files = {p.name: p.read_bytes() for p in (tmp_path / "b" / "out").iterdir()}
    stable = {name for name in a_files if not name.startswith("CEB900")}
    assert {n for n in b_files if not n.startswith("CEB900")} == stable
    assert all(a_files[n] == b_files[n] for n in stable)
    assert not [n for n in b_files if n.startswith(".")]  # nothing left half written


def test_receipts_a_broken_pool_cannot_take_are_written_by_the_writer(tmp_path: Path) -> None:
    """An answer handed out after a worker died (the pool broken before it went out) is
    written here, the same files as the writer's own ReceiptWriter writes."""
    order = builders.order()
    records = [
        answers.receipt_record(order, "2", "accepted", NOW, "MSG-1", seq=n) for n in range(150)
    ]
    expected = intake.ReceiptWriter(tmp_path / "a", "xml").write_answer("MSG-1", records)()
    assert len(expected) == 2  # 100 returns a receipt message
    with WorkerPool(Settings(), spec=SpecVersion.V202205, workers=2) as pool:
        pool.start()
        _kill_a_worker(pool)
        written = WorkerReceipts(pool, tmp_path / "b", "xml").write_answer("MSG-1", records)
        assert written() == expected
    files = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert files == {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}


class _Failing:
    """A clearance whose ``fail_at``-th batch fails (the database gone, say)."""

    def __init__(self, clearance: Clearance, fail_at: int) -> None:
        self._clearance = clearance
        self._left = fail_at

    def submit(self, submissions: list[Submission]) -> list[Answer]:
        self._left -= 1
        if not self._left:
            raise OSError("the database went away")
        return self._clearance.submit(submissions)


def test_a_batch_committed_before_a_failure_is_answered(tmp_path: Path) -> None:
    """A deferred writer's batch waits for the next one's clearance; when that one fails,
    the committed batch's outcomes still come out (their files written) before the error."""
    items = messages(6)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'tw.db'}", data_dir=tmp_path / "v")
    app = bootstrap(settings, clock=clock)
    outcomes: list[intake.FileOutcome] = []
    try:
        pool = WorkerPool(settings, spec=SpecVersion.V202205, workers=2, chunk=3)
        with pool, pytest.raises(OSError, match="went away"):
            intake.clear(
                items,
                clearance=_Failing(app.clearance, fail_at=2),  # type: ignore[arg-type]
                decoder=pool,
                writer=WorkerReceipts(pool, tmp_path / "out", "xml"),
                clock=clock,
                batch_documents=6,
                on_file=outcomes.append,
            )
        stored = app.clearance.receipts_of_documents([o.guid for o in outcomes if o.guid])
    finally:
        app.close()
    assert outcomes  # the first batch, cleared and committed
    assert [o.source for o in outcomes] == [i.source for i in items[: len(outcomes)]]
    answered = [o for o in outcomes if o.outcome == "answered"]
    assert answered
    assert all(o.receipts for o in answered)
    assert all((tmp_path / "out" / n).is_file() for o in outcomes for n in o.receipts)
    assert {r.message_guid for r in stored} == {o.guid for o in answered}


def _decoded(reader: intake.Reader, items: list[Incoming]) -> list[tuple[str, str]]:
    """(source, what it decoded to: the guid, or the CEB900's codes) of each answer."""
    found = []
    for item, read, _ in reader.decoded(items, clock, export=True):
        what = ",".join(read.error.codes) if isinstance(read, Refusal) else read.message.guid
        found.append((item.source, what))
    return found


def test_a_worker_killed_midway_loses_and_duplicates_nothing() -> None:
    items = messages(10)
    settings = Settings()
    expected = _decoded(InProcess(intake.Decoder(settings, spec=SpecVersion.V202205)), items)
    with WorkerPool(settings, spec=SpecVersion.V202205, workers=2, chunk=2, ahead=3) as pool:
        stream = pool.decoded(items, clock, export=True)
        found = []
        for item, read, _ in stream:
            what = ",".join(read.error.codes) if isinstance(read, Refusal) else read.message.guid
            found.append((item.source, what))
            if len(found) == 2:
                os.kill(pool.pids()[0], signal.SIGKILL)  # chunks are out at both workers
        assert pool.restarts >= 1
    assert found == expected


def test_a_pool_broken_before_a_chunk_goes_out_loses_nothing() -> None:
    """A worker that dies between two chunks breaks the pool before the next chunk is sent:
    that chunk is recovered like the ones already out, not lost to an exception."""
    items = messages(4)
    settings = Settings()
    expected = _decoded(InProcess(intake.Decoder(settings, spec=SpecVersion.V202205)), items)
    with WorkerPool(settings, spec=SpecVersion.V202205, workers=2, chunk=2, ahead=3) as pool:
        pool.start()
        _kill_a_worker(pool)  # so every chunk of the run below is sent to a broken pool
        found = _decoded(pool, items)
        assert pool.restarts >= 1
    assert found == expected


def _kill_a_worker(pool: WorkerPool) -> None:
    """One of the pool's workers killed, and the pool broken when this returns."""
    os.kill(pool.pids()[0], signal.SIGKILL)
    broken = pool._executor
    assert broken is not None
    for _ in range(500):  # the pool learns of the death on its management thread
        if broken._broken:
            break
        time.sleep(0.01)
    assert broken._broken


def test_a_slow_writer_stops_the_readers_and_memory_stays_flat() -> None:
    """Back-pressure: 4,000 messages of 64 KB (256 MB in all) through a pool bounded to 2
    chunks of 4. The input is read only as far as the bound
    allows, and the resident memory does not grow with the input."""
    bound = 2 * 4
    body = (SAMPLES / "order_311.xml").read_bytes()

    def big_inputs(count: int) -> Iterator[Incoming]:
        padding = b"<!--" + b"x" * (64 * 1024) + b"-->"
        for n in range(count):
            yield Incoming(f"big{n}.xml", body.replace(b"?>", b"?>" + padding, 1), "xml")

    settings = Settings()
    with WorkerPool(
        settings, spec=SpecVersion.V202205, xsd=False, workers=2, chunk=4, ahead=2
    ) as pool:
        rss_after_warm_up = 0
        ahead_seen = 0
        for index, (_, read, _) in enumerate(pool.decoded(big_inputs(4000), clock, export=False)):
            assert not isinstance(read, Refusal)
            ahead_seen = max(ahead_seen, pool.taken - pool.answered)
            if index == 200:
                rss_after_warm_up = _rss_kb()
        rss_at_end = _rss_kb()
        assert pool.answered == pool.taken == 4000
    assert ahead_seen <= bound + 4  # the chunks out, and the one being handed over
    assert rss_at_end - rss_after_warm_up < 64 * 1024  # KB: far below the 256 MB read


def _rss_kb() -> int:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


pytestmark = pytest.mark.skipif(
    not ceb_schema.schemas_available(), reason="CEB XSDs not found (shared/data/specs/ceb)"
)
