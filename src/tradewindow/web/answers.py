"""What the API answers with: receipts as CEB JSON messages or CEB XML, and the combined
status of the agencies laid over the engine's release.

**Release gate (until the engine has one).** The CBEC engine releases a list (CEB622 800) on
its own decision; the single window releases it only when every agency the policy requires
has released too. Until the lead wires a gate into ``cbec.decision``, every receipt the API
shows passes through :func:`gated`: an 800 of a list routed to agencies shows the combined
status instead (120 while an agency has not decided, 300 / 500 / 100 when one held, chose to
inspect or refused it, with who and why in ``returnInfo``). The stored receipt is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from tradewindow.cbec import answers
from tradewindow.cbec.ports import ReceiptRecord
from tradewindow.cbec.receipts import InventoryReturn, ReceiptMessage, ReturnStatus
from tradewindow.clearance.errors import NotFound
from tradewindow.clearance.status import CombinedStatus, FilingStatus, return_info
from tradewindow.formats import ceb_json
from tradewindow.formats.ceb_receipts_xml import write_receipt
from tradewindow.web.problems import Problem
from tradewindow.web.window import Window

_INVENTORY_RETURN = msgspec.json.Decoder(InventoryReturn)
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


def gated(window: Window, records: Sequence[ReceiptRecord]) -> list[ReceiptRecord]:
    """``records`` with each list release replaced by the agencies' combined status."""
    out = []
    statuses: dict[str, CombinedStatus | None] = {}
    for record in records:
        if record.receipt_type != "CEB622" or record.status != ReturnStatus.RELEASED:
            out.append(record)
            continue
        if record.doc_key not in statuses:
            try:
                statuses[record.doc_key] = window.desk.combined_status(record.doc_key)
            except NotFound:  # not routed to any agency
                statuses[record.doc_key] = None
        combined = statuses[record.doc_key]
        if combined is None or combined.status is FilingStatus.RELEASED:
            out.append(record)
            continue
        receipt = msgspec.structs.replace(
            _INVENTORY_RETURN.decode(record.body),
            return_status=combined.return_status,
            return_info=return_info(window.policy, combined),
        )
        out.append(
            msgspec.structs.replace(
                record, status=combined.return_status, body=msgspec.json.encode(receipt)
            )
        )
    return out


def receipt_messages(guid: str, records: Sequence[ReceiptRecord]) -> list[ReceiptMessage]:
    return list(answers.receipt_messages(guid, records))


def submission_answer(
    window: Window, guid: str, records: Sequence[ReceiptRecord], replayed: bool
) -> SubmissionAnswer:
    return SubmissionAnswer(
        guid=guid, replayed=replayed, receipts=receipt_messages(guid, gated(window, records))
    )


def json_bytes(value: msgspec.Struct) -> bytes:
    return _encode(value)


def xml_bytes(message: ReceiptMessage) -> bytes:
    return write_receipt(message)


def json_message(message: ReceiptMessage) -> bytes:
    return ceb_json.write_message(message)
