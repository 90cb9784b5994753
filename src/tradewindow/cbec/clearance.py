"""The CBEC import clearance service: messages in, decisions and receipts out.

One call of :meth:`Clearance.submit` handles a batch of messages in one unit of work:

1. **Idempotency** — a message guid seen before with the same bytes gets its stored answer
   again; with different bytes it is refused (``CEB.guid.reused``) and nothing is stored.
2. **Validation** — every document is checked (``rules.check_message``, before the unit of
   work opens: it reads nothing stored); a document with violations is returned (100) with
   all of them listed.
3. **Declaration** — appType 1 / 2 / 3 (new / change / delete) applied to the stored state,
   following the spec's rules for re-declaration (see :mod:`tradewindow.cbec.declarations`).
4. **Matching** — every inventory list touched by the batch (new, changed, or waiting for a
   companion that just arrived) is matched against its order, payment and waybill; a list
   whose companions are missing waits; mismatches return it with every differing field.
5. **Quota, tax, risk, decision** — see :mod:`tradewindow.cbec.decision`.

Receipts are stored in the same transaction as the state they describe, and the caller gets
them only after the commit: nothing is acknowledged before it is durable.

(Over 400 lines: the service's steps above are one unit of work; each delegates to its own
module, and what is left is their order and the transaction around them.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

import msgspec

from tradewindow.cbec.bonded import StockEntry, StockRow, entry_violations, report
from tradewindow.cbec.customs_gate import CustomsOnly
from tradewindow.cbec.decision import Decider
from tradewindow.cbec.declarations import Batch
from tradewindow.cbec.documents import (
    LIFECYCLE_MESSAGES,
    CancelMessage,
    Inventory,
    InvtCancel,
    InvtRefund,
    Message,
    RefundMessage,
    SpecVersion,
    message_type,
)
from tradewindow.cbec.keys import identity, kind_of, waybill_key
from tradewindow.cbec.lifecycle.apply import Lifecycle, Preview
from tradewindow.cbec.lifecycle.parcels import GateCheck, may_leave, wholly_returned
from tradewindow.cbec.ports import (
    CBEC_LIFECYCLE,
    Admission,
    ClearanceStore,
    CodeTables,
    DocKind,
    DocRef,
    EvidenceItem,
    EvidenceRecorder,
    Guarantee,
    LifecycleRecords,
    ListDecided,
    MessageRecord,
    ParcelNoted,
    ReceiptRecord,
    ReleaseGate,
    StockMove,
    UnitOfWork,
)
from tradewindow.cbec.rules import MessageCheck, check_message
from tradewindow.cbec.settlement import (
    BillAccount,
    BillStatus,
    Payment,
    StatementRow,
    payment_violations,
    statement,
)
from tradewindow.cbec.tax import RateTable
from tradewindow.transaction import ConcurrentWrite
from tradewindow.violations import Violation


class Submission(msgspec.Struct, frozen=True, kw_only=True):
    """A decoded message as received: its exact bytes' digest and when it arrived."""

    message: Message
    digest: str
    received_at: datetime
    spec: SpecVersion = SpecVersion.V202205
    actor: str | None = None  # the authenticated party, when known (else the sender code)
    signature: str | None = None  # the verified signature value, for the evidence log
    # a partition's part of a message (cbec.partitions): the whole message's check as the
    # part sees it, and where each of its documents stood in the message (0-based)
    check: MessageCheck | None = None
    positions: tuple[int, ...] | None = None


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """What one submitted message got back."""

    guid: str
    receipts: list[ReceiptRecord]
    replayed: bool = False  # the same message was cleared before; this is its stored answer
    refused: list[Violation] = msgspec.field(default_factory=list)  # message-level refusal


class Clearance:
    def __init__(
        self,
        store: ClearanceStore,
        *,
        codes: CodeTables,
        rates: RateTable,
        match_timeout: timedelta,
        clock: Callable[[], datetime],
        gate: ReleaseGate | None = None,
        evidence: EvidenceRecorder | None = None,
        on_decided: Callable[[list[ListDecided]], None] | None = None,
        on_parcels: Callable[[list[ParcelNoted]], None] | None = None,
    ) -> None:
        self._store = store
        self._codes = codes
        self._gate = gate or CustomsOnly()
        self._decider = Decider(rates, self._gate)
        self._match_timeout = match_timeout
        self._clock = clock
        self._evidence = evidence
        self._on_decided = on_decided
        self._on_parcels = on_parcels

    def submit(
        self, submissions: Sequence[Submission], *, admission: Admission | None = None
    ) -> list[Answer]:
        """Clear a batch of messages; returns one answer per submission, in order.

        ``admission`` (the filing use case's ownership claims) refuses messages whose guid or
        documents are another party's, and claims what was stored, in this unit of work.
        When another process stored one of the same messages or documents first, the batch
        is run again once: it then sees the other's result (a replay, a duplicate).

        Cancellations, returns, statuses and deliveries are cleared after the batch's other
        messages, in a unit of work of their own: they then see the lists those declared and
        decided (a cancellation sent together with its list finds it)."""
        later = [i for i, s in enumerate(submissions) if isinstance(s.message, LIFECYCLE_MESSAGES)]
        if not later or len(later) == len(submissions):
            return self._submit_once(submissions, admission)
        first = [i for i in range(len(submissions)) if i not in set(later)]
        found: dict[int, Answer] = {}
        for group in (first, later):
            done = self._submit_once([submissions[i] for i in group], admission)
            found.update(zip(group, done, strict=True))
        return [found[i] for i in range(len(submissions))]

    def _submit_once(
        self, submissions: Sequence[Submission], admission: Admission | None
    ) -> list[Answer]:
        try:
            return self._submit(submissions, admission)
        except ConcurrentWrite:
            return self._submit(submissions, admission)

    def _submit(
        self, submissions: Sequence[Submission], admission: Admission | None
    ) -> list[Answer]:
        now = self._clock()
        # validation needs nothing stored: done before the unit of work, which holds the
        # database's write order (see SqlStore.unit_of_work) no longer than it must
        checks = [
            check_message(sub.message, codes=self._codes, spec=sub.spec, now=now)
            if sub.check is None
            else sub.check
            for sub in submissions
        ]
        with self._store.unit_of_work() as uow:
            known = uow.message_digests([s.message.guid for s in submissions])
            refused = admission.refused(uow, [s.message for s in submissions]) if admission else {}
            batch = Batch(uow, now)
            answers_: list[Answer] = []
            replays: list[str] = []
            fresh: list[Submission] = []
            fresh_checks: list[MessageCheck] = []
            for sub, check in zip(submissions, checks, strict=True):
                guid = sub.message.guid
                if guid in refused:
                    answers_.append(Answer(guid=guid, receipts=[], refused=refused[guid]))
                    continue
                if guid in known:
                    if known[guid] == sub.digest:
                        replays.append(guid)
                        answers_.append(Answer(guid=guid, receipts=[], replayed=True))
                    else:
                        answers_.append(guid_reused(guid))
                    continue
                known[guid] = sub.digest
                fresh.append(sub)
                fresh_checks.append(check)
                answers_.append(Answer(guid=guid, receipts=[]))
            batch.prefetch([s.message for s in fresh])
            after = [s.message for s in fresh if isinstance(s.message, LIFECYCLE_MESSAGES)]
            lifecycle = Lifecycle(batch, self._gate) if after else None
            if lifecycle is not None:
                lifecycle.prefetch(after)
            records = []
            for sub, check in zip(fresh, fresh_checks, strict=True):
                message = sub.message
                if isinstance(message, LIFECYCLE_MESSAGES):
                    assert lifecycle is not None  # noqa: S101 - made when there is one
                    actor = sub.actor or message.base_transfer.cop_code
                    lifecycle.apply(message, check, actor, sub.positions)
                else:
                    batch.declare(message, check, sub.positions)
                records.append(message_record(sub))
            uow.add_messages(records)
            self._decider.decide(batch)
            batch.flush()
            if lifecycle is not None:
                lifecycle.flush()
                batch.effects.extend(lifecycle.effects)
            if admission is not None:
                admission.accepted(uow, [(s.message, _stored_by(batch, s.message)) for s in fresh])
            self._record(uow, now, fresh, batch)
            # a replay of a message first received in this batch is answered by what the
            # batch made (``_attach``); reading it back as well would answer it twice
            first_here = {s.message.guid for s in fresh}
            earlier = [guid for guid in replays if guid not in first_here]
            stored = uow.receipts_for_messages(earlier) if earlier else []
            answered = _attach(answers_, batch.receipts, stored)
            # the filer's own records of its requests (cbec.admissions.Answering), in this commit
            if (hook := getattr(admission, "answered", None)) is not None:
                hook(uow, answered)
            uow.commit()
        self._publish(batch)
        return answered

    def expire_waiting(self, limit: int = 10_000) -> list[ReceiptRecord]:
        """Return lists that waited longer than the match timeout; their receipts."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            batch = Batch(uow, now)
            for stored in uow.expired_waiting(now - self._match_timeout, limit):
                batch.time_out(stored)
            batch.flush()
            self._record(uow, now, [], batch)
            uow.commit()
        self._publish(batch)
        return batch.receipts

    def settle(self, keys: Sequence[str], *, reason: str) -> list[ReceiptRecord]:
        """Follow the agencies' combined verdict on lists they decided, and on returns an
        officer reviewed (``keys`` of either); their new receipts.

        ``reason`` names what happened (e.g. ``decision:<task id>``); it becomes the receipts'
        message guid, so ``answer_for(reason)`` finds them again.
        """
        now = self._clock()
        with self._store.unit_of_work() as uow:
            batch = Batch(uow, now)
            refunds = sorted(uow.documents(DocKind.REFUND, keys)) if keys else []
            self._decider.settle(batch, [k for k in keys if k not in set(refunds)], reason)
            lifecycle = Lifecycle(batch, self._gate) if refunds else None
            if lifecycle is not None:  # returns an officer decided
                lifecycle.settle_returns(refunds, reason)
            batch.flush()
            if lifecycle is not None:
                lifecycle.flush()
                batch.effects.extend(lifecycle.effects)
            self._record(uow, now, [], batch)
            uow.commit()
        self._publish(batch)
        return batch.receipts

    def _publish(self, batch: Batch) -> None:
        """Decisions reached, to whoever follows them (e.g. the last-mile customs events),
        after the commit: nothing is announced that is not durable."""
        if self._on_decided is not None and batch.decided:
            self._on_decided(batch.decided)
        if self._on_parcels is not None and batch.noted:
            self._on_parcels(batch.noted)

    def _record(
        self, uow: UnitOfWork, now: datetime, fresh: Sequence[Submission], batch: Batch
    ) -> None:
        """Every accepted message and every receipt, into the evidence log, in this
        transaction: the log and the clearance state commit together or not at all."""
        if self._evidence is None:
            return
        items = [
            EvidenceItem(
                kind="message_accepted",
                subjects=(sub.message.guid, *{identity(d) for d in sub.message.documents}),
                payload_digest=sub.digest,
                actor=sub.actor or sub.message.base_transfer.cop_code,
                signature=sub.signature,
            )
            for sub in fresh
        ]
        items += [
            EvidenceItem(
                kind="tax_bill" if r.receipt_type == "CEB816" else "receipt",
                subjects=(r.message_guid, r.doc_key),
                payload_digest=hashlib.sha256(r.body).hexdigest(),
                actor="platform",
            )
            for r in batch.receipts
        ]
        items += batch.effects
        self._evidence.record(uow, items, now)

    def answer_for(self, guid: str) -> list[ReceiptRecord]:
        """The receipts stored for one message guid (empty when unknown)."""
        with self._store.unit_of_work() as uow:
            return uow.receipts_for_messages([guid])

    def preview(self, message: CancelMessage | RefundMessage) -> list[Preview]:
        """What each cancellation or return of ``message`` would do if filed now (the portal's
        live check): its violations, or the quota and tax it gives back. Nothing is stored."""
        now = self._clock()
        check = check_message(message, codes=self._codes, spec=SpecVersion.V202205, now=now)
        with self._store.unit_of_work() as uow:  # read only: never committed
            lifecycle = Lifecycle(Batch(uow, now), self._gate)
            lifecycle.prefetch([message])
            documents: Sequence[InvtCancel | InvtRefund] = message.documents
            return [
                lifecycle.preview(
                    document,
                    [*check.message, *check.documents.get(index, [])],
                )
                for index, document in enumerate(documents)
            ]

    def parcel_gate(self, logistics_code: str, logistics_no: str) -> GateCheck:
        """May this parcel leave the supervised site (``cbec.lifecycle.parcels.may_leave``):
        its list released, not cancelled nor wholly returned, and the parcel arrived; with
        when it arrived and when it was signed for, if it was."""
        parcel = waybill_key(logistics_code, logistics_no)
        with self._store.unit_of_work() as uow:
            records = uow.part(CBEC_LIFECYCLE)
            key = records.list_of_parcel(parcel)
            stored = uow.documents(DocKind.INVENTORY, [key]).get(key) if key else None
            events = records.parcel_events([parcel])
            returned = records.returned_lines([key]) if key else []
        arrived = min((e.at for e in events if e.kind == "arrived"), default=None)
        signed = min((e.at for e in events if e.kind == "signed"), default=None)
        if stored is None:
            check = may_leave(None, arrived)
        else:
            inventory = msgspec.json.decode(stored.body, type=Inventory)
            check = may_leave(stored.status, arrived, wholly_returned(inventory, returned))
        return msgspec.structs.replace(check, arrived_at=arrived, signed_at=signed)

    def enter_stock(self, entries: Sequence[StockEntry], actor: str) -> list[Violation]:
        """Record goods brought into bonded account books (all or none: every violation of
        every entry, or nothing), each with its evidence record, in one unit of work."""
        found = [v for index, e in enumerate(entries, 1) for v in entry_violations(e, index)]
        if found or not entries:
            return found
        now = self._clock()
        with self._store.unit_of_work() as uow:
            batch = Batch(uow, now)
            batch.stock().move(
                (
                    StockMove(ems_no=e.ems_no, item=e.item_record_no, qty=e.qty, cause="entry",
                              ref=e.source_declaration, at=now)
                    for e in entries
                ),
                actor,
            )  # fmt: skip
            batch.flush()
            self._record(uow, now, [], batch)
            uow.commit()
        return []

    # --- tax settlement (cbec.settlement) -------------------------------------------------

    def set_guarantee(self, agent: str, amount: Decimal) -> None:
        """Record (or change) the agent's tax guarantee; lists held for it may go now."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            records = uow.part(CBEC_LIFECYCLE)
            first = records.guarantee(agent) is None
            records.set_guarantee(agent, amount, now)
            if first:  # the agent's unpaid bills on file use it from the start
                owed = sum((b.outstanding for b in _accounts(records, agent=agent)), Decimal(0))
                records.use_guarantee(agent, owed)
            batch = Batch(uow, now)
            self._decider.release_held(batch, records.holds(agent), f"guarantee:{agent}")
            batch.flush()
            self._record(uow, now, [], batch)
            uow.commit()
        self._publish(batch)

    def guarantee(self, agent: str) -> Guarantee | None:
        with self._store.unit_of_work() as uow:
            return uow.part(CBEC_LIFECYCLE).guarantee(agent)

    def record_payment(
        self, agent: str, payment: Payment
    ) -> tuple[list[Violation], list[ReceiptRecord]]:
        """Record the agent's payment of one bill (idempotent by its id): the guarantee it
        used is freed and the lists held for it released where it now covers them. Returns
        the refusal's violations (nothing recorded), or the release receipts it made."""
        now = self._clock()
        with self._store.unit_of_work() as uow:
            records = uow.part(CBEC_LIFECYCLE)
            before = records.payment(payment.payment_id)
            earlier = (
                None
                if before is None
                else Payment(payment_id=payment.payment_id, tax_no=before[0], amount=before[2],
                             paid_at=before[3])
            )  # fmt: skip
            bill = next(iter(_accounts(records, tax_nos=[payment.tax_no])), None)
            found = payment_violations(payment, bill, agent, earlier, now)
            if found or earlier is not None:
                return found, []
            assert bill is not None  # noqa: S101 - payment_violations found it
            records.add_payment(payment.payment_id, payment.tax_no, bill.agent, payment.amount,
                                payment.paid_at, now)  # fmt: skip
            batch = Batch(uow, now)
            batch.guarantees().use(bill.agent, -payment.amount)
            batch.effects.append(
                EvidenceItem(
                    kind="tax_paid",
                    subjects=(payment.tax_no, payment.payment_id, bill.list_key),
                    payload_digest=hashlib.sha256(msgspec.json.encode(payment)).hexdigest(),
                    actor=agent,
                )
            )
            batch.guarantees().flush()
            held = records.holds(bill.agent)
            self._decider.release_held(batch, held, f"payment:{payment.payment_id}")
            batch.flush()
            self._record(uow, now, [], batch)
            uow.commit()
        self._publish(batch)
        return [], batch.receipts

    def tax_bills_of(self, agent: str | None = None) -> list[BillAccount]:
        """Every bill (of one withholding agent) as settlement sees it."""
        with self._store.unit_of_work() as uow:
            return _accounts(uow.part(CBEC_LIFECYCLE), agent=agent)

    def tax_statement(self, agent: str, month: str) -> list[StatementRow]:
        """The agent's bills released in ``month`` (YYYY-MM), with what is due and paid."""
        return statement(self.tax_bills_of(agent), month, self._clock())

    def overdue_bills(self) -> list[BillAccount]:
        """Bills unpaid after their 45th day, for customs."""
        now = self._clock()
        return [b for b in self.tax_bills_of() if b.status(now) is BillStatus.OVERDUE]

    def stock_report(self, ems_no: str | None = None) -> list[StockRow]:
        """Every item's account (of one account book): entered, released, restored, balance."""
        with self._store.unit_of_work() as uow:
            return report(uow.part(CBEC_LIFECYCLE).stock_moves(ems_no))

    def receipts_of_documents(self, guids: Sequence[str]) -> list[ReceiptRecord]:
        """Every receipt of the documents these messages declared, in the order made: the
        answer to filing and every decision since (a release after an agency's decision, the
        tax bill, a return after a timeout). Empty for guids never answered."""
        with self._store.unit_of_work() as uow:
            answered = uow.receipts_for_messages(guids)
            documents = {(r.kind, r.doc_key) for r in answered if r.kind != "message"}
            found = uow.receipts_for_documents({key for _, key in documents})
        return [r for r in found if (r.kind, r.doc_key) in documents]

    def receipts_since(self, since: datetime, limit: int = 100_000) -> list[ReceiptRecord]:
        """Up to ``limit`` receipts made at or after ``since``, in the order made."""
        with self._store.unit_of_work() as uow:
            return uow.receipts_since(since, limit)


def _accounts(
    records: LifecycleRecords,
    *,
    agent: str | None = None,
    tax_nos: Sequence[str] | None = None,
) -> list[BillAccount]:
    bills = records.bill_agents(agent=agent, tax_nos=tax_nos)
    numbers = [b.tax_no for b in bills]
    changed: dict[str, Decimal] = {}
    for a in records.adjustments(numbers) if numbers else []:
        total = a.customs_tax + a.value_added_tax + a.consumption_tax
        changed[a.tax_no] = changed.get(a.tax_no, Decimal(0)) + total
    paid = records.payments(numbers) if numbers else {}
    return [
        BillAccount(
            tax_no=b.tax_no,
            invt_no=b.invt_no,
            list_key=b.list_key,
            agent=b.agent,
            released_at=b.released_at,
            charged=max(b.issued + changed.get(b.tax_no, Decimal(0)), Decimal(0)),
            paid=paid.get(b.tax_no, Decimal(0)),
        )
        for b in bills
    ]


def message_record(sub: Submission) -> MessageRecord:
    message = sub.message
    return MessageRecord(
        guid=message.guid,
        message_type=message_type(message),
        sender=message.base_transfer.cop_code,
        digest=sub.digest,
        received_at=sub.received_at,
        document_count=len(message.documents),
    )


def _stored_by(batch: Batch, message: Message) -> list[DocRef]:
    """The documents of ``message`` that it stored (the batch's state names it as the message
    that last declared them): not those refused, staged, or answered without storing."""
    found = []
    for document in message.documents:
        kind, key = kind_of(document), identity(document)
        stored = batch.stored(kind, key)
        if stored is not None and stored.message_guid == message.guid:
            found.append((kind.value, key))
    return list(dict.fromkeys(found))


def guid_reused(guid: str) -> Answer:
    violation = Violation(
        path="@guid",
        code="CEB.guid.reused",
        en="this message guid was already used for a message with different content",
        zh="报文编号已被内容不同的报文使用",
    )
    return Answer(guid=guid, receipts=[], refused=[violation])


def _attach(
    answers_: list[Answer], made: list[ReceiptRecord], stored: list[ReceiptRecord]
) -> list[Answer]:
    by_guid: dict[str, list[ReceiptRecord]] = {}
    for record in (*stored, *made):
        by_guid.setdefault(record.message_guid, []).append(record)
    return [
        a if a.refused else msgspec.structs.replace(a, receipts=by_guid.get(a.guid, []))
        for a in answers_
    ]


__all__ = ["Answer", "Clearance", "Submission"]
