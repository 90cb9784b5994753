"""Group commit: concurrent filers share one unit of work, each answered with its own
messages' receipts, judged by its own admission, and not failed by another's failure."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest
from harness import Harness, submission

import builders as b
from tradewindow.cbec.clearance import Answer, Submission
from tradewindow.cbec.documents import Message
from tradewindow.cbec.group_commit import GroupCommit
from tradewindow.cbec.ports import UnitOfWork
from tradewindow.violations import Violation

CALLERS = 12


def orders(count: int) -> list[Message]:
    return [b.order_message(b.order(order_no=f"G-{n}")) for n in range(count)]


class Counting:
    """The clearance, counting its units of work; the first holds until the others queue."""

    def __init__(self, harness: Harness, group: list[GroupCommit], fail_merged: bool = False):
        self.inner = harness.clearance
        self.group = group
        self.batches: list[int] = []
        self.fail_merged = fail_merged

    def submit(
        self, submissions: Sequence[Submission], *, admission: object = None
    ) -> list[Answer]:
        if not self.batches:
            deadline = time.monotonic() + 30
            while len(self.group[0]._queue) < CALLERS - 1 and time.monotonic() < deadline:
                time.sleep(0.005)
        self.batches.append(len(submissions))
        if self.fail_merged and len(submissions) > 1:
            raise RuntimeError("a merged batch fails")
        return self.inner.submit(submissions, admission=admission)  # type: ignore[arg-type]


class RefuseOne:
    def __init__(self, guid: str) -> None:
        self.guid = guid
        self.claimed: list[str] = []

    def refused(self, uow: UnitOfWork, messages: Sequence[Message]) -> dict[str, list[Violation]]:
        no = Violation(path="@guid", code="auth.not_owner", en="no", zh="不")
        return {m.guid: [no] for m in messages if m.guid == self.guid}

    def accepted(self, uow: UnitOfWork, accepted: Sequence[tuple[Message, list]]) -> None:  # type: ignore[type-arg]
        self.claimed += [m.guid for m, _ in accepted]


def file_at_once(
    group: GroupCommit, messages: list[Message], judges: list[object]
) -> list[list[Answer]]:
    answers: list[list[Answer]] = [[] for _ in messages]

    def one(n: int) -> None:
        answers[n] = group.submit([submission(messages[n], b.NOW)], admission=judges[n])  # type: ignore[arg-type]

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(messages))]
    threads[0].start()
    time.sleep(0.05)  # the first caller leads; the others find its batch running
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


@pytest.fixture
def harness(store: object) -> Harness:
    return Harness(store)  # type: ignore[arg-type]


def test_callers_arriving_during_a_batch_share_the_next_unit_of_work(harness: Harness) -> None:
    holder: list[GroupCommit] = []
    counting = Counting(harness, holder)
    group = GroupCommit(counting)  # type: ignore[arg-type]
    holder.append(group)
    messages = orders(CALLERS)
    judges: list[object] = [RefuseOne("none") for _ in messages]
    judges[5] = RefuseOne(messages[5].guid)
    answers = file_at_once(group, messages, judges)
    assert counting.batches == [1, CALLERS - 1]  # two units of work for twelve callers
    for n, (answer,) in enumerate(answers):
        assert answer.guid == messages[n].guid
        if n == 5:
            assert [v.code for v in answer.refused] == ["auth.not_owner"]
            assert judges[5].claimed == []  # type: ignore[attr-defined]
        else:
            assert [(r.receipt_type, r.status) for r in answer.receipts] == [("CEB312", "120")]
            assert judges[n].claimed == [messages[n].guid]  # type: ignore[attr-defined]
    assert harness.rows("documents") == CALLERS - 1


def test_a_merged_batch_that_fails_is_run_again_caller_by_caller(harness: Harness) -> None:
    holder: list[GroupCommit] = []
    counting = Counting(harness, holder, fail_merged=True)
    group = GroupCommit(counting)  # type: ignore[arg-type]
    holder.append(group)
    messages = orders(CALLERS)
    answers = file_at_once(group, messages, [None] * CALLERS)
    assert counting.batches[:2] == [1, CALLERS - 1]
    assert sorted(counting.batches[2:]) == [1] * (CALLERS - 1)
    assert all(len(a[0].receipts) == 1 for a in answers)
    assert harness.rows("documents") == CALLERS


def test_two_callers_filing_one_message_are_one_filing_and_one_replay(harness: Harness) -> None:
    holder: list[GroupCommit] = []
    counting = Counting(harness, holder)
    group = GroupCommit(counting)  # type: ignore[arg-type]
    holder.append(group)
    same = b.order_message(b.order(order_no="G-same"))
    messages = [*orders(CALLERS - 2), same, same]
    answers = file_at_once(group, messages, [None] * CALLERS)
    assert len(counting.batches) == 3  # the second filing of the message waits a batch
    last = [a[0] for a in answers[-2:]]
    assert sorted(a.replayed for a in last) == [False, True]
    assert last[0].receipts == last[1].receipts
