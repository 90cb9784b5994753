"""Partitioned clearance: N writers side by side, each clearing the documents of its
partition (``cbec.partitions``), over one database (``docs/adr/0009``).

:class:`PartitionedClearance` is a :class:`~tradewindow.cbec.clearance.Clearance` whose
``submit`` goes through the **inbox**:

1. every message is checked (``rules.check_message``, the whole message: its violations name
   documents as the sender numbered them) before anything is stored;
2. in one transaction that takes no clearance lock: the guid's earlier digest (a replay, or
   ``CEB.guid.reused``), the filing use case's refusals (``Admission.refused``, on the whole
   message), then the message recorded in the inbox with the partitions its documents belong
   to, and the guid claimed for its sender — committed: from here the message is never lost;
3. its parts are sent to their partitions (:class:`Dispatch`: run here, or published on NATS
   JetStream for the workers that hold the partitions). A partition clears a part in one
   unit of work of its own, which marks the part done: a part delivered twice is cleared once;
4. once every part is done, the message is answered with the receipts its parts made.

A replay of a message some of whose parts are not done yet sends those parts again (from the
inbox): whoever filed it first may have stopped before sending them. Workers do the same for
parts left waiting too long (``stale_works``), so nothing recorded stays unanswered.

Messages that are not a partition's (``partitions.is_partitioned``: waybill statuses,
deliveries) and every other use case of :class:`Clearance` (agency decisions, time-outs,
guarantees, stock entries, previews) run on the **whole-store** path, whose unit of work
excludes every partition's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

import msgspec

from tradewindow.cbec.admissions import by_guid
from tradewindow.cbec.clearance import Answer, Clearance, Submission, guid_reused, message_record
from tradewindow.cbec.documents import LIFECYCLE_MESSAGES
from tradewindow.cbec.partitions import is_partitioned, part_check, split
from tradewindow.cbec.ports import Admission, ClearanceStore, ReceiptRecord, UnitOfWork
from tradewindow.cbec.rules import check_message
from tradewindow.transaction import ConcurrentWrite, run_again
from tradewindow.violations import Violation


class InboxEntry(msgspec.Struct, frozen=True, kw_only=True):
    guid: str
    digest: str
    received_at: datetime
    partitions: tuple[int, ...]
    body: bytes  # msgspec JSON of Filed: the submission and who filed it


class Filed(msgspec.Struct, frozen=True, kw_only=True):
    """A message as the inbox keeps it: enough to send its parts again from any process."""

    submission: Submission  # with the whole message's check
    claimant: bytes | None = None  # the filing use case's admission, portable (Portable)


class PartWork(msgspec.Struct, frozen=True, kw_only=True, tag="cbec"):
    """One partition's part of one message, as sent to the partition's writer."""

    partition: int
    submission: Submission  # the part: its documents, their check, their positions
    claimant: bytes | None = None


class EntryWork(msgspec.Struct, frozen=True, kw_only=True, tag="entry"):
    """One partition's part of an inbox entry another capability recorded and clears
    (export's ``exp:`` messages and wake-ups: ``export.partitioned``), by the entry's name."""

    partition: int
    entry: str


Work = PartWork | EntryWork  # what a dispatch gets to a partition's writer


def work_id(work: Work) -> str:
    """``<guid or entry>:<partition>``: a part sent twice is the same part."""
    name = work.entry if isinstance(work, EntryWork) else work.submission.message.guid
    return f"{name}:{work.partition}"


class InboxTransaction(UnitOfWork, Protocol):
    def add_inbox(self, entries: Sequence[InboxEntry], at: datetime) -> None: ...


class Inbox(Protocol):
    """The durable inbox (``store.partition.SqlInbox``)."""

    def transaction(self) -> AbstractContextManager[InboxTransaction]:
        """A transaction that takes no clearance lock."""
        ...

    def pending(self, guids: Collection[str]) -> dict[str, list[int]]:
        """guid → the partitions (0 … N-1) whose part of it is not done, for guids with any."""
        ...

    def stale(self, before: datetime, limit: int) -> list[str]:
        """Guids with a part not done that was recorded before ``before``, oldest first."""
        ...

    def bodies(self, guids: Collection[str]) -> dict[str, bytes]: ...

    def refusals(self, guids: Collection[str]) -> dict[str, bytes]:
        """guid → why a part of it was refused (msgspec JSON of its violations)."""
        ...

    def refuse_part(self, partition: int, guid: str, refused: bytes, at: datetime) -> None: ...

    def receipts(self, guids: Collection[str]) -> list[ReceiptRecord]:
        """Every receipt made for these messages (read without a clearance lock)."""
        ...


class Portable(Protocol):
    """An admission that can be rebuilt in another process (the filing use case's claims)."""

    def portable(self) -> bytes: ...


# rebuilds a portable admission for the part submissions it is to judge
Claims = Callable[[bytes, Sequence[Submission]], Admission]


class Dispatch(Protocol):
    """Gets parts to their partitions' writers."""

    def send(self, works: Sequence[Work], admission: Admission | None) -> None:
        """Hand ``works`` over (``admission``: the caller's, for writers in this process)."""
        ...

    def wait(self, guids: Collection[str]) -> None:
        """Return once every part of these messages is done."""
        ...


class PartRunner:
    """Clears parts of one partition in one unit of work (a writer's job, in any process).
    ``entries``: what clears entry works (:class:`EntryWork`), set by the capability that
    records them once it is built (``bootstrap.open_export``)."""

    def __init__(
        self,
        clearance_of: Callable[[int], Clearance],
        inbox: Inbox,
        *,
        clock: Callable[[], datetime],
        claims: Claims | None = None,
        entries: Callable[[int, Sequence[str]], None] | None = None,
    ) -> None:
        self._clearance_of = clearance_of
        self._clearances: dict[int, Clearance] = {}
        self._inbox = inbox
        self._clock = clock
        self._claims = claims
        self.entries = entries

    def run(
        self, partition: int, all_works: Sequence[Work], admission: Admission | None = None
    ) -> None:
        """Clear ``works`` (parts of ``partition``) in one unit of work; a part refused by
        the admission is marked done with why. ``admission`` given: it judges every part
        (writers in the filer's process); else each part's is rebuilt from its claimant.
        Entry works go to ``entries``, which clears each in a unit of work of its own."""
        entries = [w.entry for w in all_works if isinstance(w, EntryWork)]
        if entries:
            if self.entries is None:
                raise LookupError(f"no runner for inbox entries like {entries[0]!r}")
            self.entries(partition, entries)
        works = [w for w in all_works if isinstance(w, PartWork)]
        if not works:
            return
        clearance = self._clearances.get(partition)
        if clearance is None:
            clearance = self._clearances[partition] = self._clearance_of(partition)
        submissions = [w.submission for w in works]
        judge = admission if admission is not None else self._admission(works)
        answers = run_again(lambda: clearance.submit(submissions, admission=judge))
        now = self._clock()
        for answer in answers:
            if answer.refused:
                refused = msgspec.json.encode(answer.refused)
                self._inbox.refuse_part(partition, answer.guid, refused, now)

    def _admission(self, works: Sequence[PartWork]) -> Admission | None:
        if self._claims is None or all(w.claimant is None for w in works):
            return None
        by_claimant: dict[bytes, list[Submission]] = {}
        for work in works:
            if work.claimant is not None:
                by_claimant.setdefault(work.claimant, []).append(work.submission)
        judges = {
            s.message.guid: judge
            for claimant, subs in by_claimant.items()
            for judge in [self._claims(claimant, subs)]
            for s in subs
        }
        return by_guid(judges)


class LocalDispatch:
    """The writers in this process: each partition's parts cleared at once, the partitions
    one after another (``threads`` 1) or side by side on a thread pool."""

    def __init__(self, runner: PartRunner, *, threads: int = 1) -> None:
        self._runner = runner
        self._threads = threads

    def send(self, works: Sequence[Work], admission: Admission | None) -> None:
        by_partition: dict[int, list[Work]] = {}
        for work in works:
            by_partition.setdefault(work.partition, []).append(work)
        if self._threads <= 1 or len(by_partition) <= 1:
            for partition, mine in sorted(by_partition.items()):
                self._runner.run(partition, mine, admission)
            return
        with ThreadPoolExecutor(max_workers=self._threads) as pool:
            done = [
                pool.submit(self._runner.run, partition, mine, admission)
                for partition, mine in sorted(by_partition.items())
            ]
            for future in done:
                future.result()

    def wait(self, guids: Collection[str]) -> None:
        return None  # send returns once every part is done


class PartitionedClearance(Clearance):
    """See the module docstring. ``partitions``: N; ``store``: the whole-store path's."""

    def __init__(
        self,
        store: ClearanceStore,
        *,
        partitions: int,
        inbox: Inbox,
        dispatch: Dispatch,
        **kwargs: Any,
    ) -> None:
        super().__init__(store, **kwargs)
        self.partitions = partitions
        self._inbox = inbox
        self.dispatch = dispatch  # export's parts go the same way (export.partitioned)

    def submit(
        self, submissions: Sequence[Submission], *, admission: Admission | None = None
    ) -> list[Answer]:
        """As :meth:`Clearance.submit`, the documents of each message cleared by their
        partitions; cancellations and returns after the batch's other messages."""
        later = [i for i, s in enumerate(submissions) if isinstance(s.message, LIFECYCLE_MESSAGES)]
        first = [i for i in range(len(submissions)) if i not in set(later)]
        found: dict[int, Answer] = {}
        for group in (first, later):
            if not group:
                continue
            whole = [i for i in group if not is_partitioned(submissions[i].message)]
            parted = [i for i in group if is_partitioned(submissions[i].message)]
            if whole:
                done = super().submit([submissions[i] for i in whole], admission=admission)
                found.update(zip(whole, done, strict=True))
            if parted:
                done = self._partitioned([submissions[i] for i in parted], admission)
                found.update(zip(parted, done, strict=True))
        return [found[i] for i in range(len(submissions))]

    def _partitioned(
        self, submissions: Sequence[Submission], admission: Admission | None
    ) -> list[Answer]:
        try:
            return self._partitioned_once(submissions, admission)
        except ConcurrentWrite:  # another filer recorded one of the guids first: a replay now
            return self._partitioned_once(submissions, admission)

    def _partitioned_once(
        self, submissions: Sequence[Submission], admission: Admission | None
    ) -> list[Answer]:
        now = self._clock()
        checked = [
            s if s.check is not None else msgspec.structs.replace(
                s, check=check_message(s.message, codes=self._codes, spec=s.spec, now=now)
            )
            for s in submissions
        ]  # fmt: skip
        claimant = cast(Portable, admission).portable() if _is_portable(admission) else None
        answers: list[Answer] = []
        replays: list[str] = []
        works: list[Work] = []
        with self._inbox.transaction() as uow:
            known = uow.message_digests([s.message.guid for s in checked])
            refused = admission.refused(uow, [s.message for s in checked]) if admission else {}
            fresh: list[Submission] = []
            entries: list[InboxEntry] = []
            for sub in checked:
                guid = sub.message.guid
                answers.append(Answer(guid=guid, receipts=[]))
                if guid in refused:
                    answers[-1] = Answer(guid=guid, receipts=[], refused=refused[guid])
                elif guid in known:
                    if known[guid] == sub.digest:
                        replays.append(guid)
                        answers[-1] = Answer(guid=guid, receipts=[], replayed=True)
                    else:
                        answers[-1] = guid_reused(guid)
                else:
                    known[guid] = sub.digest
                    fresh.append(sub)
                    parts = self._works(sub, claimant)
                    works.extend(parts)
                    entries.append(
                        InboxEntry(
                            guid=guid,
                            digest=sub.digest,
                            received_at=sub.received_at,
                            partitions=tuple(w.partition for w in parts),
                            body=msgspec.json.encode(Filed(submission=sub, claimant=claimant)),
                        )
                    )
            uow.add_messages([message_record(s) for s in fresh])
            uow.add_inbox(entries, now)
            if admission is not None and fresh:  # the guid is the filer's from now on
                admission.accepted(uow, [(s.message, []) for s in fresh])
            uow.commit()
        works.extend(self.works_of(self._inbox.pending(replays)))
        if works:
            self.dispatch.send(works, admission)
        guids = [a.guid for a in answers if not a.refused]
        self.dispatch.wait(guids)
        return self._answers(answers)

    def works_of(self, pending: dict[str, list[int]]) -> list[PartWork]:
        """The parts of ``pending`` (guid → partitions not done), rebuilt from the inbox."""
        if not pending:
            return []
        bodies = self._inbox.bodies(pending)
        found = []
        for guid, partitions in pending.items():
            filed = msgspec.json.decode(bodies[guid], type=Filed)
            wanted = set(partitions)
            found += [w for w in self._works(filed.submission, filed.claimant)
                      if w.partition in wanted]  # fmt: skip
        return found

    def stale_works(self, older_than: timedelta, limit: int = 1000) -> list[PartWork]:
        """The parts of messages recorded more than ``older_than`` ago and still not done
        (their filer stopped before sending them, or they were lost on the way): a worker
        sends them again."""
        guids = self._inbox.stale(self._clock() - older_than, limit)
        return self.works_of(self._inbox.pending(guids))

    def _works(self, submission: Submission, claimant: bytes | None) -> list[PartWork]:
        check = submission.check
        assert check is not None  # noqa: S101 - checked before it is recorded
        return [
            PartWork(
                partition=part.partition,
                submission=msgspec.structs.replace(
                    submission,
                    message=part.message,
                    check=part_check(check, part.positions),
                    positions=part.positions,
                ),
                claimant=claimant,
            )
            for part in split(submission.message, self.partitions)
        ]

    def _answers(self, answers: list[Answer]) -> list[Answer]:
        guids = [a.guid for a in answers if not a.refused]
        refusals = self._inbox.refusals(guids) if guids else {}
        by_guid: dict[str, list[ReceiptRecord]] = {}
        for record in self._inbox.receipts(guids) if guids else []:
            by_guid.setdefault(record.message_guid, []).append(record)
        found = []
        for answer in answers:
            if answer.refused:
                found.append(answer)
            elif answer.guid in refusals:
                violations = msgspec.json.decode(refusals[answer.guid], type=list[Violation])
                found.append(Answer(guid=answer.guid, receipts=[], refused=violations))
            else:
                receipts = by_guid.get(answer.guid, [])
                found.append(msgspec.structs.replace(answer, receipts=receipts))
        return found


def _is_portable(admission: Admission | None) -> bool:
    return admission is not None and callable(getattr(admission, "portable", None))
