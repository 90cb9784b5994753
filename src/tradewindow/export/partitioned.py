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
   (:meth:`PartitionedExport.stale_works`), finishes it;
3. its parts sent to their partitions through import's :class:`~tradewindow.cbec.partitioned.
   Dispatch` (``EntryWork``: the threads of this process, or NATS JetStream for the
   ``clearance-worker`` holding each partition, whose ``PartRunner`` calls
   :meth:`PartitionedExport.run_entries`). Each part is cleared in a unit of work of its
   partition, which keeps the part's answer and marks it done: a part run twice is cleared
   once. A waybill that finds a list waiting for it in another partition leaves a wake-up for
   that partition in the inbox, in the same transaction; the filer sends the wake-ups the same
   way once the parts are done, and the list's partition judges it (never the waybill's);
4. once every part and wake-up is done, the parts' answers merged into the message's (one own
   receipt, every document's return in the message's order), kept, and given.

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

from tradewindow.cbec.partitioned import Dispatch, EntryWork
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
from tradewindow.transaction import run_again

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

    def entry(self, guid: str) -> str:
        """The inbox entry of message ``guid``."""
        ...

    def pending(self, entries: Collection[str]) -> dict[str, list[int]]:
        """entry → the partitions whose part of it is not done, for entries with any."""
        ...

    def part_answers(self, guid: str) -> dict[int, ExportAnswer]:
        """partition → its answer to its part of message ``guid``, for the parts done."""
        ...

    def stale(self, before: datetime, limit: int) -> list[str]: ...

    def filed(self, guid: str) -> bool:
        """Whether the inbox holds message ``guid``."""
        ...

    def wakes_left(self, guid: str) -> dict[str, bytes]:
        """The wake-ups message ``guid`` left that are not done: entry → body."""
        ...


class PartitionedExport(ClearExport):
    """See the module docstring. ``partitions``: N; ``parts``: their units of work;
    ``dispatch``: import's, whose runner calls :meth:`run_entries`."""

    def __init__(
        self,
        *args: Any,
        partitions: int,
        parts: Partitions,
        dispatch: Dispatch,
        clock: Callable[[], datetime] = utc_now,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.partitions = partitions
        self.parts = parts
        self.dispatch = dispatch
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

    def stale_works(self, older_than: timedelta, limit: int = 1000) -> list[EntryWork]:
        """Answer the export messages recorded more than ``older_than`` ago whose parts are
        all done (their filer stopped); the parts and wake-ups not done to send again (a
        clearance worker publishes them, as import's ``stale_works``)."""
        return self._sweep(older_than, limit)[1]

    def resume(self, older_than: timedelta, limit: int = 1000) -> int:
        """Finish here what :meth:`stale_works` finds: its works sent through the dispatch
        and looked at again (the parts' wake-ups, then the answer); how many entries."""
        found, works = self._sweep(older_than, limit)
        for _ in range(2):
            if not works:
                break
            self._send(works)
            works = self._sweep(older_than, limit)[1]
        return found

    def _sweep(self, older_than: timedelta, limit: int) -> tuple[int, list[EntryWork]]:
        entries = self.parts.stale(self._clock() - older_than, limit)
        bodies = self.parts.bodies(entries)
        messages = [e for e in entries if not _WAKE.search(e)]
        works = [self._woken(e, bodies[e]) for e in entries if _WAKE.search(e)]
        pending = self.parts.pending(messages)
        for entry in messages:
            if entry in pending:
                works += [EntryWork(partition=p, entry=entry) for p in pending[entry]]
                continue
            filed = msgspec.json.decode(bodies[entry], type=Filed)  # every part done
            works += self._wakes_left(filed.message.guid)
            self._conclude(filed)
        return len(entries), works

    def run_entries(self, partition: int, entries: Sequence[str]) -> None:
        """Clear ``partition``'s part of each inbox entry (a message's part, a wake-up), each
        in a unit of work of its own (what a partition's ``PartRunner`` calls)."""
        bodies = self.parts.bodies(entries)
        for entry in entries:
            if _WAKE.search(entry):  # a wake-up (store.export.partitioned.wake_guid)
                self._wake(entry, msgspec.json.decode(bodies[entry], type=Wake))
                continue
            filed = msgspec.json.decode(bodies[entry], type=Filed)
            for part in split(filed.message, self.partitions):
                if part.partition == partition:
                    self._part(part, filed)

    def _finish(self, filed: Filed) -> ExportAnswer:
        entry = self.parts.entry(filed.message.guid)
        parts = split(filed.message, self.partitions)
        self._send([EntryWork(partition=p.partition, entry=entry) for p in parts])
        # the wake-ups its waybills left (sent now, or by whoever finishes it if we stop)
        self._send(self._wakes_left(filed.message.guid))
        return self._conclude(filed)

    def _send(self, works: Sequence[EntryWork]) -> None:
        """``works`` sent through the dispatch; back once they are done."""
        if works:
            self.dispatch.send(works, None)
            self.dispatch.wait(sorted({w.entry for w in works}))

    def _woken(self, entry: str, body: bytes) -> EntryWork:
        return EntryWork(partition=msgspec.json.decode(body, type=Wake).partition, entry=entry)

    def _wakes_left(self, guid: str) -> list[EntryWork]:
        return [self._woken(e, body) for e, body in self.parts.wakes_left(guid).items()]

    def _conclude(self, filed: Filed) -> ExportAnswer:
        """The parts' answers merged, kept and given (every part done)."""
        message = filed.message
        done = self.parts.part_answers(message.guid)
        answer = merge(
            message.guid, [(p, done[p.partition]) for p in split(message, self.partitions)]
        )
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
        # after the commit (left to a sweep if we stop first)
        self._send([EntryWork(partition=w.partition, entry=e) for e, w in woken])
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
