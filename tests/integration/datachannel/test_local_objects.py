"""The local content-addressed object store: names are the SHA-256 of the bytes, the same bytes
are kept once, ranges read, names that are not hashes never reach the file system, and no
temporary file is left behind."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tradewindow.store.datachannel.objects import LocalObjects


def test_objects_by_content(tmp_path: Path) -> None:
    store = LocalObjects(tmp_path / "objects")
    name = store.put(b"0123456789")
    assert name == hashlib.sha256(b"0123456789").hexdigest()
    assert store.put(b"0123456789") == name  # once
    assert store.get(name) == b"0123456789"
    assert store.get(name, 2, 5) == b"234"
    assert store.get(name, 8) == b"89"
    files = [p for p in (tmp_path / "objects").rglob("*") if p.is_file()]
    assert [p.name for p in files] == [name[2:]]  # no .part left behind
    store.delete(name)
    assert not store.exists(name)
    with pytest.raises(KeyError):
        store.get(name)


def test_the_same_object_put_by_several_threads_at_once(tmp_path: Path) -> None:
    store = LocalObjects(tmp_path / "objects")
    data = bytearray(b"research data" * 1000)  # any buffer, kept as given
    name = hashlib.sha256(data).hexdigest()
    with ThreadPoolExecutor(max_workers=4) as pool:
        names = list(pool.map(lambda _: store.put(data, name), range(8)))
    assert names == [name] * 8
    assert store.get(name) == bytes(data)
    files = [p for p in (tmp_path / "objects").rglob("*") if p.is_file()]
    assert [p.name for p in files] == [name[2:]]  # one object, no draft left behind


@pytest.mark.parametrize("name", ["../../etc/passwd", "A" * 64, "0" * 63, ""])
def test_a_name_that_is_not_a_hash_is_never_a_path(tmp_path: Path, name: str) -> None:
    store = LocalObjects(tmp_path)
    with pytest.raises(KeyError):
        store.get(name)
    with pytest.raises(KeyError):
        store.exists(name)
