"""The CEB conformance sandbox: the full report on messages, with nothing filed.

For each message an enterprise uploads (CEB XML or JSON), the report lists

- whether it can be read at all (the CEB900 format errors, with paths and codes);
- every violation of the official XSD (when the XSDs are available);
- every business-rule violation (``cbec.rules``), each with its path, code and English and
  Chinese message — also when the XSD check failed, so one round trip shows everything;
- for an export message (CEB303 … 701, 213 / 215), the export XSD's faults and the facets and
  list rules export clearance applies before looking for documents; an export receipt
  (CEB304 … 792) is read and checked against the export XSD, and ``clear`` would refuse it;
- its enveloped signature, when it carries one: intact against its own certificate or not
  (whether that certificate is registered to the filer is for filing to tell);
- what the platform would answer: the **same engine as** ``tradewindow clear`` — the wiring
  of ``bootstrap`` (filing use case, clearance, agency routing by ``policy.toml``, evidence)
  on a throwaway database, filing as the operator — so a list that ``clear`` holds at 399
  for inspection & quarantine is predicted at 399, and a return is a fault. Messages of one
  check match each other; nothing on file is consulted and nothing is kept.

Uploads are checked as a stream, in batches: any number of files (the public page limits
one upload, not the engine).
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import msgspec

from tradewindow import intake
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.documents import SpecVersion, message_type
from tradewindow.cbec.receipts import ReceiptMessage, ReturnStatus
from tradewindow.cbec.rules import check_message
from tradewindow.clock import utc_now
from tradewindow.export.documents import message_type as export_type
from tradewindow.export.receipts import ExportReceipt
from tradewindow.filing.use_case import Sender
from tradewindow.formats import ceb_export, ceb_json, ceb_schema, xmldsig
from tradewindow.formats.ceb_xml import FormatError
from tradewindow.intake import (
    RECEIPT_NOT_FILED,
    Decoder,
    DocumentOutcome,
    ExportSubmission,
    Incoming,
    Refusal,
)
from tradewindow.reference import ReferenceCodeTables
from tradewindow.settings import Settings
from tradewindow.violations import Violation

MAX_FILES = 20  # files in one upload of the public page (the engine takes any number)
_RECEIPT_BYTES = 10 * 1024 * 1024


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
    signed: bool = False
    signature_errors: list[Violation] = msgspec.field(default_factory=list)
    # what ``clear`` would answer: answered / replayed / refused / unreadable, and each
    # document's predicted status (120, 399, 800, 100 …)
    outcome: str | None = None
    documents: list[DocumentOutcome] = msgspec.field(default_factory=list)
    refusal_codes: list[str] = msgspec.field(default_factory=list)
    receipts: list[Receipt] = msgspec.field(default_factory=list)

    @property
    def returned(self) -> bool:
        """Some predicted receipt is a return (100) or the message would be refused."""
        return self.outcome in ("refused", "unreadable") or any(
            d.status == ReturnStatus.RETURNED for d in self.documents
        )

    @property
    def clean(self) -> bool:
        faults = self.xsd_errors or self.rule_violations or self.signature_errors
        return self.readable and not faults and not self.returned


class SandboxReport(msgspec.Struct, kw_only=True, rename="camel"):
    checked_at: datetime
    messages: list[MessageReport]

    @property
    def clean(self) -> bool:
        return all(m.clean for m in self.messages)


def exit_status(reports: Iterable[MessageReport]) -> int:
    """As ``tradewindow clear``'s: 2 some message unreadable, 1 some fault or return, 0."""
    found = list(reports)
    if any(not r.readable or r.outcome == "unreadable" for r in found):
        return 2
    return 0 if all(r.clean for r in found) else 1


def check(
    uploads: Iterable[tuple[str, bytes]],
    *,
    settings: Settings | None = None,
    spec: SpecVersion = SpecVersion.V202205,
    now: datetime | None = None,
) -> SandboxReport:
    """The report on ``uploads`` (file name, bytes)."""
    now = now or utc_now()
    return SandboxReport(
        checked_at=now, messages=list(check_each(uploads, settings=settings, spec=spec, now=now))
    )


def check_each(
    uploads: Iterable[tuple[str, bytes]],
    *,
    settings: Settings | None = None,
    spec: SpecVersion = SpecVersion.V202205,
    now: datetime | None = None,
) -> Iterator[MessageReport]:
    """Each upload's report, in order, as its batch is cleared (for any number of files):
    the uploads go through :func:`tradewindow.intake.clearing` exactly as ``clear`` sends
    its files (the same batches), each one diagnosed as it is read."""
    settings = settings or Settings()
    at = now or utc_now()
    with tempfile.TemporaryDirectory(prefix="tw-sandbox-") as folder:
        throwaway = msgspec.structs.replace(
            settings,
            database_url=f"sqlite:///{Path(folder) / 'sandbox.db'}",
            bus_url=None,
            data_dir=Path(folder) / "var",
            data_objects_url=None,
        )
        app = bootstrap(throwaway, clock=lambda: at)
        try:
            yield from _Engine(app, settings, spec, at).reports(uploads)
        finally:
            app.close()


class _Engine:
    """One throwaway platform: ``intake.clearing`` as ``clear`` runs it (the filing use case
    for the operator, the app's clearance and agencies), every message diagnosed as read."""

    def __init__(self, app: App, settings: Settings, spec: SpecVersion, now: datetime):
        self._app = app
        self._now = now
        self._reader = Decoder(settings, spec=spec, xsd=False)  # diagnostics: rules also
        self._decoder = Decoder(settings, spec=spec)  # as ``clear`` decodes
        self._spec = spec
        self._xsd = ceb_schema.schemas_available()
        self._export_xsd = ceb_export.schemas_available()
        self._codes = ReferenceCodeTables()
        self._sender = Sender.of_operator("sandbox", "sandbox")

    def reports(self, uploads: Iterable[tuple[str, bytes]]) -> Iterator[MessageReport]:
        diagnosed: deque[MessageReport] = deque()

        def items() -> Iterator[Incoming]:
            for name, data in uploads:
                item = intake.received(name, data)
                diagnosed.append(self._diagnosed(item))
                yield item

        collected = _Collected()
        outcomes = intake.clearing(
            items(),
            summary=intake.Summary(),
            clearance=self._app.clearance,
            decoder=self._decoder,
            writer=collected,
            clock=lambda: self._now,
            filing=(self._app.filing, self._sender),
            export=self._app.export_filing,
        )
        for outcome in outcomes:
            report = diagnosed.popleft()
            report.outcome = outcome.outcome
            report.documents = list(outcome.documents)
            if outcome.outcome in ("refused", "unreadable"):
                report.refusal_codes = list(outcome.codes)
            report.receipts = [collected.receipts[name] for name in outcome.receipts]
            if not diagnosed:  # the batch is answered: its receipts are in the reports
                collected.receipts.clear()
            yield report

    def _diagnosed(self, item: Incoming) -> MessageReport:
        report = MessageReport(source=item.source)
        decoded = self._reader.decode_any(item, self._now)
        if isinstance(decoded, Refusal):
            error = decoded.error
            report.message_type, report.guid = error.message_type, error.guid
            if error.code == RECEIPT_NOT_FILED and item.format == "xml":
                self._receipt(item, report)  # customs' answer: read and checked, not filed
                return report
            report.readable = False
            report.format_errors = error.violations
            return report
        message = decoded.message
        report.guid, report.spec = message.guid, decoded.spec.value
        if item.format == "xml" and b"Signature" in item.data:
            report.signed, report.signature_errors = _signature(item.data)
        if isinstance(decoded, ExportSubmission):
            report.message_type = export_type(decoded.message)
            if item.format == "xml" and self._export_xsd:
                report.xsd_checked = True
                report.xsd_errors = ceb_export.validate(item.data, decoded.spec)
            report.rule_violations = self._app.export.foresee(decoded.message)
            return report
        report.message_type = message_type(decoded.message)
        if item.format == "xml" and self._xsd:
            report.xsd_checked = True
            report.xsd_errors = ceb_schema.validate(item.data, decoded.spec)
        outcome = check_message(
            decoded.message, codes=self._codes, spec=decoded.spec, now=self._now
        )
        report.rule_violations = [
            *outcome.message,
            *(v for index in sorted(outcome.documents) for v in outcome.documents[index]),
        ]
        return report

    def _receipt(self, item: Incoming, report: MessageReport) -> None:
        """An export receipt (a GACC sample set's CEB792 …): what can be read of it and its
        faults against the export XSD of its version; ``clear`` refuses to file it."""
        try:
            ceb_export.read_receipt(item.data, max_bytes=_RECEIPT_BYTES, max_depth=32)
        except FormatError as error:
            report.readable = False
            report.format_errors = error.violations
            return
        if self._export_xsd:
            report.xsd_checked = True
            report.xsd_errors = ceb_export.validate(item.data, self._spec)


def _signature(data: bytes) -> tuple[bool, list[Violation]]:
    """Whether the XML carries ds:Signature, and what is wrong with it against its own
    certificate (nothing: intact)."""
    try:
        certificate = xmldsig.embedded_certificate(data)
        if certificate is None:
            return True, [
                Violation(
                    path="Signature/KeyInfo",
                    code="signature.no_certificate",
                    en="the signature carries no X509Certificate to check it with",
                    zh="签名未携带可用于验签的X509证书",
                )
            ]
        xmldsig.verify(data, certificate)
    except xmldsig.SignatureError as error:
        if error.code == "signature.missing":
            return False, []
        return True, [error.violation()]
    return True, []


class _Collected(intake.ReceiptWriter):
    """The receipt messages ``clear`` would write, kept by file name for the report."""

    def __init__(self) -> None:
        super().__init__(None)
        self.receipts: dict[str, Receipt] = {}

    def write(self, message: ReceiptMessage | ExportReceipt) -> str | None:
        tag = str(type(message).__struct_config__.tag)
        name = f"{tag}_{message.guid}.xml"
        self.receipts[name] = Receipt(
            message_type=tag,
            guid=message.guid,
            xml=intake.receipt_xml(message).decode(),
            json=ceb_json.write_message(message).decode(),
        )
        return name
