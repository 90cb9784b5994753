"""How far a long background job has come, for the terminal and the pages at once.

The demo serves its pages at once and builds its day and its statistics behind them: the
job reports each stage (``start``, ``advance``, ``done``), the terminal prints it and every
page shows it (``snapshot``), so a person can browse while the data fills in. Thread-safe:
one thread writes, any number read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec

from tradewindow.clock import utc_now


class StageView(msgspec.Struct, frozen=True, kw_only=True):
    key: str  # a catalogue word: the pages say ``progress.stage.<key>``
    done: int
    total: int | None  # None: a step whose size is not known
    finished: bool


class ProgressView(msgspec.Struct, frozen=True, kw_only=True):
    stages: list[StageView]
    current: str | None  # the stage under way
    finished: bool
    failed: str | None  # what stopped the job, when it failed
    started_at: datetime
    finished_at: datetime | None

    @property
    def percent(self) -> int:
        """Whole stages finished plus the share of the current one, over all stages."""
        if self.finished:
            return 100
        share = 0.0
        for stage in self.stages:
            if stage.finished:
                share += 1
            elif stage.total:
                share += min(stage.done / stage.total, 1.0)
        return min(99, int(share * 100 / max(len(self.stages), 1)))


class Progress:
    """The stages of one job, in order, each started, advanced and finished by the job."""

    def __init__(self, stages: Sequence[str], *, clock: Callable[[], datetime] = utc_now) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._order = list(stages)
        self._done = dict.fromkeys(self._order, 0)
        self._total: dict[str, int | None] = dict.fromkeys(self._order)
        self._finished: set[str] = set()
        self._current: str | None = None
        self._failed: str | None = None
        self._started_at = clock()
        self._finished_at: datetime | None = None

    def start(self, stage: str, total: int | None = None) -> None:
        with self._lock:
            self._check(stage)
            self._current, self._total[stage], self._done[stage] = stage, total, 0

    def advance(self, count: int = 1) -> None:
        with self._lock:
            if self._current is not None:
                self._done[self._current] += count

    def finish_stage(self) -> None:
        with self._lock:
            if self._current is not None:
                self._finished.add(self._current)
                self._current = None

    def done(self) -> None:
        with self._lock:
            self._finished.update(self._order)
            self._current, self._finished_at = None, self._clock()

    def fail(self, reason: str) -> None:
        with self._lock:
            self._failed, self._finished_at = reason, self._clock()

    def snapshot(self) -> ProgressView:
        with self._lock:
            stages = [
                StageView(
                    key=key,
                    done=self._done[key],
                    total=self._total[key],
                    finished=key in self._finished,
                )
                for key in self._order
            ]
            return ProgressView(
                stages=stages,
                current=self._current,
                finished=len(self._finished) == len(self._order),
                failed=self._failed,
                started_at=self._started_at,
                finished_at=self._finished_at,
            )

    def _check(self, stage: str) -> None:
        if stage not in self._done:
            raise ValueError(f"not a stage of this job: {stage!r}")


__all__ = ["Progress", "ProgressView", "StageView"]
