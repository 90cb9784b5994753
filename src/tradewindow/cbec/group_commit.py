"""Group commit: submissions of concurrent callers cleared together in one unit of work.

Each API request filing one message used to pay a unit of work of its own — the clearance
lock, the reads, the evidence lock and a durable commit — one after another; at 100 single
submissions a second the queue grew by the second (``bench api --rate``). :class:`GroupCommit`
is the same ``Clearing`` (``submit``) for its callers, but a caller that finds another's batch
running waits, and the next batch carries everything that arrived meanwhile: one unit of work,
one commit, for many callers. A lone caller runs at once, as before.

Every caller is still answered only after the commit that made its answer, with its own
admission judging its own messages (``admission.by_guid``). A guid already in the batch being
formed waits for the next one (two callers filing the same message are answered as one filing
and one replay, as without grouping). If a merged batch fails, each caller's submissions are
run again alone, so one caller's failure is not another's.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from tradewindow.cbec.admissions import by_guid
from tradewindow.cbec.clearance import Answer, Clearance, Submission
from tradewindow.cbec.ports import Admission


class _Request:
    __slots__ = ("admission", "answers", "done", "error", "submissions")

    def __init__(self, submissions: Sequence[Submission], admission: Admission | None) -> None:
        self.submissions = submissions
        self.admission = admission
        self.answers: list[Answer] = []
        self.error: BaseException | None = None
        self.done = False


class GroupCommit:
    """See the module docstring. ``most``: messages per merged batch, at most."""

    def __init__(self, clearance: Clearance, *, most: int = 500) -> None:
        self.clearance = clearance
        self._most = most
        self._changed = threading.Condition()
        self._queue: list[_Request] = []
        self._running = False

    def submit(
        self, submissions: Sequence[Submission], *, admission: Admission | None = None
    ) -> list[Answer]:
        request = _Request(submissions, admission)
        with self._changed:
            self._queue.append(request)
        while True:
            with self._changed:
                while self._running and not request.done:
                    self._changed.wait()
                if request.done:
                    break
                self._running = True  # this caller runs the next batch, for everyone in it
                batch = self._take()
            try:
                self._run(batch)
            finally:
                with self._changed:
                    self._running = False
                    self._changed.notify_all()
        if request.error is not None:
            raise request.error
        return request.answers

    def _take(self) -> list[_Request]:
        """The queued requests for one batch (called holding the lock): in arrival order, up
        to ``most`` messages, none whose guid is already in the batch."""
        batch: list[_Request] = []
        guids: set[str] = set()
        count = 0
        for request in list(self._queue):
            mine = {s.message.guid for s in request.submissions}
            if batch and (mine & guids or count + len(request.submissions) > self._most):
                continue
            batch.append(request)
            guids |= mine
            count += len(request.submissions)
            self._queue.remove(request)
        return batch

    def _run(self, batch: list[_Request]) -> None:
        if len(batch) == 1:
            self._alone(batch[0])
            return
        merged = [s for r in batch for s in r.submissions]
        judges = {s.message.guid: r.admission for r in batch if r.admission for s in r.submissions}
        try:
            answers = self.clearance.submit(merged, admission=by_guid(judges) if judges else None)
        except Exception:
            for request in batch:
                self._alone(request)
            return
        position = 0
        with self._changed:
            for request in batch:
                request.answers = answers[position : position + len(request.submissions)]
                position += len(request.submissions)
                request.done = True

    def _alone(self, request: _Request) -> None:
        try:
            answers = self.clearance.submit(request.submissions, admission=request.admission)
        except BaseException as error:
            with self._changed:
                request.error, request.done = error, True
            return
        with self._changed:
            request.answers, request.done = answers, True
