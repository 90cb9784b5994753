"""The CEB conformance sandbox: the full report on messages, with nothing filed.

For each message an enterprise uploads (CEB XML or JSON), the report lists

- whether it can be read at all (the CEB900 format errors, with paths and codes);
- every violation of the official XSD (when the XSDs are available);
- every business-rule violation (``cbec.rules``), each with its path, code and English and
  Chinese message — also when the XSD check failed, so one round trip shows everything;
- the receipts the platform would return, produced by clearing the uploaded messages
  together on a throwaway database: companions uploaded together match each other;
  nothing on file is consulted (no other party's data can leak) and nothing is kept.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from tradewindow.cbec import answers
from tradewindow.cbec.clearance import Clearance, Submission
from tradewindow.cbec.documents import SpecVersion, message_type
from tradewindow.cbec.rules import check_message
from tradewindow.clock import utc_now
from tradewindow.formats import ceb_json, ceb_schema, ceb_xml
from tradewindow.formats.ceb_receipts_xml import format_error_receipt, write_receipt
from tradewindow.intake import Decoder, Incoming, Refusal
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.settings import Settings
from tradewindow.store import open_store
from tradewindow.violations import Violation

MAX_FILES = 20


class Receipt(msgspec.Struct, frozen=True, kw_only=True):
    message_type: str  # CEB312 … CEB900
    guid: str
    xml: str
    json: str


class MessageReport(msgspec.Struct, kw_only=True, rename="camel"):
    source: str
    message_type: str | None = None
    guid: str | None = None
    spec: str | None = None
    readable: bool = True
    format_errors: list[Violation] = msgspec.field(default_factory=list)
    xsd_checked: bool = False
    xsd_errors: list[Violation] = msgspec.field(default_factory=list)
    rule_violations: list[Violation] = msgspec.field(default_factory=list)
    receipts: list[Receipt] = msgspec.field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.readable and not self.xsd_errors and not self.rule_violations


class SandboxReport(msgspec.Struct, kw_only=True, rename="camel"):
    checked_at: datetime
    messages: list[MessageReport]

    @property
    def clean(self) -> bool:
        return all(m.clean for m in self.messages)


class TooManyFiles(ValueError):
    code = "sandbox.too_many_files"


def check(
    uploads: Sequence[tuple[str, bytes]],
    *,
    settings: Settings | None = None,
    spec: SpecVersion = SpecVersion.V202205,
    now: datetime | None = None,
) -> SandboxReport:
    """The report on ``uploads`` (file name, bytes); ``.json`` names are read as JSON."""
    if len(uploads) > MAX_FILES:
        raise TooManyFiles(f"at most {MAX_FILES} files per check")
    settings = settings or Settings()
    now = now or utc_now()
    decoder = Decoder(settings, spec=spec, xsd=False)
    xsd = ceb_schema.schemas_available()
    codes = ReferenceCodeTables()
    reports: list[MessageReport] = []
    submissions: list[tuple[MessageReport, Submission]] = []
    for name, data in uploads:
        fmt = "json" if name.lower().endswith((".json", ".jsonl")) else "xml"
        report = MessageReport(source=name)
        reports.append(report)
        decoded = decoder.decode(Incoming(name, data, fmt), now)  # type: ignore[arg-type]
        if isinstance(decoded, Refusal):
            _unreadable(report, decoded, now)
            continue
        message = decoded.message
        report.message_type, report.guid, report.spec = (
            message_type(message),
            message.guid,
            decoded.spec.value,
        )
        if fmt == "xml" and xsd:
            report.xsd_checked = True
            report.xsd_errors = ceb_schema.validate(data, decoded.spec)
        outcome = check_message(message, codes=codes, spec=decoded.spec, now=now)
        report.rule_violations = [
            *outcome.message,
            *(v for index in sorted(outcome.documents) for v in outcome.documents[index]),
        ]
        if report.xsd_errors:
            error = ceb_xml.FormatError(
                report.xsd_errors, guid=message.guid, message_type=report.message_type
            )
            _unreadable(report, Refusal(name, error, data), now, readable=True)
            continue
        submissions.append((report, decoded))
    if submissions:
        _clear_on_throwaway(submissions, now)
    return SandboxReport(checked_at=now, messages=reports)


def _unreadable(
    report: MessageReport, refusal: Refusal, now: datetime, *, readable: bool = False
) -> None:
    report.readable = readable
    if not readable:
        report.format_errors = refusal.error.violations
        report.message_type = refusal.error.message_type
        report.guid = refusal.error.guid
    receipt = format_error_receipt(
        refusal.error, refusal.data, guid=str(uuid.uuid4()).upper(), at=now
    )
    report.receipts.append(_receipt(receipt))


def _clear_on_throwaway(submissions: list[tuple[MessageReport, Submission]], now: datetime) -> None:
    with tempfile.TemporaryDirectory(prefix="tw-sandbox-") as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'sandbox.db'}")
        try:
            clearance = Clearance(
                store,
                codes=ReferenceCodeTables(),
                rates=TariffRates(),
                match_timeout=timedelta(hours=24),
                clock=lambda: now,
            )
            results = clearance.submit([s for _, s in submissions])
        finally:
            store.close()
    for (report, _), answer in zip(submissions, results, strict=True):
        if answer.refused:
            report.rule_violations.extend(answer.refused)
        for message in answers.receipt_messages(answer.guid, answer.receipts):
            report.receipts.append(_receipt(message))


def _receipt(message: msgspec.Struct) -> Receipt:
    tag = type(message).__struct_config__.tag
    return Receipt(
        message_type=str(tag),
        guid=message.guid,  # type: ignore[attr-defined]
        xml=write_receipt(message).decode(),  # type: ignore[arg-type]
        json=ceb_json.write_message(message).decode(),  # type: ignore[arg-type]
    )
