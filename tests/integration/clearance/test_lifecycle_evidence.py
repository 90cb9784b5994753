"""Every effect of a cancellation and a return is an evidence record, in the clearance
transaction, through the service as ``bootstrap`` wires it; the chain still verifies."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest

import builders as b
import lifecycle_builders as lb
from tradewindow.agencies.status import Decision
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.clearance import Answer, Submission
from tradewindow.cbec.documents import Message
from tradewindow.settings import Settings

KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    opened = bootstrap(Settings(database_url=database_url, data_dir=tmp_path), clock=lambda: b.NOW)
    yield opened
    opened.close()


def send(app: App, message: Message) -> Answer:
    digest = hashlib.sha256(msgspec.json.encode(message)).hexdigest()
    [answer] = app.clearance.submit(
        [Submission(message=message, digest=digest, received_at=b.NOW, actor="agent-party")]
    )
    return answer


def kinds_about(app: App, subject: str) -> list[str]:
    return [r.kind for r in app.evidence.records() if subject in r.subjects]


def test_each_effect_of_a_return_and_a_cancellation_is_recorded(app: App) -> None:
    s = b.import_set()
    for message in s.messages:
        send(app, message)
    for task in app.desk.list_tasks("inspection_quarantine").tasks:  # the goods' own agency
        app.desk.claim("inspection_quarantine", "officer", task.id)
        app.desk.decide("inspection_quarantine", "officer", task.id, Decision.RELEASE, None)
        app.clearance.settle([KEY], reason=f"decision:{task.id}")
    listed = app.clearance.receipts_of_documents([s.messages[3].guid])
    assert ("CEB622", "800") in [(r.receipt_type, r.status) for r in listed]
    (number,) = {
        msgspec.json.decode(r.body)["invtNo"] for r in listed if r.receipt_type == "CEB622"
    }
    refund = lb.refund(s.inventory, number, {2: Decimal(1)})
    send(app, lb.refund_message(refund))
    assert sorted(kinds_about(app, f"{KEY}|{refund.head.guid}")) == [
        "list_returned",
        "message_accepted",
        "quota_adjusted",
        "receipt",
        "tax_bill_adjusted",
    ]
    cancel = lb.cancel(s.inventory, number)
    answer = send(app, lb.cancel_message(cancel))
    assert answer.receipts[0].codes == ("CEB623.invtNo.has_returns",)
    effects = [r for r in app.evidence.records() if r.kind == "list_cancelled"]
    assert effects == []  # a refused cancellation changes nothing, so records no effect
    assert all(r.actor == "agent-party" for r in app.evidence.records() if r.kind in (
        "list_returned", "quota_adjusted", "tax_bill_adjusted"))  # fmt: skip
    assert app.evidence.verify().ok
