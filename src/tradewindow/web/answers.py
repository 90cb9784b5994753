"""What the API answers with: receipts as CEB JSON messages (≤ 100 returns each) or CEB XML.

The receipts are the engine's, which already reflect the agencies' combined status (399 while
agencies decide, 800 only when every required agency released; see ``agencies.release_gate``).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from tradewindow.cbec import answers
from tradewindow.cbec.ports import ReceiptRecord
from tradewindow.cbec.receipts import ReceiptMessage
from tradewindow.formats import ceb_json
from tradewindow.formats.ceb_receipts_xml import write_receipt
from tradewindow.web.problems import Problem
from tradewindow.web.window import Window

_encode = msgspec.json.Encoder(decimal_format="string").encode


class SubmissionAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """A message's answer: its receipts as CEB receipt messages (≤ 100 returns each)."""

    guid: str
    replayed: bool
    receipts: list[ReceiptMessage]


class BulkItem(msgspec.Struct, frozen=True, kw_only=True):
    """One message of a bulk: ``status`` as if it had been sent alone, and its answer or
    its problem."""

    index: int
    status: int
    answer: SubmissionAnswer | None = None
    problem: Problem | None = None


class BulkAnswer(msgspec.Struct, frozen=True, kw_only=True):
    items: list[BulkItem]


def receipt_messages(guid: str, records: Sequence[ReceiptRecord]) -> list[ReceiptMessage]:
    return list(answers.receipt_messages(guid, records))


def submission_answer(
    window: Window, guid: str, records: Sequence[ReceiptRecord], replayed: bool
) -> SubmissionAnswer:
    return SubmissionAnswer(guid=guid, replayed=replayed, receipts=receipt_messages(guid, records))


def json_bytes(value: msgspec.Struct) -> bytes:
    return _encode(value)


def xml_bytes(message: ReceiptMessage) -> bytes:
    return write_receipt(message)


def json_message(message: ReceiptMessage) -> bytes:
    return ceb_json.write_message(message)
