"""What every capability's ports share about transactions.

A capability's writes sometimes belong in another capability's transaction: the agencies'
tasks and the evidence records commit with the clearance unit of work that made them, a
commission's evidence with the grant. The owner of the transaction offers the others'
adapters as **parts**: a capability declares, in its ``ports.py``, the Protocol of its writes
and a :class:`Part` naming it; a use case that holds any :class:`Transaction` asks it for
``transaction.part(THAT_PART)`` and gets that Protocol, bound to the same transaction. The
store (``store/parts.py``) says which adapter serves each part, so no core sees a connection
and no adapter downcasts another's unit of work.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")
ATTEMPTS = 8  # a partition's unit of work run again after a deadlock or a lost race


class ConcurrentWrite(Exception):
    """Another transaction stored the same identity first (e.g. two processes clearing one
    message guid, or registering one identifier, at the same moment). The transaction is
    spoiled; running the work again sees the other's result."""


class ClearanceTimeout(Exception):
    """The parts of a message were recorded and sent but not all cleared in time (no writer
    holds a partition, or the writers are behind): the message is safe in the inbox, and
    filing it again (same guid) gives its answer once its partitions are cleared."""

    code = "clearance.pending"
    en = (
        "the message is kept but its partitions' writers have not cleared it yet:"
        " file it again with the same guid for its answer"
    )
    zh = "报文已保存，但其分区尚未完成通关处理：请以相同guid重新申报以获取回执"


class Part(Generic[T]):
    """A typed name of one capability's writes that join another's transaction; ``T`` is the
    Protocol the part offers."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Part({self.name!r})"


class Transaction(Protocol):
    """One open transaction that other capabilities' writes may join."""

    def part(self, part: Part[T]) -> T:
        """The adapter of ``part``, bound to this transaction (the same one on every call)."""
        ...


def run_again(work: Callable[[], T]) -> T:
    """``work`` (a partition's unit of work) run again after a deadlock with another
    partition or a lost race (``ConcurrentWrite``), up to ``ATTEMPTS`` times."""
    for attempt in range(ATTEMPTS):
        try:
            return work()
        except ConcurrentWrite:
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")
