"""A list cancelled while the single window's agencies decide on it: each agency is told, in
the clearance transaction — an open task closed by ``cbec-lifecycle`` with the reason, a task
an officer has in hand left to them with a notice of the filing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

import builders as b
import lifecycle_builders as lb
from tradewindow.agencies.ports import TaskStatus
from tradewindow.agencies.release_gate import LIFECYCLE_OFFICER
from tradewindow.agencies.status import Decision
from tradewindow.bootstrap import App, bootstrap
from tradewindow.cbec.clearance import Answer, Submission
from tradewindow.cbec.documents import Message
from tradewindow.cbec.ports import DocKind
from tradewindow.settings import Settings

KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"
AGENCY = "inspection_quarantine"  # infant formula and face cream are its goods


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    opened = bootstrap(Settings(database_url=database_url, data_dir=tmp_path), clock=lambda: b.NOW)
    yield opened
    opened.close()


def send(app: App, *messages: Message) -> list[Answer]:
    return app.clearance.submit(
        [
            Submission(
                message=m,
                digest=hashlib.sha256(msgspec.json.encode(m)).hexdigest(),
                received_at=b.NOW,
            )
            for m in messages
        ]
    )


def pending(app: App) -> tuple[b.ImportSet, str]:
    s = b.import_set()
    *_, listed = send(app, *s.messages)
    assert ("CEB622", "399") in [(r.receipt_type, r.status) for r in listed.receipts]
    (number,) = {
        msgspec.json.decode(r.body)["invtNo"] for r in listed.receipts if r.receipt_type == "CEB622"
    }
    return s, number


def test_an_open_task_is_closed_by_the_cancellation(app: App) -> None:
    s, number = pending(app)
    (answer,) = send(app, lb.cancel_message(lb.cancel(s.inventory, number)))
    assert [(r.receipt_type, r.status) for r in answer.receipts] == [("CEB624", "399")]
    (task,) = app.desk.list_tasks(AGENCY).tasks
    assert task.status is TaskStatus.DECIDED
    assert (task.decision, task.officer) == (Decision.REFUSE, LIFECYCLE_OFFICER)
    assert task.reason is not None
    assert "CEB623" in task.reason
    assert app.store.agencies.count_notices(AGENCY, KEY) == 0
    with app.store.unit_of_work() as uow:
        assert uow.documents(DocKind.INVENTORY, [KEY])[KEY].status.value == "cancelled"


def test_a_task_in_an_officers_hand_gets_a_notice(app: App) -> None:
    s, number = pending(app)
    (task,) = app.desk.list_tasks(AGENCY).tasks
    app.desk.claim(AGENCY, "officer-li", task.id)
    send(app, lb.cancel_message(lb.cancel(s.inventory, number)))
    (still,) = app.desk.list_tasks(AGENCY).tasks
    assert still.status is TaskStatus.CLAIMED
    assert app.store.agencies.count_notices(AGENCY, KEY) == 1
