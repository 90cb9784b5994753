"""Applying CEB623 / 625 / 513 / 711 in the clearance unit of work (:class:`Lifecycle`).

For each document, in message order: its own violations (``rules.lifecycle``) or the
violations its stored list or waybill gives (:mod:`.cancellation`, :mod:`.returns`,
:mod:`.parcels`) return it (100) with every one listed; otherwise its effects are made in
the same transaction as its receipt:

- cancellation: the list's status ``cancelled``; if it was released, the buyer's annual
  total less its value and its tax bill voided of what it still charged; receipt CEB624 399;
- return: the lines returned (never above what is left), the annual total less their value,
  the bill less their tax (void once nothing is left to charge); receipt CEB626 399;
- waybill status: the parcel signed for (it left the site); receipt CEB514 120;
- delivery: each listed parcel arrived at the site, an entry number (rkdNo); CEB712 120.

Every effect is an evidence record (``effects``), and the state a later document of the same
batch reads includes what an earlier one changed.

(Over 400 lines: the effects of the four lifecycle documents go through one :class:`Lifecycle`
over the unit of work and share its evidence and receipt helpers.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import msgspec

from tradewindow.cbec import answers
from tradewindow.cbec.bonded import is_bonded, moves_of, returned_quantities
from tradewindow.cbec.declarations import Batch
from tradewindow.cbec.documents import (
    CHINA_TZ,
    AppType,
    CancelMessage,
    Delivery,
    Inventory,
    InvtCancel,
    InvtRefund,
    LifecycleDocument,
    LifecycleMessage,
    LogisticsStatus,
    RefundMessage,
    Waybill,
    WaybillStatusMessage,
    parse_app_time,
)
from tradewindow.cbec.keys import identity, list_key, waybill_key
from tradewindow.cbec.lifecycle.cancellation import cancel_violations, cancellation
from tradewindow.cbec.lifecycle.parcels import status_violations, unknown_parcels
from tradewindow.cbec.lifecycle.returns import return_violations, returned_lines
from tradewindow.cbec.lifecycle.state import Bill, ListState, Taxes, bill_of
from tradewindow.cbec.ports import (
    CBEC_LIFECYCLE,
    DocKind,
    DocStatus,
    EvidenceItem,
    GateOutcome,
    ParcelEvent,
    ParcelNoted,
    ReleaseGate,
    ReturnedLine,
    TaxAdjustment,
)
from tradewindow.cbec.receipts import ReturnStatus
from tradewindow.cbec.rules import MessageCheck
from tradewindow.violations import Violation, codes_of, summarise

_encode = msgspec.json.Encoder(decimal_format="string").encode
_REFUND = msgspec.json.Decoder(InvtRefund)


class Preview(msgspec.Struct, frozen=True, kw_only=True):
    """What a cancellation or return would do now, told before it is filed: every violation
    (nothing would happen), or the value taken off the buyer's annual total and the taxes
    taken off the bill (and for a return, the agency whose officer would decide it)."""

    violations: list[Violation]
    quota: Decimal = Decimal(0)
    taxes: Taxes = Taxes()
    reviewed_by: str | None = None


class Lifecycle:
    """The lifecycle documents of one clearance batch; :meth:`flush` writes what they did."""

    def __init__(self, batch: Batch, gate: ReleaseGate) -> None:
        self.batch = batch
        self.gate = gate
        self.records = batch.uow.part(CBEC_LIFECYCLE)
        self.effects: list[EvidenceItem] = []
        self._states: dict[str, ListState | None] = {}
        self._parcels: dict[str, list[ParcelEvent]] = {}
        self._adjustments: list[TaxAdjustment] = []
        self._returned: list[ReturnedLine] = []
        self._events: list[ParcelEvent] = []
        self._unsigned: list[str] = []
        self._settled: list[tuple[str, DocStatus]] = []  # returns an officer decided

    # --- reading ---------------------------------------------------------------------------

    def prefetch(self, messages: Sequence[LifecycleMessage]) -> None:
        """Load, in a few queries, the lists, waybills and parcels these messages name."""
        lists: set[str] = set()
        waybills: set[str] = set()
        for message in messages:
            if isinstance(message, CancelMessage | RefundMessage):
                lists.update(list_key(d) for d in message.documents)
            elif isinstance(message, WaybillStatusMessage):
                waybills.update(identity(d) for d in message.statuses)
            else:
                for delivery in message.deliveries:
                    code = delivery.head.logistics_code
                    waybills.update(waybill_key(code, item.logistics_no) for item in delivery.items)
        stored = self.batch.uow.documents(DocKind.INVENTORY, lists) if lists else {}
        for key in lists:
            self.batch.remember(DocKind.INVENTORY, key, stored.get(key))
        for key in sorted(lists):
            inventory = self.batch.live_or_any(DocKind.INVENTORY, key)
            if isinstance(inventory, Inventory):
                head = inventory.head
                waybills.add(waybill_key(head.logistics_code, head.logistics_no))
        found = self.batch.uow.documents(DocKind.WAYBILL, waybills) if waybills else {}
        for key in waybills:
            self.batch.remember(DocKind.WAYBILL, key, found.get(key))
        for event in self.records.parcel_events(waybills) if waybills else []:
            self._parcels.setdefault(event.waybill_key, []).append(event)
        self._load_lists(lists)

    def _load_lists(self, keys: set[str]) -> None:
        if not keys:
            return
        released = self.records.released_at(keys)
        bills = self.records.tax_bills(keys)
        adjustments = self.records.adjustments([b.tax_no for b in bills.values()])
        returned: dict[str, list[ReturnedLine]] = {}
        for line in self.records.returned_lines(keys):
            returned.setdefault(line.list_key, []).append(line)
        for key in keys:
            stored = self.batch.stored(DocKind.INVENTORY, key)
            if stored is None:
                self._states[key] = None
                continue
            inventory = self.batch.document(stored)
            assert isinstance(inventory, Inventory)  # noqa: S101 - kind-keyed
            head = inventory.head
            parcel = waybill_key(head.logistics_code, head.logistics_no)
            arrived, signed = self._parcel_times(parcel)
            bill = bills.get(key)
            self._states[key] = ListState(
                key=key,
                status=stored.status,
                inventory=inventory,
                released_at=released.get(key),
                bill=bill_of(bill, adjustments) if bill is not None else None,
                returned=tuple(returned.get(key, ())),
                arrived_at=arrived,
                signed_at=signed,
            )

    def _parcel_times(self, parcel: str) -> tuple[datetime | None, datetime | None]:
        events = self._parcels.get(parcel, [])
        arrived = min((e.at for e in events if e.kind == "arrived"), default=None)
        signed = min((e.at for e in events if e.kind == "signed"), default=None)
        return arrived, signed

    # --- applying --------------------------------------------------------------------------

    def apply(
        self,
        message: LifecycleMessage,
        check: MessageCheck,
        actor: str,
        positions: Sequence[int] | None = None,
    ) -> None:
        documents: Sequence[LifecycleDocument] = message.documents
        for index, document in enumerate(documents):
            place = positions[index] if positions is not None else index
            prefix = f"{type(document).element}[{place + 1}]"
            violations = [*check.message, *check.documents.get(index, [])]
            if not violations:
                violations = [v.at(prefix) for v in self._stateful(document)]
            if violations:
                self._answer(
                    document,
                    ReturnStatus.RETURNED,
                    summarise(violations),
                    message.guid,
                    codes_of(violations),
                )
                continue
            if _staged(document):
                self._answer(
                    document, ReturnStatus.STAGED, "staged, not declared / 已暂存", message.guid
                )
                continue
            self._effect(document, message.guid, actor)

    def _stateful(self, document: LifecycleDocument) -> list[Violation]:
        if isinstance(document, InvtCancel):
            return cancel_violations(document, self._states.get(list_key(document)))
        if isinstance(document, InvtRefund):
            return return_violations(document, self._states.get(list_key(document)), self.batch.now)
        if isinstance(document, LogisticsStatus):
            key = identity(document)
            on_file = self.batch.live_or_any(DocKind.WAYBILL, key) is not None
            return status_violations(document, on_file, self._parcel_times(key)[1])
        head = document.head
        parcels = {
            item.logistics_no
            for item in document.items
            if self.batch.live_or_any(
                DocKind.WAYBILL, waybill_key(head.logistics_code, item.logistics_no)
            )
            is not None
        }
        return unknown_parcels([i.logistics_no for i in document.items], parcels)

    def preview(self, document: InvtCancel | InvtRefund, own: list[Violation]) -> Preview:
        """The preview of one document (``own``: its document-level violations); nothing is
        written (the caller's unit of work is not committed)."""
        found = own or self._stateful(document)
        if found:
            return Preview(violations=found)
        state = self._states[list_key(document)]
        assert state is not None  # noqa: S101 - _stateful found the list
        if isinstance(document, InvtCancel):
            undone = cancellation(state)
            return Preview(violations=[], quota=undone.quota_restored, taxes=undone.taxes_voided)
        lines = returned_lines("preview", document, state, DocStatus.RELEASED, self.batch.now)
        reviewer = self.gate.review_return(
            self.batch.uow, "preview", {"refund": document, "inventory": state.inventory},
            self.batch.now,
        )  # fmt: skip
        taxes = Taxes()
        for line in lines:
            taxes = taxes + Taxes(line.customs_tax, line.value_added_tax, line.consumption_tax)
        value = sum((line.value for line in lines), Decimal(0))
        return Preview(violations=[], quota=value, taxes=taxes, reviewed_by=reviewer)

    def _effect(self, document: LifecycleDocument, guid: str, actor: str) -> None:
        if isinstance(document, InvtCancel):
            self._cancel(document, guid, actor)
        elif isinstance(document, InvtRefund):
            self._return(document, guid, actor)
        elif isinstance(document, LogisticsStatus):
            self._signed(document, guid, actor)
        else:
            self._arrived(document, guid, actor)

    def _cancel(self, cancel: InvtCancel, guid: str, actor: str) -> None:
        key = list_key(cancel)
        state = self._states[key]
        assert state is not None  # noqa: S101 - cancel_violations found the list
        undone = cancellation(state)
        self.batch.set_status(key, DocStatus.CANCELLED, f"cancelled / 已撤销: {cancel.reason}")
        told = self.gate.withdraw(
            self.batch.uow, key, f"withdrawn by CEB623 / 已撤销: {cancel.reason}", self.batch.now
        )
        self._states[key] = msgspec.structs.replace(state, status=DocStatus.CANCELLED)
        year = _year(state.inventory)
        stock = self.batch.stock() if is_bonded(state.inventory) else None
        if state.status is DocStatus.RELEASED and stock is not None and stock.took(key):
            back = moves_of(state.inventory, "cancel", identity(cancel), self.batch.now, +1)
            stock.move(back, actor)
        if undone.quota_restored:
            self._quota(state, -undone.quota_restored, year, identity(cancel), actor)
        if state.bill is not None and undone.taxes_voided.total:
            self._adjust(state, state.bill, -undone.taxes_voided, "cancel", identity(cancel), actor)
        self.batch.keep(cancel, DocStatus.ACCEPTED, guid)
        self._answer(cancel, ReturnStatus.CONCLUDED, "cancelled / 撤销成功", guid)
        self._evidence("list_cancelled", (key, identity(cancel), *told), undone, actor)

    def _return(self, refund: InvtRefund, guid: str, actor: str) -> None:
        key = list_key(refund)
        state = self._states[key]
        assert state is not None  # noqa: S101 - return_violations found the list
        ref = identity(refund)
        batch = self.batch
        reviewer = self.gate.review_return(
            batch.uow, ref, {"refund": refund, "inventory": state.inventory}, batch.now
        )
        status = DocStatus.PENDING if reviewer else DocStatus.RELEASED
        lines = returned_lines(ref, refund, state, status, batch.now)
        self._returned.extend(lines)
        self._states[key] = msgspec.structs.replace(state, returned=(*state.returned, *lines))
        batch.keep(refund, DocStatus.PENDING if reviewer else DocStatus.ACCEPTED, guid)
        if reviewer:
            info = f"waiting for {reviewer}'s officer / 等待{reviewer}审核"
            self._answer(refund, ReturnStatus.ACCEPTED, info, guid)
            return
        self._take_effect(key, ref, lines, actor)
        self._answer(refund, ReturnStatus.CONCLUDED, "return accepted / 退货成功", guid)

    def _take_effect(self, key: str, ref: str, lines: Sequence[ReturnedLine], actor: str) -> None:
        """An accepted return: the annual total less the lines' value, the bill less their
        tax (void once nothing is left), and their evidence."""
        state = self._states[key]
        assert state is not None  # noqa: S101 - the caller loaded it
        value = sum((line.value for line in lines), Decimal(0))
        taxes = Taxes()
        for line in lines:
            taxes = taxes + Taxes(line.customs_tax, line.value_added_tax, line.consumption_tax)
        if is_bonded(state.inventory) and self.batch.stock().took(key):
            taken = returned_quantities(state.inventory, [(line.gnum, line.qty) for line in lines])
            self.batch.stock().move(
                moves_of(state.inventory, "return", ref, self.batch.now, +1, taken), actor
            )
        if value:
            self._quota(state, -value, _year(state.inventory), ref, actor)
        if state.bill is not None and taxes.total:
            self._adjust(state, state.bill, -taxes, "return", ref, actor)
        self._evidence("list_returned", (key, ref), list(lines), actor)

    def settle_returns(self, refs: Sequence[str], guid: str) -> None:
        """Returns an officer decided: follow the reviewing agency's verdict (released: the
        return takes effect, 399; refused: 100 with the officer's reason); still pending:
        nothing. ``refs`` are the returns' keys; ``guid`` names the decision."""
        batch = self.batch
        stored = batch.uow.documents(DocKind.REFUND, refs)
        pending = [s for s in stored.values() if s.status is DocStatus.PENDING]
        self._load_lists({s.order_ref for s in pending if s.order_ref})
        for refund_doc in pending:
            verdict = self.gate.verdict(batch.uow, refund_doc.key)
            refund = _REFUND.decode(refund_doc.body)
            key = list_key(refund)
            state = self._states.get(key)
            if state is None or verdict.outcome not in (GateOutcome.RELEASED, GateOutcome.REFUSED):
                continue
            mine = [r for r in state.returned if r.refund_key == refund_doc.key]
            accepted = verdict.outcome is GateOutcome.RELEASED
            status = DocStatus.RELEASED if accepted else DocStatus.RETURNED
            settled = [msgspec.structs.replace(r, status=status) for r in mine]
            others = [r for r in state.returned if r.refund_key != refund_doc.key]
            self._states[key] = msgspec.structs.replace(state, returned=(*others, *settled))
            self._settled.append((refund_doc.key, status))
            batch.keep(refund, DocStatus.ACCEPTED if accepted else DocStatus.RETURNED,
                       refund_doc.message_guid)  # fmt: skip
            if accepted:
                self._take_effect(key, refund_doc.key, settled, f"decision:{guid}")
                self._answer(
                    refund,
                    ReturnStatus.CONCLUDED,
                    verdict.info or "return accepted / 退货成功",
                    guid,
                )
            else:
                self._answer(refund, ReturnStatus.RETURNED, verdict.info, guid, verdict.codes)

    def _signed(self, status: LogisticsStatus, guid: str, actor: str) -> None:
        key = identity(status)
        at = parse_app_time(status.logistics_time) or self.batch.now
        events = self._parcels.setdefault(key, [])
        if status.app_type in (AppType.CHANGE, AppType.DELETE):
            self._unsigned.append(key)
            events[:] = [e for e in events if e.kind != "signed"]
            self._events = [
                e for e in self._events if not (e.waybill_key == key and e.kind == "signed")
            ]
        if status.app_type != AppType.DELETE:
            shipped = self.batch.live_or_any(DocKind.WAYBILL, key)
            self.batch.noted.append(
                ParcelNoted(
                    logistics_code=status.logistics_code,
                    logistics_no=status.logistics_no,
                    kind="signed",
                    at=at,
                    bill_no=shipped.head.bill_no if isinstance(shipped, Waybill) else None,
                    parties=(status.logistics_code,),
                )
            )
            event = ParcelEvent(
                waybill_key=key, kind="signed", at=at, ref_key=key, recorded_at=self.batch.now
            )
            events.append(event)
            self._events.append(event)
        self.batch.keep(status, DocStatus.ACCEPTED, guid)
        info = (
            "signature withdrawn / 签收已撤回"
            if status.app_type == AppType.DELETE
            else "signed for / 已签收"
        )
        self._answer(status, ReturnStatus.ACCEPTED, info, guid)
        self._evidence(
            "parcel_signed", (key,), {"at": at.isoformat(), "appType": status.app_type}, actor
        )

    def _arrived(self, delivery: Delivery, guid: str, actor: str) -> None:
        head = delivery.head
        ref = identity(delivery)
        keys = [waybill_key(head.logistics_code, item.logistics_no) for item in delivery.items]
        for key in keys:
            event = ParcelEvent(
                waybill_key=key,
                kind="arrived",
                at=self.batch.now,
                ref_key=ref,
                recorded_at=self.batch.now,
            )
            self._parcels.setdefault(key, []).append(event)
            self._events.append(event)
        self.batch.noted.extend(
            ParcelNoted(
                logistics_code=head.logistics_code,
                logistics_no=item.logistics_no,
                kind="arrived",
                at=self.batch.now,
                bill_no=head.bill_no,
                parties=(head.logistics_code, head.operator_code),
            )
            for item in delivery.items
        )
        rkd_no = self._number(head.customs_code, "R")
        self.batch.keep(delivery, DocStatus.ACCEPTED, guid)
        self._answer(
            delivery, ReturnStatus.ACCEPTED, f"arrived / 已入库 ({len(keys)})", guid, rkd_no=rkd_no
        )
        self._evidence("parcel_arrived", (ref, *keys), {"rkdNo": rkd_no}, actor)

    # --- effects ---------------------------------------------------------------------------

    def _quota(self, state: ListState, amount: Decimal, year: int, ref: str, actor: str) -> None:
        buyer = state.inventory.head.buyer_id_number
        increments = self.batch.buyer_increments
        increments[(buyer, year)] = increments.get((buyer, year), Decimal(0)) + amount
        self._evidence("quota_adjusted", (state.key, ref), {"year": year, "amount": amount}, actor)

    def _adjust(
        self, state: ListState, bill: Bill, delta: Taxes, cause: str, ref: str, actor: str
    ) -> None:
        adjustment = TaxAdjustment(
            tax_no=bill.tax_no,
            list_key=state.key,
            cause=cause,
            ref_key=ref,
            customs_tax=delta.customs_tax,
            value_added_tax=delta.value_added_tax,
            consumption_tax=delta.consumption_tax,
            at=self.batch.now,
        )
        self._adjustments.append(adjustment)
        # the agent's unpaid bills shrink: the guarantee they used is freed
        self.batch.guarantees().use(state.inventory.head.assure_code, delta.total)
        changed = msgspec.structs.replace(bill, adjustments=(*bill.adjustments, adjustment))
        self._states[state.key] = msgspec.structs.replace(
            self._states[state.key] or state, bill=changed
        )
        self._evidence("tax_bill_adjusted", (bill.tax_no, state.key, ref), adjustment, actor)

    def _answer(
        self,
        document: LifecycleDocument,
        status: str,
        info: str,
        guid: str,
        codes: tuple[str, ...] = (),
        rkd_no: str | None = None,
    ) -> None:
        invt_no = None
        if isinstance(document, InvtCancel | InvtRefund):
            state = self._states.get(list_key(document))
            invt_no = state.invt_no if state is not None else None
        customs = document.head.customs_code if not isinstance(document, LogisticsStatus) else ""
        batch = self.batch
        batch.receipts.append(
            answers.lifecycle_record(
                document,
                status,
                info,
                batch.now,
                guid,
                pre_no=self._number(customs, "9"),
                invt_no=invt_no,
                rkd_no=rkd_no,
                seq=len(batch.receipts),
                codes=codes,
            )
        )

    def _number(self, customs_code: str, mark: str) -> str:
        """An 18-character e-port number: year, customs office, a mark (9 for a pre-entry
        number, R for a warehouse entry) and a 9-digit serial, as a list's preNo."""
        year = self.batch.now.astimezone(CHINA_TZ).strftime("%Y")
        office = customs_code if len(customs_code) == 4 and customs_code.isascii() else "0000"
        return f"{year}{office}{mark}{self.batch.take('preNo' if mark == '9' else 'rkdNo'):09d}"

    def _evidence(self, kind: str, subjects: tuple[str, ...], payload: object, actor: str) -> None:
        digest = hashlib.sha256(_encode(payload)).hexdigest()
        self.effects.append(
            EvidenceItem(kind=kind, subjects=subjects, payload_digest=digest, actor=actor)
        )

    def flush(self) -> None:
        for ref, status in self._settled:
            self.records.set_return_status(ref, status)
        if self._returned:
            self.records.add_returned_lines(self._returned)
        if self._adjustments:
            self.records.add_adjustments(self._adjustments)
        for key in dict.fromkeys(self._unsigned):
            self.records.remove_parcel_events(key, "signed")
        if self._events:
            self.records.add_parcel_events(self._events)


def _staged(document: LifecycleDocument) -> bool:
    return document.head.app_status == "1"


def _year(inventory: Inventory) -> int:
    return int(inventory.head.decl_time[:4])


__all__ = ["Lifecycle", "Preview", "Taxes"]
