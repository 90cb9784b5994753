"""Resumable upload: chunks sent in any order, some twice, across any number of interruptions,
give the same signed root as one straight upload (hypothesis over orders; SQLite)."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from datetime import date

import pytest
from datachannel_fixtures import dataset, open_channel
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradewindow.datachannel import manifest as manifests
from tradewindow.datachannel.channel import Channel

CHUNK = 16
NUMBERS = itertools.count()  # each example its own transfer (hypothesis replays values)
DATA = bytes(range(256)) * 2 + b"tail"  # 33 chunks, the last one short


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Channel]:
    root = tmp_path_factory.mktemp("orders")
    opened, engine = open_channel(f"sqlite:///{root / 'tw.db'}", root / "objects")
    opened.save_dataset("li", dataset())
    yield opened
    engine.dispose()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.permutations(range(33)),
    repeats=st.lists(st.integers(0, 32), max_size=8),
    cuts=st.lists(st.integers(1, 32), max_size=3),
)
def test_any_order_of_chunks_gives_the_same_root(
    channel: Channel, order: list[int], repeats: list[int], cuts: list[int]
) -> None:
    id = f"T-{next(NUMBERS)}"
    channel.request("li", id, "D-READS", ["chan"], date(2026, 12, 31))
    sends = [*order, *repeats]
    done = 0
    for cut in [*sorted(set(cuts)), len(sends)]:
        missing = set(channel.begin_upload("li", id, len(DATA), CHUNK))  # (re)start: what is left
        assert missing == set(range(33)) - set(sends[:done])
        for index in sends[done:cut]:
            piece = DATA[index * CHUNK : (index + 1) * CHUNK]
            channel.put_chunk("li", id, index, piece, hashlib.sha256(piece).hexdigest())
        done = max(done, cut)
    signed = channel.finish_upload("li", id)
    pieces = [DATA[i : i + CHUNK] for i in range(0, len(DATA), CHUNK)]
    assert signed.root == manifests.merkle_root([manifests.chunk_digest(p) for p in pieces])
    assert signed.size == len(DATA)
