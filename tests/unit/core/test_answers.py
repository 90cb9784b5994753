"""Receipts grouped into CEB receipt messages: at most 100 returns each, guids derived from the
incoming message so a replay is byte-identical."""

from __future__ import annotations

from datetime import UTC, datetime

import builders as b
from tradewindow.cbec import answers
from tradewindow.cbec.ports import ReceiptRecord
from tradewindow.cbec.receipts import OrderReturnMessage

AT = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def _records(count: int) -> list[ReceiptRecord]:
    return [
        answers.receipt_record(
            b.order(order_no=f"SO{i}", guid=b.guid("o", str(i))), "120", "ok", AT, "MSG", seq=i
        )
        for i in range(count)
    ]


def test_more_than_100_returns_make_several_messages() -> None:
    messages = list(answers.receipt_messages("MSG", _records(250)))
    assert [len(m.returns) for m in messages] == [100, 100, 50]  # type: ignore[union-attr]
    assert all(isinstance(m, OrderReturnMessage) for m in messages)
    assert len({m.guid for m in messages}) == 3


def test_receipt_message_guids_depend_only_on_the_incoming_message() -> None:
    first = [m.guid for m in answers.receipt_messages("MSG", _records(3))]
    again = [m.guid for m in answers.receipt_messages("MSG", _records(3))]
    other = [m.guid for m in answers.receipt_messages("OTHER", _records(3))]
    assert first == again != other
    assert all(len(g) == 36 and g == g.upper() for g in first)


def test_a_receipt_echoes_the_document_guid_and_keeps_return_info_non_empty() -> None:
    order = b.order()
    receipt = answers.document_return(order, "120", "", AT)
    assert receipt.guid == order.head.guid
    assert receipt.return_info == "-"  # returnInfo has minLength 1
    assert receipt.return_time == "20260301120000000"  # China time, milliseconds
