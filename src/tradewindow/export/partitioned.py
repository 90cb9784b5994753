"""Partitioned export clearance: export messages cleared by the partitions of their documents
(``export.partitions``), through the clearance inbox, as import's are (``docs/adr/0009``).

:class:`PartitionedExport` is a :class:`~tradewindow.export.clearance.ClearExport` whose
messages of orders, receipts of payment, waybills and lists go:

1. checked against the XSD's facets (refused whole, nothing stored) and for an earlier answer
   to their guid (a replay, or ``CEB.guid.reused``). A message whose documents are all in
   one partition (every one-document message) is then cleared, answered and kept in one unit
   of work of that partition, as one writer would; the others go on:
2. recorded in the inbox with the partitions their documents belong to — from here the message
   is never lost: the same guid filed again, or a worker's sweep of parts left waiting
   (:meth:`PartitionedExport.resume`), finishes it;
3. each partition's part cleared in a unit of work of that partition, which keeps the part's
   answer and marks it done: a part run twice is cleared once. A waybill that finds a list
   waiting for it in another partition leaves a wake-up for that partition in the inbox, in
   the same transaction, and the list's partition judges it (never the waybill's);
4. once every part is done, the parts' answers merged into the message's (one own receipt,
   every document's return in the message's order), kept, and given.

Every other message (parcels, lists by number, summaries) and every other use case (agency
decisions, warehouses) runs on the whole-store path, which excludes every partition.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol

import msgspec

from tradewindow.cbec.partitioned import run_again
from tradewindow.clock import utc_now
from tradewindow.export import documents as d
from tradewindow.export.clearance import GUID_TAKEN, ClearExport, check_fit, replay_of
from tradewindow.export.model import ExportAnswer, ExportList
from tradewindow.export.partitions import (
    ExportPart,
    Wake,
    is_partitioned,
    list_partition,
    merge,
    split,
    wakes,
)
from tradewindow.export.ports import ExportRecords
from tradewindow.filing.refusals import FilingRefused

_WAKE = re.compile(r"@\d+>\d+$")


class Filed(msgspec.Struct, frozen=True, kw_only=True):
    """A message as the inbox keeps it: enough to clear its parts from any process."""

    sender: str
    at: datetime
    message: d.ExportMessage


class PartRecords(ExportRecords, Protocol):
    """The export records of one partition's unit of work."""

    def part_answer(self, guid: str) -> ExportAnswer | None: ...

    def answer_or_filed(self, guid: str) -> tuple[tuple[str, ExportAnswer] | None, bool]:
        """(the sender and answer of message ``guid`` if answered, whether the inbox holds
        it), in one read."""
        ...

    def finish_part(self, guid: str, code: str, sender: str, answer: ExportAnswer) -> None: ...

    def done(self, entry: str) -> bool: ...

    def mark_done(self, entry: str) -> None: ...

    def add_wakes(self, guid: str, wakes: Sequence[Wake]) -> list[str]: ...


class Partitions(Protocol):
    """The partitions' units of work and export's inbox entries
    (``store.export.partitioned.SqlExportPartitions``)."""

    def writing(self, partition: int) -> AbstractContextManager[PartRecords]: ...

    def answer(self, guid: str) -> tuple[str, ExportAnswer] | None: ...

    def file(
        self, guid: str, digest: str, at: datetime, partitions: Sequence[int], body: bytes
    ) -> bytes | None: ...

    def conclude(
        self, guid: str, code: str, sender: str, answer: ExportAnswer, at: datetime
    ) -> ExportAnswer: ...

    def bodies(self, entries: Collection[str]) -> dict[str, bytes]: ...

    def stale(self, before: datetime, limit: int) -> list[str]: ...

    def filed(self, guid: str) -> bool:
        """Whether the inbox holds message ``guid``."""
        ...

    def wakes_left(self, guid: str) -> dict[str, bytes]:
        """The wake-ups message ``guid`` left that are not done: entry → body."""
        ...


class PartitionedExport(ClearExport):
    """See the module docstring. ``partitions``: N; ``parts``: their units of work."""

    def __init__(
        self,
        *args: Any,
        partitions: int,
        parts: Partitions,
        clock: Callable[[], datetime] = utc_now,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partitions = partitions
        self.parts = parts
        self._clock = clock

    def __call__(self, message: d.ExportMessage, sender: str, at: datetime) -> ExportAnswer:
        if not is_partitioned(message):
            if self.parts.filed(message.guid):  # a partitioned message's, not answered yet
                raise FilingRefused.of(GUID_TAKEN)
            return super().__call__(message, sender, at)
        code = d.message_type(message)
        check_fit(message)
        parts = split(message, self.partitions)
        if len(parts) == 1:
            alone = self._alone(parts[0], Filed(sender=sender, at=at, message=message))
            if alone is not None:
                return alone
        known = replay_of(self.parts.answer(message.guid), sender, code)
        if known is not None:
            return known
        data = msgspec.json.encode(Filed(sender=sender, at=at, message=message))
        digest = hashlib.sha256(data).hexdigest()
        earlier = self.parts.file(message.guid, digest, at, [p.partition for p in parts], data)
        if earlier is None:
            return self._finish(Filed(sender=sender, at=at, message=message))
        filed = msgspec.json.decode(earlier, type=Filed)
        if filed.sender != sender or d.message_type(filed.message) != code:
            raise FilingRefused.of(GUID_TAKEN)
        # filed before and not answered yet (its filer may have stopped): finish it as filed
        return msgspec.structs.replace(self._finish(filed), replayed=True)

    def resume(self, older_than: timedelta, limit: int = 1000) -> int:
        """Finish the export messages and wake-ups recorded more than ``older_than`` ago and
        still not done (their filer stopped); how many (a clearance worker's sweep)."""
        entries = self.parts.stale(self._clock() - older_than, limit)
        bodies = self.parts.bodies(entries)
        for entry in entries:
            if _WAKE.search(entry):  # a wake-up (store.export.partitioned.wake_guid)
                self._wake(entry, msgspec.json.decode(bodies[entry], type=Wake))
            else:
                self._finish(msgspec.json.decode(bodies[entry], type=Filed))
        return len(entries)

    def _finish(self, filed: Filed) -> ExportAnswer:
        message = filed.message
        cleared = [(part, self._part(part, filed)) for part in split(message, self.partitions)]
        # the wake-ups its waybills left (run here, or by whoever finishes it if we stop)
        for entry, body in self.parts.wakes_left(message.guid).items():
            self._wake(entry, msgspec.json.decode(body, type=Wake))
        answer = merge(message.guid, cleared)
        code = d.message_type(message)
        return self.parts.conclude(message.guid, code, filed.sender, answer, filed.at)

    def _alone(self, part: ExportPart, filed: Filed) -> ExportAnswer | None:
        """A message whose documents are all in one partition (one document, say): cleared,
        answered and kept in one unit of work of it, as one writer would — no half of it can
        be left, so it needs no inbox entry. None when the inbox holds its guid (filed
        before with documents in several partitions): the inbox's path answers it."""
        guid, code, sender = filed.message.guid, d.message_type(filed.message), filed.sender

        def clear() -> tuple[ExportAnswer | None, list[tuple[str, Wake]]]:
            with self.parts.writing(part.partition) as records:
                earlier, in_inbox = records.answer_or_filed(guid)
                known = replay_of(earlier, sender, code)
                if known is not None or in_inbox:
                    return known, []
                here = self._here(part.partition)
                answer, elsewhere = self.clear_part(records, filed.message, sender, filed.at, here)
                records.record_answer(guid, code, sender, answer)
                records.add_receipts(list(answer.receipts), filed.at)
                found = wakes(elsewhere, self.partitions, filed.at)
                entries = records.add_wakes(guid, found)
            return answer, list(zip(entries, found, strict=True))

        answer, woken = run_again(clear)
        for entry, wake in woken:  # after the commit (left to a sweep if we stop first)
            self._wake(entry, wake)
        return answer

    def _here(self, partition: int) -> Callable[[ExportList], bool]:
        """Whether a list is one of ``partition``'s (a woken list of another is not judged)."""
        return lambda record: list_partition(record.order_key, self.partitions) == partition

    def _part(self, part: ExportPart, filed: Filed) -> ExportAnswer:
        """Clear ``part`` in its partition (once: a part done gives the answer it kept)."""
        guid, code = filed.message.guid, d.message_type(filed.message)
        here = self._here(part.partition)

        def clear() -> ExportAnswer:
            with self.parts.writing(part.partition) as records:
                done = records.part_answer(guid)
                if done is not None:
                    return done
                answer, elsewhere = self.clear_part(
                    records, part.message, filed.sender, filed.at, here
                )
                records.add_receipts(list(answer.receipts[1:]), filed.at)  # own: when merged
                records.add_wakes(guid, wakes(elsewhere, self.partitions, filed.at))
                records.finish_part(guid, code, filed.sender, answer)
            return answer

        return run_again(clear)

    def _wake(self, entry: str, wake: Wake) -> None:
        """Judge again, in their partition, the lists a waybill of another partition woke."""

        def judge() -> None:
            with self.parts.writing(wake.partition) as records:
                if records.done(entry):
                    return
                self.rejudge(records, wake.order_keys, wake.at)
                records.mark_done(entry)

        run_again(judge)
