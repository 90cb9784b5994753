"""Group commit for the chunk records of uploads running at once.

Each chunk of an upload is acknowledged only once its record is committed (``put_chunk`` returns
after it); a commit is a transaction and, on SQLite with ``synchronous=FULL``, an fsync of the
log. When several chunks arrive together (``data push --parallel``, several uploads), the first
to find no commit running commits every record queued so far in one transaction; the others wait
for the commit that holds theirs, and one of those still waiting leads the next. Nobody returns
before the transaction with its record has committed, and a failed commit is raised to every
caller whose record it held.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class _Pending(Generic[T]):
    __slots__ = ("done", "error", "record")

    def __init__(self, record: T) -> None:
        self.record = record
        self.done = False
        self.error: BaseException | None = None


class GroupCommit(Generic[T]):
    def __init__(self, commit: Callable[[Sequence[T]], None]) -> None:
        self._commit = commit
        self._changed = threading.Condition()
        self._queue: list[_Pending[T]] = []
        self._committing = False

    def save(self, record: T) -> None:
        """Return once ``record`` is committed (raise what its commit raised)."""
        mine = _Pending(record)
        with self._changed:
            self._queue.append(mine)
            while not mine.done:
                if self._committing:
                    self._changed.wait()
                    continue
                self._committing = True
                batch, self._queue = self._queue, []
                error: BaseException | None = None
                self._changed.release()
                try:
                    self._commit([pending.record for pending in batch])
                except BaseException as failure:  # given to every caller in the batch
                    error = failure
                finally:
                    self._changed.acquire()
                for pending in batch:
                    pending.done, pending.error = True, error
                self._committing = False
                self._changed.notify_all()
        if mine.error is not None:
            raise mine.error
