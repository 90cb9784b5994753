"""Where a receiver puts a verified chunk: ``data pull`` and ``bench data`` write the same way,
so the benchmark measures what users run."""

from __future__ import annotations

import os


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
