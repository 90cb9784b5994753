"""How a client moves a dataset's chunks: ``data push``/``pull`` and ``bench data`` share these,
so the benchmark measures what users run."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

# a worker's work on one chunk index, opened per worker thread (e.g. with its own connection)
Worker = Callable[[], AbstractContextManager[Callable[[int], None]]]


def in_parallel(parallel: int, indexes: Iterable[int], worker: Worker) -> None:
    """Each of ``indexes`` worked on by ``parallel`` threads, each with its own ``worker()``,
    taking the next index still to do; the first failure stops the others and is raised here."""
    pending = iter(indexes)
    lock = threading.Lock()
    failed: list[Exception] = []

    def run() -> None:
        try:
            with worker() as work:
                while not failed:
                    with lock:
                        index = next(pending, None)
                    if index is None:
                        return
                    work(index)
        except Exception as error:  # any failure stops the transfer: raised below
            failed.append(error)

    threads = [threading.Thread(target=run) for _ in range(max(1, parallel))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]


def write_at(descriptor: int, data: bytes, offset: int) -> None:
    """``data`` written at ``offset``, then handed to the disk at once: the kernel starts
    writing the range back (and keeps no cached copy of it once written), so the fsync at the
    end waits for the last chunks only, not for the whole file."""
    view = memoryview(data)
    start = offset
    while view:
        written = os.pwrite(descriptor, view, offset)
        view, offset = view[written:], offset + written
    if hasattr(os, "posix_fadvise"):  # Linux and most Unixes; elsewhere the fsync does it all
        os.posix_fadvise(descriptor, start, len(data), os.POSIX_FADV_DONTNEED)
