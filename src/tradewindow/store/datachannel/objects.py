"""The embedded object store: content-addressed files under one directory.

An object is named by the SHA-256 of its bytes (or by the name its caller derives) and kept
at ``<root>/<ab>/<cdef…>``. A put writes a temporary file in the same directory, fsyncs it,
renames it into place and fsyncs the directory, and only then answers the name: an
acknowledged object survives a crash. Putting the same name twice stores it once.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from tradewindow.datachannel.sealing import Buffer


class LocalObjects:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        if len(name) != 64 or any(c not in "0123456789abcdef" for c in name):
            raise KeyError(name)  # never a path outside the store
        return self.root / name[:2] / name[2:]

    def put(self, data: Buffer, name: str | None = None) -> str:
        name = name or hashlib.sha256(data).hexdigest()
        path = self._path(name)
        if path.exists():
            return name
        path.parent.mkdir(exist_ok=True)
        # a draft of its own per writer: two threads putting the same name never share one
        draft = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            try:
                _write_all(descriptor, memoryview(data))
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            os.replace(draft, path)
        finally:
            draft.unlink(missing_ok=True)
        _sync_directory(path.parent)
        return name

    def get(self, name: str, start: int = 0, end: int | None = None) -> bytes:
        path = self._path(name)
        try:
            with path.open("rb") as file:
                file.seek(start)
                return file.read() if end is None else file.read(max(0, end - start))
        except FileNotFoundError:
            raise KeyError(name) from None

    def delete(self, name: str) -> None:
        path = self._path(name)
        path.unlink(missing_ok=True)
        _sync_directory(path.parent)

    def exists(self, name: str) -> bool:
        return self._path(name).exists()


def _write_all(descriptor: int, view: memoryview) -> None:
    # straight from the caller's buffer to the file: no buffered layer copying it again
    view = view.cast("B")
    while view:
        view = view[os.write(descriptor, view) :]


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
