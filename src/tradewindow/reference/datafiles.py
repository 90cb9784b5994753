"""Reading the CSV tables shipped in ``reference/data``.

Every file starts with ``#`` comment lines saying where the table comes from (source,
edition, licence), then a CSV header row, then the rows. ``.csv.gz`` files are read the
same way after decompression.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from importlib import resources


def _text(name: str) -> str:
    raw = resources.files("tradewindow.reference").joinpath("data", name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8")


def _split(name: str) -> tuple[list[str], str]:
    text = _text(name)
    notes: list[str] = []
    position = 0
    while text.startswith("#", position):
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        notes.append(text[position + 1 : end].strip())
        position = end + 1
    return notes, text[position:]


def source_notes(name: str) -> list[str]:
    """The ``#`` header lines of a shipped data file, without the ``#``."""
    return _split(name)[0]


def rows(name: str) -> Iterator[dict[str, str]]:
    """The rows of a shipped data file as dicts keyed by its CSV header."""
    _, body = _split(name)
    yield from csv.DictReader(io.StringIO(body))


def data_files() -> list[str]:
    """Names of every table shipped in ``reference/data``."""
    folder = resources.files("tradewindow.reference").joinpath("data")
    return sorted(
        entry.name for entry in folder.iterdir() if entry.name.endswith((".csv", ".csv.gz"))
    )
