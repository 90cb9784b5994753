"""``chain.seal_all`` writes each distinct instant of a batch once; its records are exactly
those of sealing the entries one by one with ``chain.seal``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from tradewindow.evidence.chain import Entry, RecordKind, seal, seal_all

BASE = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
# the same few instants, some in another zone (equal instants, different offsets)
instants = st.builds(
    lambda minutes, hours: (BASE + timedelta(minutes=minutes)).astimezone(
        timezone(timedelta(hours=hours))
    ),
    st.integers(0, 3),
    st.sampled_from((0, 8, -5)),
)
entries = st.builds(
    Entry,
    kind=st.sampled_from(list(RecordKind)),
    subjects=st.lists(st.text(max_size=6), max_size=3).map(tuple),
    payload_digest=st.sampled_from(("a" * 64, "0123456789abcdef" * 4)),
    actor=st.text(max_size=6),
    at=instants,
    signature=st.none() | st.text(max_size=6),
)


@given(batch=st.lists(entries, max_size=12), head_seq=st.integers(0, 10**6))
def test_seal_all_is_sealing_one_by_one(batch: list[Entry], head_seq: int) -> None:
    head_hash = "f" * 64
    one_by_one = []
    seq, prev = head_seq, head_hash
    for entry in batch:
        seq += 1
        record = seal(entry, seq, prev)
        prev = record.hash
        one_by_one.append(record)
    assert seal_all(batch, head_seq, head_hash) == one_by_one
