"""Bytes in, receipts out: the adapter between files (CEB XML, JSON lines) and clearance.

Reads messages from files and folders, decodes each (hardened CEB XML, optionally checked
against the official XSDs; or JSON), hands them to :class:`~tradewindow.cbec.clearance.Clearance`
in batches, writes every receipt message to the output folder only after the batch committed,
and keeps the run's :class:`Summary`.

Export messages (CEB303 … 701, 213 / 215) are read the same way and filed one by one, in
input order, through :class:`~tradewindow.export.filing.FileExport` (each its own
transaction, as export clearance is); their receipts (CEB304 … 702, 792, 214 / 216) are
written and reported exactly as import's.

(Over 400 lines: reading files and folders, decoding, batching and writing receipts after the
commit are one pipeline with one :class:`Summary`; each stage hands the next its records.)
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal, Protocol

import msgspec

from tradewindow.cbec import answers
from tradewindow.cbec.clearance import Answer, Clearance, Submission
from tradewindow.cbec.documents import Message, SpecVersion, message_type
from tradewindow.cbec.ports import ReceiptRecord
from tradewindow.cbec.receipts import ReceiptMessage, ReturnStatus, TaxBill
from tradewindow.export.clearance import Unfit
from tradewindow.export.documents import ExportMessage
from tradewindow.export.documents import message_type as export_type
from tradewindow.export.filing import FileExport
from tradewindow.export.model import ExportAnswer
from tradewindow.export.outcomes import document_results
from tradewindow.export.receipts import ExportReceipt
from tradewindow.filing.refusals import FilingRefused
from tradewindow.filing.use_case import FileMessages, Sender
from tradewindow.formats import ceb_export, ceb_json, ceb_schema, ceb_xml
from tradewindow.formats.ceb_receipts_xml import format_error_receipt, write_receipt
from tradewindow.formats.ceb_xml import FormatError
from tradewindow.settings import Settings
from tradewindow.violations import Violation

Format = Literal["xml", "json", "other"]
_SUFFIXES = {".xml": "xml", ".json": "json", ".jsonl": "json", ".ndjson": "json"}


class Incoming(msgspec.Struct, frozen=True):
    """One message as received: where from, its bytes, how to read them. ``format`` "other"
    is a file that is neither XML nor JSON (an EDIFACT interchange, a PDF …); ``unread`` says
    why a file could not be read at all. Both are answered with a CEB900, never skipped."""

    source: str
    data: bytes
    format: Format
    unread: str | None = None


class ExportSubmission(msgspec.Struct, frozen=True, kw_only=True):
    """An export message as read, for :class:`~tradewindow.export.filing.FileExport`."""

    message: ExportMessage
    data: bytes  # as received (the refusal's evidence digest, a CEB900's echo)
    received_at: datetime
    spec: SpecVersion


class Refusal(msgspec.Struct, frozen=True):
    """A message that could not be read: it gets a CEB900 and nothing is stored."""

    source: str
    error: FormatError
    data: bytes


def incoming(paths: Sequence[Path]) -> Iterator[Incoming]:
    """Every message in the given files and folders (recursively, in name order).

    ``.xml`` files hold one CEB message; ``.json`` one JSON message; ``.jsonl`` / ``.ndjson``
    one JSON message per line. Any other file is read by what it starts with (``<``: XML,
    ``{``: JSON, else "other"); a file that cannot be read (missing, no permission) is
    still yielded, with ``unread`` saying why: every file given gets an answer.
    """
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            suffix = file.suffix.lower()
            try:
                if suffix in (".jsonl", ".ndjson"):
                    yield from _lines(file)
                    continue
                data = file.read_bytes()
            except OSError as error:
                yield Incoming(str(file), b"", "other", unread=error.strerror or str(error))
                continue
            yield received(str(file), data)


def _lines(file: Path) -> Iterator[Incoming]:
    with file.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                yield Incoming(f"{file}:{number}", line.rstrip(b"\r\n"), "json")


def received(name: str, data: bytes) -> Incoming:
    """``data`` received as ``name``: read as its suffix says (``.xml``; ``.json``, ``.jsonl``,
    ``.ndjson``), else by what it starts with (``<``: XML, ``{`` or ``[``: JSON, else
    "other", answered with a CEB900)."""
    kind = _SUFFIXES.get(Path(name).suffix.lower())
    if kind is None:
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        kind = "xml" if head == b"<" else "json" if head in (b"{", b"[") else "other"
    return Incoming(name, data, kind)  # type: ignore[arg-type]


def _not_ceb(item: Incoming) -> FormatError:
    """Why a file that is neither XML nor JSON (or cannot be read) is not cleared."""
    if item.unread is not None:
        return FormatError(
            [
                Violation(
                    path="",
                    code="CEB900.file.unreadable",
                    en=f"the file could not be read: {item.unread[:200]}",
                    zh=f"文件无法读取：{item.unread[:200]}",
                )
            ]
        )
    edifact = item.data.lstrip()[:3] in (b"UNA", b"UNB")
    what = "an EDIFACT interchange" if edifact else "neither CEB XML nor CEB JSON"
    what_zh = "EDIFACT 报文" if edifact else "既非CEB XML也非CEB JSON"
    return FormatError(
        [
            Violation(
                path="",
                code="CEB900.message.not_ceb",
                en=f"not a CEB message: {what}; clear reads CEB messages as XML or JSON",
                zh=f"不是CEB报文：{what_zh}；仅受理XML或JSON格式的CEB报文",
            )
        ]
    )


class Decoder:
    """Turns received bytes into a Submission, an ExportSubmission (or a Refusal), within
    the configured limits."""

    def __init__(self, settings: Settings, *, spec: SpecVersion, xsd: bool | None = None) -> None:
        self._settings = settings
        self._spec = spec
        self._xsd = ceb_schema.schemas_available() if xsd is None else xsd
        self._export_xsd = ceb_export.schemas_available() if xsd is None else xsd

    def decode(self, item: Incoming, received_at: datetime) -> Submission | Refusal:
        """An import message (an export one is refused as unsupported, as on channels that
        clear import only)."""
        return self._decode(item, received_at, export=False)  # type: ignore[return-value]

    def decode_any(
        self, item: Incoming, received_at: datetime
    ) -> Submission | ExportSubmission | Refusal:
        """An import or an export message (``tradewindow clear``, the sandbox)."""
        return self._decode(item, received_at, export=True)

    def _decode(
        self, item: Incoming, received_at: datetime, *, export: bool
    ) -> Submission | ExportSubmission | Refusal:
        digest = hashlib.sha256(item.data).hexdigest()
        limits = self._settings
        try:
            if item.format == "other":
                raise _not_ceb(item)
            if item.format == "json":
                if export and ceb_export.is_export_type(ceb_json.message_type_of(item.data)):
                    return ExportSubmission(
                        message=ceb_json.read_export_message(
                            item.data, max_bytes=limits.max_message_bytes
                        ),
                        data=item.data,
                        received_at=received_at,
                        spec=self._spec,
                    )
                message: Message = ceb_json.read_message(
                    item.data, max_bytes=limits.max_message_bytes
                )
                spec = self._spec
            else:
                root_type = ceb_export.root_type(item.data) if export else None
                if ceb_export.is_export_type(root_type):
                    return self._export(item, received_at)
                if ceb_export.is_receipt_type(root_type):
                    raise _receipt(item.data, root_type)
                read = ceb_xml.read_message(
                    item.data, max_bytes=limits.max_message_bytes, max_depth=limits.max_xml_depth
                )
                message, spec = read.message, read.spec_hint or self._spec
                if self._xsd:
                    violations = ceb_schema.validate(read.root, spec)
                    if violations:
                        raise FormatError(
                            violations, guid=message.guid, message_type=message_type(message)
                        )
        except FormatError as error:
            return Refusal(item.source, error, item.data)
        return Submission(message=message, digest=digest, received_at=received_at, spec=spec)

    def _export(self, item: Incoming, received_at: datetime) -> ExportSubmission:
        limits = self._settings
        read = ceb_export.read_message(
            item.data, max_bytes=limits.max_message_bytes, max_depth=limits.max_xml_depth
        )
        spec = read.spec_hint or self._spec
        if self._export_xsd:
            violations = ceb_export.validate(read.root, spec)
            if violations:
                raise FormatError(
                    violations, guid=read.message.guid, message_type=export_type(read.message)
                )
        return ExportSubmission(
            message=read.message, data=item.data, received_at=received_at, spec=spec
        )


# one message as the writer gets it: as received, what it decoded to, when it was received
Decoded = tuple[Incoming, Submission | ExportSubmission | Refusal, datetime]


class Reader(Protocol):
    """Turns received messages into :data:`Decoded` ones, in input order, reading the input
    only as far as the writer needs (:class:`InProcess`; ``pipeline.WorkerPool``)."""

    def decoded(
        self, items: Iterable[Incoming], clock: Callable[[], datetime], *, export: bool
    ) -> Iterator[Decoded]: ...


class InProcess:
    """Decoding in this process, as the messages are needed (no worker processes)."""

    GROUP = 8  # messages received at one clock reading

    def __init__(self, decoder: Decoder) -> None:
        self.decoder = decoder

    def decoded(
        self, items: Iterable[Incoming], clock: Callable[[], datetime], *, export: bool
    ) -> Iterator[Decoded]:
        read = self.decoder.decode_any if export else self.decoder.decode
        at = clock()
        for index, item in enumerate(items):
            if index and index % self.GROUP == 0:
                at = clock()
            yield item, read(item, at), at

    def close(self) -> None:
        """Nothing to stop (the worker pool's counterpart)."""


RECEIPT_NOT_FILED = "CEB900.message.receipt_not_filed"


def _receipt(data: bytes, code: str | None) -> FormatError:
    """An export receipt is customs' answer: nobody files it."""
    guid, _ = ceb_xml._sniff(data)
    return FormatError(
        [
            Violation(
                path="",
                code=RECEIPT_NOT_FILED,
                en=f"{code} is a receipt customs returns, not a message to file",
                zh=f"{code} 是海关回执，不是申报报文",
            )
        ],
        guid=guid,
        message_type=code,
    )


class DocumentOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """One document's answer in a run: its latest receipt's status and, for a return, the
    codes of the rules it was returned for."""

    kind: str  # order / payment / waybill / inventory
    key: str
    status: str  # returnStatus: 100, 120, 300, 399, 500, 800 …
    codes: tuple[str, ...] = ()


class FileOutcome(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What one input (a file, or one line of a JSON-lines file) got: ``clear --report``
    writes one per line, and the terminal table lists those that were not all accepted.

    ``outcome``: ``answered`` (receipts per document), ``replayed`` (same guid and bytes as
    a message on file: its receipts again), ``refused`` (a CEB900 naming the refusal: the
    sender's rights, a guid reused …) or ``unreadable`` (a CEB900: not a readable, valid CEB
    message)."""

    source: str
    outcome: Literal["answered", "replayed", "refused", "unreadable"]
    message_type: str | None = None
    guid: str | None = None
    documents: tuple[DocumentOutcome, ...] = ()
    codes: tuple[str, ...] = ()  # a refusal's or a CEB900's codes
    conflict: str | None = None  # guid reused: the input of this run that used it first
    receipts: tuple[str, ...] = ()  # receipt files written for it

    @property
    def accepted(self) -> bool:
        """Nothing in it was returned or refused."""
        return self.outcome in ("answered", "replayed") and not any(
            d.status == ReturnStatus.RETURNED for d in self.documents
        )


class Summary(msgspec.Struct, kw_only=True):
    messages: int = 0
    documents: int = 0
    format_errors: Counter[str] = msgspec.field(default_factory=Counter)
    guid_reused: int = 0
    replayed: int = 0
    final: dict[tuple[str, str], str] = msgspec.field(default_factory=dict)  # doc → last status
    returned_by_reason: Counter[str] = msgspec.field(default_factory=Counter)
    refused: Counter[str] = msgspec.field(default_factory=Counter)  # filing rights, by code
    tax_bills: int = 0
    tax_total: Decimal = Decimal("0.00")
    receipt_files: int = 0

    @property
    def outcomes(self) -> Counter[str]:
        """``kind:status`` → number of documents, by each document's latest receipt."""
        return Counter(
            f"{kind}:{_STATUS_NAMES.get(status, status)}"
            for (kind, _), status in self.final.items()
        )

    @property
    def statuses(self) -> Counter[tuple[str, str]]:
        """``(kind, returnStatus)`` → number of documents, by each one's latest receipt."""
        return Counter((kind, status) for (kind, _), status in self.final.items())

    @property
    def exit_status(self) -> int:
        """``tradewindow clear``'s exit status: 2 when some input was unreadable (it got a
        CEB900), else 1 when some document was returned or some message refused, else 0."""
        if self.format_errors:
            return 2
        returned = any(status == ReturnStatus.RETURNED for status in self.final.values())
        if returned or self.returned_by_reason or self.guid_reused or self.refused:
            return 1
        return 0

    def tally(self, answers_: Iterable[Answer]) -> None:
        for answer in answers_:
            if answer.refused:
                self.guid_reused += 1
                continue
            if answer.replayed:
                self.replayed += 1
                continue
            for record in answer.receipts:
                if record.receipt_type == "CEB816":
                    bill = _TAX_BILL.decode(record.body)
                    self.tax_bills += 1
                    self.tax_total += (
                        bill.head.customs_tax
                        + bill.head.value_added_tax
                        + bill.head.consumption_tax
                    )
                    continue
                self.final[(record.kind, record.doc_key)] = record.status
                if record.status == ReturnStatus.RETURNED:
                    self.returned_by_reason.update(record.codes)


_TAX_BILL = msgspec.json.Decoder(TaxBill)
_STATUS_NAMES: dict[str, str] = {
    ReturnStatus.STAGED: "staged",
    ReturnStatus.RETURNED: "returned",
    ReturnStatus.ACCEPTED: "accepted",
    ReturnStatus.MANUAL_REVIEW: "manual review",
    ReturnStatus.CONCLUDED: "concluded",
    ReturnStatus.INSPECTION: "inspection",
    ReturnStatus.RELEASED: "released",
}


def receipt_xml(message: ReceiptMessage | ExportReceipt) -> bytes:
    """A receipt message, import or export, as CEB XML."""
    if isinstance(message, ExportReceipt):
        return ceb_export.write_receipt(message)
    return write_receipt(message)


def receipt_file(message: ReceiptMessage | ExportReceipt, fmt: Format) -> tuple[str, bytes]:
    """A receipt message's file: its stable name (type and guid) and its bytes."""
    tag = type(message).__struct_config__.tag
    if fmt == "xml":
        return f"{tag}_{message.guid}.xml", receipt_xml(message)
    return f"{tag}_{message.guid}.json", ceb_json.write_message(message)


# the receipt files of one answered message, written: their names once asked for (by
# ``ReceiptWriter.write_answer``; ``pipeline.WorkerReceipts`` writes them meanwhile)
Written = Callable[[], list[str | None]]


class ReceiptWriter:
    """Writes each receipt message to ``out`` as one file (CEB XML or JSON): whole or not at
    all (written aside, then renamed), so a file is never read half written."""

    # True: ``write_answer`` returns before the files are written, and ``clearing`` hands
    # out a batch's outcomes only after the next batch was cleared (``pipeline``)
    deferred = False

    def __init__(self, out: Path | None, fmt: Format = "xml") -> None:
        self._out = out
        self._format = fmt
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)

    def write(self, message: ReceiptMessage | ExportReceipt) -> str | None:
        """The name of the file written (None: no folder, nothing written)."""
        if self._out is None:
            return None
        name, data = receipt_file(message, self._format)
        aside = self._out / f".{name}.{os.getpid()}.tmp"
        aside.write_bytes(data)
        os.replace(aside, self._out / name)
        return name

    def write_answer(self, guid: str, records: list[ReceiptRecord]) -> Written:
        """The receipt messages of the message ``guid``'s answer (``records`` grouped by
        :func:`~tradewindow.cbec.answers.receipt_messages`), each written as a file."""
        names = [self.write(m) for m in answers.receipt_messages(guid, records)]
        return lambda: names


def clear(
    items: Iterable[Incoming],
    *,
    clearance: Clearance,
    decoder: Decoder | Reader,
    writer: ReceiptWriter,
    clock: Callable[[], datetime],
    batch_documents: int = 2000,
    progress: Callable[[int], None] | None = None,
    filing: tuple[FileMessages, Sender] | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    export: FileExport | None = None,
) -> Summary:
    """Clear every message of ``items``; receipts are written after each batch commits.

    Every item gets an answer: its documents' receipts, or a CEB900 (unreadable, or refused
    by the filing use case, naming the refusal's code); ``on_file`` hears each item's
    :class:`FileOutcome`, in input order.

    With ``filing`` (``tradewindow clear``), every message is filed through the filing use
    case for that sender: its rights to each code are checked, and what is accepted is
    claimed as the sender's. Without (the demo's loader, which records each message as its
    own sender's), messages go to ``clearance`` directly.

    With ``export``, export messages are filed through it for the same sender (the
    operator's when ``filing`` is not given); without, they get a CEB900 as unsupported
    (the import reader's ``CEB900.message.unsupported_type``).

    ``decoder``: a :class:`Decoder` (decoding in this process) or a :class:`Reader` such as
    ``pipeline.WorkerPool`` (decoding in worker processes, answers in the same order)."""
    summary = Summary()
    for outcome in clearing(
        items,
        summary=summary,
        clearance=clearance,
        decoder=decoder,
        writer=writer,
        clock=clock,
        batch_documents=batch_documents,
        progress=progress,
        filing=filing,
        export=export,
    ):
        if on_file is not None:
            on_file(outcome)
    return summary


def clearing(
    items: Iterable[Incoming],
    *,
    summary: Summary,
    clearance: Clearance,
    decoder: Decoder | Reader,
    writer: ReceiptWriter,
    clock: Callable[[], datetime],
    batch_documents: int = 2000,
    progress: Callable[[int], None] | None = None,
    filing: tuple[FileMessages, Sender] | None = None,
    export: FileExport | None = None,
) -> Iterator[FileOutcome]:
    """:func:`clear` as a stream: each item's outcome once its batch has committed (items
    are read as they are needed), ``summary`` kept up to date. In a batch the import
    messages are cleared together, then each export message in input order.

    With a deferred ``writer`` (``pipeline.WorkerReceipts``) a batch's receipt files are
    written by other processes while the next batch is cleared: its outcomes come after
    that batch's clearance (before it, if it fails), each once its files are written."""
    first_source: dict[str, str] = {}  # guid → the input of this run that used it first
    sender = filing[1] if filing is not None else Sender.of_operator("local", "intake")
    reader = InProcess(decoder) if isinstance(decoder, Decoder) else decoder
    reads = reader.decoded(items, clock, export=export is not None)
    held: list[_Made] = []  # a deferred writer's previous batch, its files being written
    try:
        for batch in _batches(reads, batch_documents):
            made = _cleared(batch, summary, clearance, writer, filing, sender, export, first_source)
            if progress is not None:
                progress(len(batch))
            done, held = (held, made) if writer.deferred else (made, [])
            yield from _resolved(done, summary)
    except Exception:
        yield from _resolved(held, summary)  # committed before the failure: answered
        raise
    yield from _resolved(held, summary)


# an outcome, or one whose receipt files are being written (their names to come)
_Made = FileOutcome | tuple[FileOutcome, Written]


def _resolved(made: list[_Made], summary: Summary) -> Iterator[FileOutcome]:
    """Each outcome once its receipt files are written, with their names."""
    for outcome in made:
        if isinstance(outcome, FileOutcome):
            yield outcome
            continue
        answered, written = outcome
        names = written()
        summary.receipt_files += len(names)
        yield msgspec.structs.replace(
            answered, receipts=tuple(name for name in names if name is not None)
        )


def _cleared(
    batch: list[Decoded],
    summary: Summary,
    clearance: Clearance,
    writer: ReceiptWriter,
    filing: tuple[FileMessages, Sender] | None,
    sender: Sender,
    export: FileExport | None,
    first_source: dict[str, str],
) -> list[_Made]:
    """One batch cleared and committed: each item's outcome (its receipt files written or
    being written), ``summary`` kept."""
    chunk = [item for item, _, _ in batch]
    decoded = [read for _, read, _ in batch]
    submissions = [d for d in decoded if isinstance(d, Submission)]
    originals = [
        item.data for item, d in zip(chunk, decoded, strict=True) if isinstance(d, Submission)
    ]
    if filing is None:
        answered: list[Answer | FilingRefused] = list(
            clearance.submit(submissions) if submissions else []
        )
    else:
        use_case, _ = filing
        outcomes = use_case.file(sender, submissions) if submissions else []
        answered = [o.answer if o.answer is not None else o.refusal for o in outcomes]  # type: ignore[misc]
    results = iter(zip(submissions, originals, answered, strict=True))
    made: list[_Made] = []
    for item, read, now in batch:
        if isinstance(read, Refusal):
            made.append(_unreadable(read, summary, writer, now))
            continue
        source = item.source
        earlier = first_source.setdefault(read.message.guid, source)
        conflict = earlier if earlier != source else None
        if isinstance(read, ExportSubmission):
            assert export is not None  # noqa: S101 - decode_any reads them only then
            made.append(_exported(source, read, export, sender, summary, writer, conflict))
            continue
        submission, original, result = next(results)
        if isinstance(result, Answer) and result.refused:  # the core's own refusal
            result = FilingRefused.of(*result.refused)
        if isinstance(result, Answer):
            made.append(_answered(source, submission, result, summary, writer))
        else:
            made.append(
                _refused(
                    source, _identity(submission.message), original, result, summary,
                    writer, now, conflict,
                )
            )  # fmt: skip
    summary.messages += len(chunk)
    summary.documents += sum(
        len(d.message.documents) for d in decoded if not isinstance(d, Refusal)
    )
    return made


def _identity(message: Message | ExportMessage) -> tuple[str, str]:
    """(guid, message type) of a message, import or export."""
    if isinstance(message, ExportMessage):
        return message.guid, export_type(message)
    return message.guid, message_type(message)


def _exported(
    source: str,
    submission: ExportSubmission,
    export: FileExport,
    sender: Sender,
    summary: Summary,
    writer: ReceiptWriter,
    conflict: str | None,
) -> FileOutcome:
    """One export message filed in its own transaction: its receipts addressed to the
    sender written, each document's status kept; a refusal (rights, facets, a guid another
    message holds) answered with a CEB900 naming it."""
    message, at = submission.message, submission.received_at
    try:
        answer = export.file(
            sender.party_id, sender.credential_id, message, submission.data, at,
            operator=sender.operator,
        )  # fmt: skip
    except (FilingRefused, Unfit) as refused:
        refusal = (
            refused if isinstance(refused, FilingRefused) else FilingRefused.of(*refused.violations)
        )
        return _refused(
            source, _identity(message), submission.data, refusal, summary, writer, at, conflict
        )
    return _export_answered(source, message, answer, sender.party_id, summary, writer)


def _export_answered(
    source: str,
    message: ExportMessage,
    answer: ExportAnswer,
    party_id: str,
    summary: Summary,
    writer: ReceiptWriter,
) -> FileOutcome:
    results = document_results(answer, party_id)
    if answer.replayed:
        summary.replayed += 1
    else:
        for result in results:
            summary.final[(f"export {result.kind}", result.key)] = result.status
            if result.status == ReturnStatus.RETURNED:
                summary.returned_by_reason.update(result.codes)
    names = [writer.write(a.receipt) for a in answer.receipts if a.party_id == party_id]
    summary.receipt_files += len(names)
    return FileOutcome(
        source=source,
        outcome="replayed" if answer.replayed else "answered",
        message_type=export_type(message),
        guid=message.guid,
        documents=tuple(
            DocumentOutcome(kind=r.kind, key=r.key, status=r.status, codes=r.codes) for r in results
        ),
        receipts=tuple(name for name in names if name is not None),
    )


def _answered(
    source: str,
    submission: Submission,
    answer: Answer,
    summary: Summary,
    writer: ReceiptWriter,
) -> tuple[FileOutcome, Written]:
    """The outcome of a message cleared (its receipt files' names to come) and its files,
    written or being written."""
    message = submission.message
    summary.tally([answer])
    written = writer.write_answer(answer.guid, answer.receipts)
    latest: dict[tuple[str, str], ReceiptRecord] = {}
    for record in answer.receipts:
        if record.receipt_type != "CEB816":
            latest[(record.kind, record.doc_key)] = record
    outcome = FileOutcome(
        source=source,
        outcome="replayed" if answer.replayed else "answered",
        message_type=message_type(message),
        guid=message.guid,
        documents=tuple(
            DocumentOutcome(kind=r.kind, key=r.doc_key, status=r.status, codes=r.codes)
            for r in latest.values()
        ),
    )
    return outcome, written


def _refused(
    source: str,
    identity: tuple[str, str],
    original: bytes,
    refusal: FilingRefused,
    summary: Summary,
    writer: ReceiptWriter,
    now: datetime,
    conflict: str | None,
) -> FileOutcome:
    """A CEB900 naming the refusal of the message ``identity`` (guid, type); for a reused
    guid, the input of this run that used it first (the operator's own files: nothing about
    another party is said)."""
    guid, type_code = identity
    violations = list(refusal.violations)
    if refusal.code == "CEB.guid.reused":
        summary.guid_reused += 1
        if conflict is not None:
            violations = [_named_conflict(v, conflict) for v in violations]
    else:
        summary.refused[refusal.code] += 1
    error = FormatError(violations, guid=guid, message_type=type_code)
    name = writer.write(
        format_error_receipt(error, original, guid=str(uuid.uuid4()).upper(), at=now)
    )
    summary.receipt_files += 1
    return FileOutcome(
        source=source,
        outcome="refused",
        message_type=type_code,
        guid=guid,
        codes=tuple(error.codes),
        conflict=conflict,
        receipts=(name,) if name else (),
    )


def _named_conflict(violation: Violation, conflict: str) -> Violation:
    if violation.code != "CEB.guid.reused":
        return violation
    return msgspec.structs.replace(
        violation,
        en=f"{violation.en} (first used in this run by {conflict})",
        zh=f"{violation.zh}（本次处理中首先由 {conflict} 使用）",
    )


def _unreadable(
    refusal: Refusal, summary: Summary, writer: ReceiptWriter, now: datetime
) -> FileOutcome:
    error = refusal.error
    summary.format_errors[error.code] += 1
    name = writer.write(
        format_error_receipt(error, refusal.data, guid=str(uuid.uuid4()).upper(), at=now)
    )
    summary.receipt_files += 1
    return FileOutcome(
        source=refusal.source,
        outcome="unreadable",
        message_type=error.message_type,
        guid=error.guid,
        codes=tuple(error.codes),
        receipts=(name,) if name else (),
    )


def _batches(reads: Iterable[Decoded], documents: int) -> Iterator[list[Decoded]]:
    """Groups of messages worth about ``documents`` documents (estimated from size)."""
    chunk: list[Decoded] = []
    weight = 0
    for read in reads:
        chunk.append(read)
        weight += max(1, len(read[0].data) // 1500)
        if weight >= documents:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk
