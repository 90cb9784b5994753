"""Reading over both cores: received bytes decoded in worker processes, in input order, for
the one clearance writer (issue 14 item 3, ``docs/adr/0014``).

Decoding a CEB XML message (hardened parse, the official XSD, the ``ds:Signature``'s own
checks, building the typed Structs) and checking it (``cbec.rules.check_message``: facets,
code tables, business rules; pure, handed to the clearance service as ``Submission.check``)
need nothing but the bytes, the settings and the code tables, so they run in worker
processes while the writer (this process) clears what was read before:

- **bounded**: at most ``ahead`` chunks of ``chunk`` messages are out at the workers; the
  next chunk is read from the input only when the writer has taken one, so a slow writer
  stops the readers and memory stays flat whatever the input's size (back-pressure);
- **ordered**: answers come back in the order the messages came in, whichever worker
  finished first;
- **nothing lost, nothing twice**: a chunk stays here until its answer is taken. When a
  worker process dies (killed, out of memory, a crash in a C library), every chunk not yet
  answered is decoded again, message by message, one at a time: a message that kills a
  worker alone is the culprit and gets a CEB900 (``CEB900.message.decoder_failed``); every
  other message its own answer. A message that fails to decode or validate gets the
  CEB900 the in-process decoder gives, since the worker runs that very decoder;
- **receipt files** (:class:`WorkerReceipts`): an answered message's receipts are rendered
  and written as files by the workers while the writer clears the next batch; each outcome
  is handed out once its files are whole, and a dead worker's files are written here.

:class:`InProcess` is the same contract without workers (``--workers 0`` or ``1``, small
inputs, the API's single submissions); :func:`reading` picks one. Both yield
:class:`~tradewindow.intake.Decoded` triples, which :func:`tradewindow.intake.clearing`
batches for the writer.

(Over 400 lines: the pool's two jobs, decoding and writing receipt files, share its processes
and its recovery from a dead worker.)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import msgspec

from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.documents import SpecVersion
from tradewindow.cbec.ports import CodeTables, ReceiptRecord
from tradewindow.cbec.rules import check_message
from tradewindow.formats import ceb_schema
from tradewindow.formats.ceb_xml import FormatError
from tradewindow.intake import (
    Decoded,
    Decoder,
    ExportSubmission,
    Format,
    Incoming,
    InProcess,
    ReceiptWriter,
    Refusal,
    Written,
)
from tradewindow.reference import ReferenceCodeTables
from tradewindow.settings import Settings
from tradewindow.violations import Violation

log = logging.getLogger("tradewindow.pipeline")
_T = TypeVar("_T")

DECODER_FAILED = "CEB900.message.decoder_failed"
SMALL_INPUT = 200  # messages: below this, starting workers costs more than it saves
MAX_WORKERS = 8


def default_workers(messages: int | None = None) -> int:
    """Workers for ``messages`` inputs when none are asked for: one per core (at most
    :data:`MAX_WORKERS`) for a large input, none (in-process) for a small one or one core."""
    cores = os.cpu_count() or 1
    if cores < 2 or (messages is not None and messages < SMALL_INPUT):
        return 0
    return min(cores, MAX_WORKERS)


def reading(
    settings: Settings,
    *,
    spec: SpecVersion,
    xsd: bool | None = None,
    workers: int = 0,
) -> InProcess | WorkerPool:
    """The reader ``clearing`` uses: ``workers`` 0 or 1 decode in this process, as before
    the pipeline; 2 or more in that many worker processes."""
    if workers <= 1:
        return InProcess(Decoder(settings, spec=spec, xsd=xsd))
    return WorkerPool(settings, spec=spec, xsd=xsd, workers=workers)


class WorkersUnavailable(RuntimeError):
    """The worker processes cannot run here (no answer was given by the pool)."""


class _Refused(msgspec.Struct, frozen=True):
    """A worker's :class:`~tradewindow.intake.Refusal` without the bytes the writer holds
    (a FormatError does not survive pickling: its arguments are its violations)."""

    violations: list[Violation]
    guid: str | None
    message_type: str | None


_Read = Submission | ExportSubmission | _Refused
# what a worker sends back per message: which of the three, and it as MessagePack (decoded
# here about twice as fast as unpickling the same Structs: measured 6 vs 12 ms for 22
# messages of 100 documents, against 75 ms to decode their XML)
_Sent = tuple[int, bytes]
_KINDS: tuple[type[_Read], ...] = (Submission, ExportSubmission, _Refused)
_DECODERS = [msgspec.msgpack.Decoder(kind) for kind in _KINDS]
_encode = msgspec.msgpack.Encoder().encode

# the worker process's decoder and code tables, built once by _start_worker
_worker_decoder: Decoder | None = None
_worker_codes: CodeTables | None = None


def _start_worker(settings: Settings, spec: SpecVersion, xsd: bool | None, xsd_dir: str) -> None:
    global _worker_decoder, _worker_codes  # once per worker process, at its start
    if xsd_dir:
        os.environ[ceb_schema.ENV] = xsd_dir  # the writer's schemas, whatever env forked us
    _worker_decoder = Decoder(settings, spec=spec, xsd=xsd)
    _worker_codes = ReferenceCodeTables()  # as bootstrap gives the clearance service


def _decode_chunk(items: list[Incoming], at: datetime, export: bool) -> list[_Sent]:
    """In a worker: each message decoded as the in-process decoder does."""
    decoder = _worker_decoder
    assert decoder is not None  # noqa: S101 - _start_worker ran first
    read = decoder.decode_any if export else decoder.decode
    found: list[_Sent] = []
    for item in items:
        decoded = read(item, at)
        if isinstance(decoded, Refusal):
            error = decoded.error
            found.append((2, _encode(_Refused(error.violations, error.guid, error.message_type))))
        elif isinstance(decoded, Submission):
            found.append((0, _encode(_checked(decoded))))
        else:
            found.append((1, _encode(decoded)))
    return found


def _checked(submission: Submission) -> Submission:
    """The submission with its message's check (``rules.check_message``: facets, code tables,
    business rules; pure), which the clearance service then takes as done. Times in the
    message are judged against when it was received, not when its batch is cleared."""
    assert _worker_codes is not None  # noqa: S101 - _start_worker ran first
    check = check_message(
        submission.message,
        codes=_worker_codes,
        spec=submission.spec,
        now=submission.received_at,
    )
    return msgspec.structs.replace(submission, check=check)


# one answered message's receipts, as the writer sends them to a worker to write as files
_Answer = tuple[str, list[ReceiptRecord]]
_ANSWER = msgspec.msgpack.Decoder(_Answer)


def _write_answer(out: str, fmt: Format, answer: bytes) -> list[str | None]:
    """In a worker: one answered message's receipt files rendered and written, as the
    writer's own :class:`~tradewindow.intake.ReceiptWriter` would; their names."""
    guid, records = _ANSWER.decode(answer)
    return ReceiptWriter(Path(out), fmt).write_answer(guid, records)()


@dataclass
class _Chunk:
    items: list[Incoming]
    at: datetime
    future: Future[list[_Sent]] | None = None
    answers: list[Decoded] = field(default_factory=list)  # when decoded one by one


class WorkerPool:
    """Decoding in ``workers`` processes; see the module docstring. Use it as a context
    manager, or :meth:`close` it; the processes start on first use."""

    def __init__(
        self,
        settings: Settings,
        *,
        spec: SpecVersion,
        xsd: bool | None = None,
        workers: int = 2,
        chunk: int = 8,
        ahead: int | None = None,
    ) -> None:
        self.workers = workers
        self._start_args = (settings, spec, xsd, os.environ.get(ceb_schema.ENV, ""))
        self._chunk = chunk
        # enough for the workers to keep going while the writer clears a batch of ~20
        self._ahead = ahead if ahead is not None else 4 * workers
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0  # worker processes lost and replaced (for reports and tests)
        self.taken = 0  # messages read from the input so far
        self.answered = 0  # messages whose answer the writer has taken

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def pids(self) -> list[int]:
        """The worker processes' ids (started ones)."""
        if self._executor is None:
            return []
        return sorted(self._executor._processes)  # no public accessor

    def decoded(
        self, items: Iterable[Incoming], clock: Callable[[], datetime], *, export: bool
    ) -> Iterator[Decoded]:
        """Each of ``items`` with what it decoded to and when it was received, in input
        order; the input is read only as far as ``ahead`` chunks beyond the writer."""
        source = iter(items)
        pending: deque[_Chunk] = deque()

        def fill() -> None:
            while len(pending) < self._ahead:
                chunk: list[Incoming] = []
                for item in source:
                    chunk.append(item)
                    if len(chunk) == self._chunk:
                        break
                if not chunk:
                    return
                self.taken += len(chunk)
                at = clock()
                pending.append(_Chunk(chunk, at, self._submit(chunk, at, export)))

        fill()
        while pending:
            head = pending[0]
            if head.future is not None:
                try:
                    found = head.future.result()
                except BrokenProcessPool:
                    self._recover(pending, export)
                    continue
                head.answers = _answers(head, found)
            pending.popleft()
            fill()
            self.answered += len(head.answers)
            yield from head.answers

    def start(self) -> None:
        """Start the worker processes (else done on first use) and see that they run: a pool
        that cannot start its workers must not answer every message as undecodable."""
        if self._executor is not None:
            return
        self._executor = self._new_executor()
        at = datetime.now(UTC)
        try:
            # one empty chunk per worker, sent together: each starts a process (none is idle)
            executor = self._executor
            pings = [executor.submit(_decode_chunk, [], at, False) for _ in range(self.workers)]
            for ping in pings:
                ping.result()
        except BrokenProcessPool as error:
            self._replace_executor()
            raise WorkersUnavailable(
                "the decoding worker processes could not start (a script that starts them"
                " needs the `if __name__ == '__main__':` guard); decode in-process instead"
            ) from error

    def _submit(self, items: list[Incoming], at: datetime, export: bool) -> Future[list[_Sent]]:
        return self._submit_call(_decode_chunk, items, at, export)

    def _submit_call(self, call: Callable[..., _T], *args: object) -> Future[_T]:
        self.start()
        assert self._executor is not None  # noqa: S101 - start made it
        try:
            return self._executor.submit(call, *args)
        except BrokenProcessPool as error:  # a worker died before this call went out:
            broken: Future[_T] = Future()  # it is recovered like the calls out at the workers
            broken.set_exception(error)
            return broken

    def write_answer(self, out: Path, fmt: Format, answer: bytes) -> Future[list[str | None]]:
        """One answered message's receipt files (``answer``: its guid and receipts as
        MessagePack) to be written by a worker (:class:`WorkerReceipts`)."""
        return self._submit_call(_write_answer, str(out), fmt, answer)

    def _new_executor(self) -> ProcessPoolExecutor:
        # forkserver: a clean process to fork from (the writer may hold threads: a bus loop,
        # a database pool), with the decoder's modules already imported
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["tradewindow.pipeline"])
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=self._start_args,
        )

    def _recover(self, pending: deque[_Chunk], export: bool) -> None:
        """A worker died: every chunk not answered is decoded again message by message,
        one in flight, so a message that kills a worker on its own is named and refused."""
        self.restarts += 1
        log.warning("a decoding worker died; %d chunks decoded again", len(pending))
        self._replace_executor()
        for chunk in pending:
            future = chunk.future
            if future is None:
                continue
            if future.done() and not future.cancelled() and future.exception() is None:
                found = future.result()
                chunk.answers = _answers(chunk, found)
            else:
                chunk.answers = [self._alone(item, chunk.at, export) for item in chunk.items]
            chunk.future = None

    def _alone(self, item: Incoming, at: datetime, export: bool) -> Decoded:
        try:
            (found,) = self._submit([item], at, export).result()
        except BrokenProcessPool:
            self.restarts += 1
            log.error("%s killed a decoding worker on its own: refused", item.source)
            self._replace_executor()
            return item, _failed(item), at
        return _rebuilt(item, found, at)

    def _replace_executor(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _answers(chunk: _Chunk, found: list[_Sent]) -> list[Decoded]:
    return [_rebuilt(item, sent, chunk.at) for item, sent in zip(chunk.items, found, strict=True)]


def _rebuilt(item: Incoming, sent: _Sent, at: datetime) -> Decoded:
    kind, body = sent
    found = _DECODERS[kind].decode(body)
    if isinstance(found, _Refused):
        error = FormatError(found.violations, guid=found.guid, message_type=found.message_type)
        return item, Refusal(item.source, error, item.data), at
    return item, found, at


def _failed(item: Incoming) -> Refusal:
    error = FormatError(
        [
            Violation(
                path="",
                code=DECODER_FAILED,
                en="the message could not be decoded: reading it stopped the decoder",
                zh="报文无法解码：解析该报文时解码进程异常终止",
            )
        ]
    )
    return Refusal(item.source, error, item.data)


class WorkerReceipts(ReceiptWriter):
    """A :class:`~tradewindow.intake.ReceiptWriter` whose answered messages' receipt files
    are rendered and written by the pool's worker processes while the writer clears the
    next batch (``deferred``: ``clearing`` hands out each outcome once its files are
    written). The writer keeps each answer's receipts until then: when a worker dies, the
    files it did not write are written here. A crash of the whole run leaves no file half
    written (each is written aside and renamed), and the receipts of every committed batch
    stored: ``clear`` run again on the same input answers them as replays, writing them
    again. CEB900s and export receipts are written here, as they come (few)."""

    deferred = True

    def __init__(self, pool: WorkerPool, out: Path | None, fmt: Format = "xml") -> None:
        super().__init__(out, fmt)
        self._pool = pool

    def write_answer(self, guid: str, records: list[ReceiptRecord]) -> Written:
        if self._out is None or not records:
            return super().write_answer(guid, records)
        future = self._pool.write_answer(self._out, self._format, _encode((guid, records)))

        def names() -> list[str | None]:
            try:
                return future.result()
            except (BrokenProcessPool, CancelledError):  # a worker died: written here
                log.warning("receipts of %s written by the writer: a worker died", guid)
                return ReceiptWriter.write_answer(self, guid, records)()

        return names
