"""Group commit of chunk records: nobody returns before the commit holding its record, records
arriving during a commit go together in the next one, and a failed commit reaches every caller
whose record it held (and only them)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from tradewindow.datachannel.batching import GroupCommit


def _until(condition: object) -> None:
    while not condition():  # type: ignore[operator]
        time.sleep(0.001)


def test_records_arriving_during_a_commit_go_together_in_the_next() -> None:
    batches: list[list[int]] = []
    first_started, release = threading.Event(), threading.Event()

    def commit(records: Sequence[int]) -> None:
        if not batches:
            first_started.set()
            release.wait()
        batches.append(list(records))

    group: GroupCommit[int] = GroupCommit(commit)
    returned: list[int] = []

    def save(record: int) -> None:
        group.save(record)
        returned.append(record)

    leader = threading.Thread(target=save, args=(0,))
    leader.start()
    first_started.wait()
    others = [threading.Thread(target=save, args=(n,)) for n in (1, 2, 3)]
    for thread in others:
        thread.start()
    _until(lambda: len(group._queue) == 3)
    assert returned == []  # nobody before its commit
    release.set()
    for thread in [leader, *others]:
        thread.join()
    assert batches[0] == [0]
    assert sorted(batches[1]) == [1, 2, 3]
    assert len(batches) == 2
    assert sorted(returned) == [0, 1, 2, 3]


def test_a_failed_commit_is_raised_to_the_callers_it_held() -> None:
    def commit(records: Sequence[int]) -> None:
        if -1 in records:
            raise OSError("disk full")

    group: GroupCommit[int] = GroupCommit(commit)
    with pytest.raises(OSError, match="disk full"):
        group.save(-1)
    group.save(1)  # the next commit goes on
