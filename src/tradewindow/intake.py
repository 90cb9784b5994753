"""Bytes in, receipts out: the adapter between files (CEB XML, JSON lines) and clearance.

Reads messages from files and folders, decodes each (hardened CEB XML, optionally checked
against the official XSDs; or JSON), hands them to :class:`~tradewindow.cbec.clearance.Clearance`
in batches, writes every receipt message to the output folder only after the batch committed,
and keeps the run's :class:`Summary`.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

import msgspec

from tradewindow.cbec import answers
from tradewindow.cbec.clearance import Answer, Clearance, Submission
from tradewindow.cbec.documents import Message, SpecVersion, message_type
from tradewindow.cbec.receipts import ReceiptMessage, ReturnStatus, TaxBill
from tradewindow.filing.use_case import FileMessages, Sender
from tradewindow.formats import ceb_json, ceb_schema, ceb_xml
from tradewindow.formats.ceb_receipts_xml import format_error_receipt, write_receipt
from tradewindow.formats.ceb_xml import FormatError
from tradewindow.settings import Settings

Format = Literal["xml", "json"]
_SUFFIXES = {".xml": "xml", ".json": "json", ".jsonl": "json", ".ndjson": "json"}


class Incoming(msgspec.Struct, frozen=True):
    source: str
    data: bytes
    format: Format


class Refusal(msgspec.Struct, frozen=True):
    """A message that could not be read: it gets a CEB900 and nothing is stored."""

    source: str
    error: FormatError
    data: bytes


def incoming(paths: Sequence[Path]) -> Iterator[Incoming]:
    """Every message in the given files and folders (recursively, in name order).

    ``.xml`` files hold one CEB message; ``.json`` one JSON message; ``.jsonl`` / ``.ndjson``
    one JSON message per line.
    """
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            kind = _SUFFIXES.get(file.suffix.lower())
            if kind is None:
                continue
            if file.suffix.lower() in (".jsonl", ".ndjson"):
                with file.open("rb") as lines:
                    for number, line in enumerate(lines, 1):
                        if line.strip():
                            yield Incoming(f"{file}:{number}", line.rstrip(b"\r\n"), "json")
            else:
                yield Incoming(str(file), file.read_bytes(), kind)  # type: ignore[arg-type]


class Decoder:
    """Turns received bytes into a Submission (or a Refusal), within the configured limits."""

    def __init__(self, settings: Settings, *, spec: SpecVersion, xsd: bool | None = None) -> None:
        self._settings = settings
        self._spec = spec
        self._xsd = ceb_schema.schemas_available() if xsd is None else xsd

    def decode(self, item: Incoming, received_at: datetime) -> Submission | Refusal:
        digest = hashlib.sha256(item.data).hexdigest()
        limits = self._settings
        try:
            if item.format == "json":
                message: Message = ceb_json.read_message(
                    item.data, max_bytes=limits.max_message_bytes
                )
                spec = self._spec
            else:
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
    ReturnStatus.INSPECTION: "inspection",
    ReturnStatus.RELEASED: "released",
}


class ReceiptWriter:
    """Writes each receipt message to ``out`` as one file (CEB XML or JSON)."""

    def __init__(self, out: Path | None, fmt: Format = "xml") -> None:
        self._out = out
        self._format = fmt
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)

    def write(self, message: ReceiptMessage) -> int:
        if self._out is None:
            return 0
        tag = type(message).__struct_config__.tag
        if self._format == "xml":
            (self._out / f"{tag}_{message.guid}.xml").write_bytes(write_receipt(message))
        else:
            (self._out / f"{tag}_{message.guid}.json").write_bytes(ceb_json.write_message(message))
        return 1


def clear(
    items: Iterable[Incoming],
    *,
    clearance: Clearance,
    decoder: Decoder,
    writer: ReceiptWriter,
    clock: Callable[[], datetime],
    batch_documents: int = 2000,
    progress: Callable[[int], None] | None = None,
    filing: tuple[FileMessages, Sender] | None = None,
) -> Summary:
    """Clear every message of ``items``; receipts are written after each batch commits.

    With ``filing`` (``tradewindow clear``), every message is filed through the filing use
    case for that sender: its rights to each code are checked, and what is accepted is
    claimed as the sender's; a message it refuses gets a CEB900 naming the refusal's code.
    Without (the demo's loader, which records each message as its own sender's), messages
    go to ``clearance`` directly."""
    summary = Summary()
    for chunk in _batches(items, batch_documents):
        now = clock()
        decoded = [decoder.decode(item, now) for item in chunk]
        submissions = [d for d in decoded if isinstance(d, Submission)]
        if filing is None:
            answers_ = clearance.submit(submissions) if submissions else []
        else:
            originals = [
                item.data
                for item, d in zip(chunk, decoded, strict=True)
                if isinstance(d, Submission)
            ]
            answers_ = _filed(filing, submissions, originals, summary, writer, now)
        for answer in answers_:
            for message in answers.receipt_messages(answer.guid, answer.receipts):
                summary.receipt_files += writer.write(message)
        for refusal in (d for d in decoded if isinstance(d, Refusal)):
            summary.format_errors[refusal.error.code] += 1
            guid = str(uuid.uuid4()).upper()
            summary.receipt_files += writer.write(
                format_error_receipt(refusal.error, refusal.data, guid=guid, at=now)
            )
        summary.messages += len(chunk)
        summary.documents += sum(len(s.message.documents) for s in submissions)
        summary.tally(answers_)
        if progress is not None:
            progress(len(chunk))
    return summary


def _filed(
    filing: tuple[FileMessages, Sender],
    submissions: list[Submission],
    originals: list[bytes],
    summary: Summary,
    writer: ReceiptWriter,
    now: datetime,
) -> list[Answer]:
    """The answers of the messages the use case cleared; a CEB900 for each it refused."""
    use_case, sender = filing
    outcomes = use_case.file(sender, submissions) if submissions else []
    answers_ = []
    for submission, original, outcome in zip(submissions, originals, outcomes, strict=True):
        if outcome.answer is not None:
            answers_.append(outcome.answer)
            continue
        assert outcome.refusal is not None  # noqa: S101 - Filed holds one or the other
        refusal = outcome.refusal
        if refusal.code == "CEB.guid.reused":
            summary.guid_reused += 1
        else:
            summary.refused[refusal.code] += 1
        message = submission.message
        error = FormatError(
            refusal.violations, guid=message.guid, message_type=message_type(message)
        )
        guid = str(uuid.uuid4()).upper()
        summary.receipt_files += writer.write(
            format_error_receipt(error, original, guid=guid, at=now)
        )
    return answers_


def _batches(items: Iterable[Incoming], documents: int) -> Iterator[list[Incoming]]:
    """Groups of messages worth about ``documents`` documents (estimated from size)."""
    chunk: list[Incoming] = []
    weight = 0
    for item in items:
        chunk.append(item)
        weight += max(1, len(item.data) // 1500)
        if weight >= documents:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk
