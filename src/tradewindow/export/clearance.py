"""``ClearExport``: the use case that clears one export message, whatever its type, in one
transaction, and answers it with its receipt (and the receipts of lists it moved on).

Rights (who may file what) are checked before, by the filing path; here every document of a
message is judged on its own: one refused document costs no other its answer. The same guid
filed again gets the same answer and stores nothing twice.

What each type does (see :mod:`tradewindow.export.flow` for the list's life):

* CEB303 / 403 / 505 — the order, receipt of payment or waybill is stored under its key and
  wakes the lists waiting for it;
* CEB603 — the list is checked (:mod:`.rules`); accepted with an invtNo once its mode's
  documents are on file and agree with it, else it waits (CEB604 returnStatus 2 naming what
  is missing) or is refused (100 with every code);
* CEB507 — each parcel's list counts as arrived (an arrival before its list is kept);
* CEB509 — each parcel leaves only when its list is released; the lists conclude (899);
* CEB605 — cancels a list until departure; CEB607 — links parcels to a master bill;
* CEB701 — a summary of departed lists that merge (:mod:`.summarising`); customs answers
  with CEB702 and a CEB792 naming the declaration, and every list points to its summary;
* CEB213 — a return of goods of a departed list, lines at most as declared; CEB215 — the
  tally of a returned parcel that a return announced.

(Over 400 lines: one handler per export message type, all in the one transaction of
:class:`ClearExport` with its shared idempotency and wake-up of waiting lists.)
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, TypeGuard, TypeVar

import msgspec

from tradewindow.cbec.documents import CHINA_TZ, parse_app_time
from tradewindow.cbec.receipts import ReturnStatus, return_time
from tradewindow.export import documents as d
from tradewindow.export import fields, flow, summarising
from tradewindow.export import receipts as r
from tradewindow.export.model import (
    Addressed,
    ExportAnswer,
    ExportList,
    ListsDeparted,
    ParcelDeparted,
    SummaryRecord,
    order_key,
    waybill_key,
)
from tradewindow.export.partitions import waybill_keys
from tradewindow.export.ports import ExportGate, ExportRecords, ExportStore
from tradewindow.export.rules import ExportContext, WarehouseValid, check_inventory, predicted
from tradewindow.export.sharing import ExportFiling, filing_key, order_key_of
from tradewindow.export.summary import WorkingDays, policy_on
from tradewindow.export.summary import summarise as summarise_lists
from tradewindow.export.warehouses import Warehouse, check_registration
from tradewindow.filing.refusals import FilingRefused
from tradewindow.violations import Rejected, Violation, summarise

# the agencies a list must wait for, given it and its documents (the data-sharing policy's
# routing: ``sharing.policy_routing``)
Routing = Callable[[ExportFiling], frozenset[str]]
S = TypeVar("S", bound=msgspec.Struct)


class Unfit(Rejected):
    """A message breaking the export XSD's facets (lengths, presence, number bounds): refused
    whole, every fault named, nothing stored (a 422 on the API, a CEB900 from the CLI)."""

    @property
    def code(self) -> str:
        return self.violations[0].code


_REFUSED = ReturnStatus.RETURNED.value
_KIND_OF = {
    "CEB303": flow.DocKind.ORDER,
    "CEB403": flow.DocKind.RECEIPT,
    "CEB505": flow.DocKind.WAYBILL,
}


class ClearExport:
    """See the module docstring. ``context`` gives the rules' code tables, controls and
    rates; ``routing`` the agencies each accepted list waits for."""

    def __init__(
        self,
        store: ExportStore,
        context: ExportContext,
        routing: Routing,
        calendar: WorkingDays | None = None,
        on_departed: Callable[[Sequence[ListsDeparted]], None] | None = None,
        gate: ExportGate | None = None,
    ) -> None:
        self.store = store
        self.context = context
        self.routing = routing
        self.calendar = calendar or WorkingDays()
        self.on_departed = on_departed  # told after the commit (the DCSA departure events)
        self.gate = gate  # the agencies' tasks and notices of each accepted list

    def __call__(self, message: d.ExportMessage, sender: str, at: datetime) -> ExportAnswer:
        code = d.message_type(message)
        check_fit(message)
        with self.store.writing() as records:
            known = replay_of(records.answer(message.guid), sender, code)
            if known is not None:  # the same guid, the same answer, nothing stored twice
                return known
            answer, run = self._clear(records, message, sender, at)
            records.record_answer(message.guid, code, sender, answer)
            records.add_receipts(list(answer.receipts), at)
        if run.departed and self.on_departed is not None:
            self.on_departed(run.departed)
        return answer

    def clear_part(
        self,
        records: ExportRecords,
        message: d.ExportMessage,
        sender: str,
        at: datetime,
        here: Callable[[ExportList], bool],
    ) -> tuple[ExportAnswer, list[str]]:
        """Clear ``message`` (one partition's part of a message: ``export.partitioned``) in
        ``records``, nothing of the answer stored; a list it wakes that is not ``here`` is
        left for its own partition: (the answer, the order keys of those lists)."""
        answer, run = self._clear(records, message, sender, at, here)
        return answer, run.elsewhere

    def _clear(
        self,
        records: ExportRecords,
        message: d.ExportMessage,
        sender: str,
        at: datetime,
        here: Callable[[ExportList], bool] | None = None,
    ) -> tuple[ExportAnswer, _Run]:
        context = dataclasses.replace(
            self.context, warehouse_valid=_registry_of(records)
        )  # 9810 lists are checked against the registry in this same transaction
        run = _Run(records, context, self.routing, sender, at, self.calendar, self.gate, here)
        run.clear(d.message_type(message), message)
        answer = ExportAnswer(
            message_guid=message.guid, receipts=tuple(run.receipts), codes=run.codes
        )
        return answer, run

    def rejudge(
        self, records: ExportRecords, order_keys: Sequence[str], at: datetime
    ) -> list[Addressed]:
        """Judge again, in ``records``, the lists under ``order_keys`` that still wait (a
        waybill cleared in another partition woke them): their receipts, kept for their
        filers."""
        context = dataclasses.replace(self.context, warehouse_valid=_registry_of(records))
        run = _Run(records, context, self.routing, "", at, self.calendar, self.gate)
        run.rejudge(order_keys)
        records.add_receipts(run.receipts, at)
        return run.receipts

    def foresee(self, message: d.ExportMessage) -> list[Violation]:
        """What clearance would refuse in ``message`` before looking for documents (the
        sandbox's and ``export check``'s diagnosis; nothing is read or stored)."""
        return foreseen(message, self.context)

    def register_warehouse(self, warehouse: Warehouse) -> list[Violation]:
        """Register (or renew) an overseas warehouse; every fault at once, nothing stored then."""
        found = check_registration(warehouse, self.context.codes)
        if found:
            return found
        with self.store.writing() as records:
            if records.warehouse(warehouse.enterprise_code, warehouse.warehouse_code) is None:
                records.add_warehouse(warehouse)
            else:
                records.replace_warehouse(warehouse)
        return []

    def decide(
        self, invt_no: str, agency: str, release: bool, at: datetime, officer: str = "export-api"
    ) -> ExportAnswer:
        """An agency's decision on a list waiting for it: release (it no longer waits for the
        agency) or refuse (the list is held); the agency's task of the list is concluded with
        it. Answers the list's filer with a CEB604 when it moved. ``LookupError`` when no
        list of this number waits for this agency."""
        with self.store.writing() as records:
            record = records.list_by_invt_no(invt_no)
            if record is None or agency not in record.facts.agencies_pending:
                raise LookupError(invt_no)  # not found: or not this agency's to decide
            if self.gate is not None:
                filing = filing_key(record.order_key)
                self.gate.decide(records, filing, agency, release, officer, at)
            released = set() if not release else {agency}
            refused = set() if release else {agency}
            return self._follow(records, record, released, refused, at, f"decision:{invt_no}")

    def settle(self, filing: str, at: datetime) -> ExportAnswer:
        """The list of an export ``filing`` follows its agencies' concluded tasks (an officer
        released or refused it on the desk): no longer waiting for those that released, held
        by those that refused. ``LookupError`` when there is no such list (or no desk)."""
        with self.store.writing() as records:
            record = records.list_by_order(order_key_of(filing))
            if record is None or self.gate is None:
                raise LookupError(filing)
            released, refused = self.gate.decided(records, filing)
            return self._follow(records, record, released, refused, at, f"settle:{filing}")

    def _follow(
        self,
        records: ExportRecords,
        record: ExportList,
        released: set[str],
        refused: set[str],
        at: datetime,
        guid: str,
    ) -> ExportAnswer:
        facts = record.facts
        decided = (released | refused) & facts.agencies_pending
        run = _Run(records, self.context, self.routing, record.owner, at, self.calendar, self.gate)
        run.move(
            record,
            msgspec.structs.replace(
                facts,
                agencies_pending=facts.agencies_pending - decided,
                agencies_refused=facts.agencies_refused | (refused & decided),
            ),
        )
        records.add_receipts(run.receipts, at)
        return ExportAnswer(message_guid=guid, receipts=tuple(run.receipts), codes=run.codes)


def foreseen(message: d.ExportMessage, context: ExportContext) -> list[Violation]:
    """The facets of both versions and, for lists, their rules, as clearance checks them
    before looking for documents; a 9810 list's warehouse is taken as registered (the
    registry is consulted at filing)."""
    found = fields.violations(message)
    if isinstance(message, d.InventoryMessage):
        registered = dataclasses.replace(context, warehouse_valid=lambda *_: True)
        found += predicted(message.inventories, registered)
    return found


class _Run:
    """One message's clearing: the records, the clock and the receipts gathered."""

    def __init__(
        self,
        records: ExportRecords,
        context: ExportContext,
        routing: Routing,
        sender: str,
        at: datetime,
        calendar: WorkingDays,
        gate: ExportGate | None = None,
        here: Callable[[ExportList], bool] | None = None,
    ) -> None:
        self.gate = gate
        self.here = here  # whether a woken list is this unit of work's to judge
        self.elsewhere: list[str] = []  # order keys of woken lists left to their partition
        self.records = records
        self.context = context
        self.routing = routing
        self.sender = sender
        self.at = at
        self.stamp = return_time(at)
        self.receipts: list[Addressed] = []
        self._returns: list[msgspec.Struct] = []
        self._own: set[str] = set()  # guids of the lists the message being cleared carries
        self.results: list[r.SummaryResult] = []
        self.calendar = calendar
        self.codes: dict[str, tuple[str, ...]] = {}  # document guid → its refusal's codes
        self.departed: list[ListsDeparted] = []  # departures that concluded their lists

    def _guid(self, *parts: str) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(("tw-export", *parts)))).upper()

    def _info(self, guid: str, found: list[Violation]) -> str:
        """The returnInfo of a refusal of document ``guid``; its codes kept for the answer."""
        self.codes[guid] = tuple(dict.fromkeys(v.code for v in found))
        return summarise(found, limit=1000)

    def _stored(
        self, guid: str, info: str, path: str, woken: list[ExportList] | None
    ) -> tuple[str, str]:
        """The return status and info of a stored document, or of one another party holds."""
        if woken is not None:
            return ReturnStatus.ACCEPTED.value, info
        violation = Violation(
            path=path,
            code="auth.not_owner",
            en="a document of this message was filed by another party",
            zh="本报文中的单证已由其他主体申报",
        )
        return _REFUSED, self._info(guid, [violation])

    def _mine(self, record: ExportList | None) -> TypeGuard[ExportList]:
        """A list this sender filed: another party's is answered as not found (it tells
        nobody whose it is)."""
        return record is not None and record.owner == self.sender

    def clear(self, code: str, message: d.ExportMessage) -> None:
        handler = getattr(self, f"_clear_{code}")
        # a list and its waybill may be cleared side by side (export.partitions): both lock
        # the waybill first, so whichever commits second sees the other
        self.records.lock_waybills(waybill_keys(message))
        if code == "CEB603":
            self._own = {document.head.guid for document in message.documents}
        element = next(
            f.encode_name
            for f in msgspec.structs.fields(type(message))
            if f.name not in ("guid", "version", "base_transfer")
        )
        for index, document in enumerate(message.documents, 1):
            handler(document, f"{element}[{index}]")
        receipt_class = r.EXPORT_RECEIPT_TYPES[r.RECEIPT_OF[code]]
        returns: Any = self._returns  # each handler appends its type's return
        own = receipt_class(guid=self._guid(message.guid, "receipt"), returns=returns)
        self.receipts.insert(0, Addressed(party_id=self.sender, receipt=own))
        if self.results:  # customs' summary results (CEB792), to the filer
            result = r.SummaryResultMessage(
                guid=self._guid(message.guid, "792"), returns=self.results
            )
            self.receipts.append(Addressed(party_id=self.sender, receipt=result))

    # --- the three documents -----------------------------------------------------------------

    def _clear_document(
        self, code: str, key: str, document: msgspec.Struct
    ) -> list[ExportList] | None:
        """Store the document and return the lists it wakes; None (nothing stored) when the
        document under this key is another party's."""
        kind = _KIND_OF[code]
        stored = self.records.document(kind.value, key)
        if stored is not None and stored[0] != self.sender:
            return None
        self.records.put_document(kind.value, key, self.sender, msgspec.json.encode(document))
        return self.records.waiting_lists(
            order_key=key if kind is not flow.DocKind.WAYBILL else None,
            waybill_key=key if kind is flow.DocKind.WAYBILL else None,
        )

    def _clear_CEB303(self, order: d.Order, at: str) -> None:
        head = order.head
        woken = self._clear_document("CEB303", order_key(head.ebp_code, head.order_no), order)
        status, info = self._stored(
            head.guid, "订单已入库 order on file", f"{at}/OrderHead/orderNo", woken
        )
        self._returns.append(
            r.OrderReturn(
                guid=head.guid, ebp_code=head.ebp_code, ebc_code=head.ebc_code,
                order_no=head.order_no, return_status=status, return_time=self.stamp,
                return_info=info,
            )
        )  # fmt: skip
        self._wake(woken or [])

    def _clear_CEB403(self, receipt: d.Receipt, at: str) -> None:
        key = order_key(receipt.ebp_code, receipt.order_no)
        woken = self._clear_document("CEB403", key, receipt)
        status, info = self._stored(
            receipt.guid, "收款单已入库 receipt of payment on file", f"{at}/orderNo", woken
        )
        self._returns.append(
            r.ReceiptsReturn(
                guid=receipt.guid, ebc_code=receipt.ebc_code, order_no=receipt.order_no,
                pay_no=receipt.pay_no, return_status=status, return_time=self.stamp,
                return_info=info,
            )
        )  # fmt: skip
        self._wake(woken or [])

    def _clear_CEB505(self, waybill: d.Waybill, at: str) -> None:
        key = waybill_key(waybill.logistics_code, waybill.logistics_no)
        woken = self._clear_document("CEB505", key, waybill)
        status, info = self._stored(
            waybill.guid, "运单已入库 waybill on file", f"{at}/logisticsNo", woken
        )
        self._returns.append(
            r.LogisticsReturn(
                guid=waybill.guid, logistics_code=waybill.logistics_code,
                logistics_no=waybill.logistics_no, return_status=status,
                return_time=self.stamp, return_info=info,
            )
        )  # fmt: skip
        self._wake(woken or [])

    def _wake(self, lists: Iterable[ExportList]) -> None:
        for record in lists:
            if self.here is None or self.here(record):
                self._judge(record)
            else:
                self.elsewhere.append(record.order_key)

    def rejudge(self, order_keys: Iterable[str]) -> None:
        """Judge again the lists under ``order_keys`` that still wait (a wake-up)."""
        found = (self.records.list_by_order(key) for key in order_keys)
        self._wake(x for x in found if x is not None and x.status is flow.Status.WAITING)

    # --- the list ----------------------------------------------------------------------------

    def _clear_CEB603(self, inventory: d.Inventory, at: str) -> None:
        head = inventory.head
        key = order_key(head.ebp_code, head.order_no)
        found = check_inventory(inventory, at, self.context)
        existing = self.records.list_by_order(key)
        if existing is not None and existing.status not in (
            flow.Status.WAITING,
            flow.Status.CANCELLED,
        ):
            found.append(
                Violation(
                    path=f"{at}/InventoryHead/orderNo",
                    code="CEB603.orderNo.duplicate",
                    en=f"order {head.order_no} already has a list ({existing.status.value})",
                    zh=f"订单{head.order_no}已有清单（{existing.status.value}）",
                )
            )
        if found:
            self._list_return(inventory, None, _REFUSED, self._info(head.guid, found), self.sender)
            return
        record = ExportList(
            order_key=key,
            waybill_key=waybill_key(head.logistics_code, head.logistics_no),
            owner=self.sender,
            inventory=inventory,
            facts=flow.ListFacts(),
            status=flow.Status.WAITING,
            filed_at=self.at,
        )
        self._judge(record, own=True)

    def _judge(self, record: ExportList, *, own: bool = False) -> None:
        """Accept a waiting list whose documents are all on file and agree with it."""
        inventory, head = record.inventory, record.inventory.head
        on_file = {
            kind: self.records.document(kind.value, key)
            for kind, key in (
                (flow.DocKind.ORDER, record.order_key),
                (flow.DocKind.RECEIPT, record.order_key),
                (flow.DocKind.WAYBILL, record.waybill_key),
            )
        }
        missing = flow.missing_documents(head.trade_mode, (k for k, v in on_file.items() if v))
        if missing:
            self.records.save_list(record)
            if own:
                names = ", ".join(sorted(m.value for m in missing))
                info = f"清单待三单 waiting for: {names}"
                self._list_return(inventory, None, ReturnStatus.DECLARING.value, info, record.owner)
            return
        filing = ExportFiling(
            inventory=inventory,
            order=_decode(on_file[flow.DocKind.ORDER], d.Order),
            receipt=_decode(on_file[flow.DocKind.RECEIPT], d.Receipt),
            waybill=_decode(on_file[flow.DocKind.WAYBILL], d.Waybill),
        )
        found = flow.match_documents(
            inventory,
            "Inventory[1]",
            order=filing.order,
            receipt=filing.receipt,
            waybill=filing.waybill,
        )
        if found:
            refused = msgspec.structs.replace(
                record, status=flow.Status.CANCELLED, codes=tuple(v.code for v in found)
            )
            self.records.save_list(refused)  # a refused list frees its order for a new one
            self._list_return(inventory, None, _REFUSED, self._info(head.guid, found), record.owner)
            return
        year = head.ie_date[:4]
        invt_no = f"{head.customs_code}{year}E{self.records.next_number(f'exp-invt-{year}'):09d}"
        arrived = self.records.take_early_arrival(record.waybill_key)
        facts = flow.ListFacts(
            accepted=True, arrived=arrived, agencies_pending=self.routing(filing)
        )
        accepted = msgspec.structs.replace(record, invt_no=invt_no)
        if self.gate is not None:  # its tasks and notices commit with the acceptance
            shared = filing.shared()
            key = filing_key(record.order_key)
            self.gate.route(self.records, key, shared, facts.agencies_pending, self.at)
        self.move(accepted, facts, force=True)

    def move(self, record: ExportList, facts: flow.ListFacts, *, force: bool = False) -> None:
        """Store the list with new facts; answer its filer when its status changed."""
        status = flow.status_of(facts)
        changed = force or status is not record.status
        updated = msgspec.structs.replace(record, facts=facts, status=status)
        self.records.save_list(updated)
        if changed:
            info, code = _STATUS_RECEIPT[status]
            self._list_return(updated.inventory, updated.invt_no, code, info, updated.owner)

    def _list_return(
        self, inventory: d.Inventory, invt_no: str | None, status: str, info: str, owner: str
    ) -> None:
        """A CEB604 return: in this message's receipt when the list is one it carries, else
        a receipt of its own to the list's filer."""
        head = inventory.head
        item = r.InventoryReturn(
            guid=head.guid, agent_code=head.agent_code, cop_no=head.cop_no,
            pre_no=_pre_no("E", head.cop_no), invt_no=invt_no or "", ebc_code=head.ebc_code,
            ebp_code=head.ebp_code, order_no=head.order_no, statistics_flag=head.statistics_flag,
            return_status=status, return_time=self.stamp, return_info=info[:1000],
        )  # fmt: skip
        if head.guid in self._own:
            self._returns.append(item)
            return
        message = r.InventoryReturnMessage(guid=self._guid(head.guid, status), returns=[item])
        self.receipts.append(Addressed(party_id=owner, receipt=message))

    # --- after acceptance ----------------------------------------------------------------------

    def _clear_CEB507(self, arrival: d.Arrival, at: str) -> None:
        head = arrival.head
        for item in arrival.items:
            key = waybill_key(head.logistics_code, item.logistics_no)
            record = self.records.list_by_waybill(key)
            if record is None or not record.facts.accepted:
                self.records.add_early_arrival(key)
            else:
                self.move(record, msgspec.structs.replace(record.facts, arrived=True))
        self._returns.append(
            r.ArrivalReturn(
                guid=head.guid, operator_code=head.operator_code,
                logistics_code=head.logistics_code, pre_no=_pre_no("A", head.cop_no),
                cop_no=head.cop_no, bill_no=head.bill_no or "", msg_seq_no=head.msg_seq_no,
                return_status=ReturnStatus.ACCEPTED.value, return_time=self.stamp,
                return_info=f"运抵 {len(arrival.items)} 票 parcels arrived",
            )
        )  # fmt: skip

    def _clear_CEB509(self, departure: d.Departure, at: str) -> None:
        head = departure.head
        left = parse_app_time(head.leave_time)
        found: list[Violation] = []
        records: list[ExportList] = []
        for number, item in enumerate(departure.items, 1):
            item_at = f"{at}/DepartureList[{number}]/logisticsNo"
            record = self.records.list_by_waybill(
                waybill_key(head.logistics_code, item.logistics_no)
            )
            if record is None:
                found.append(_no_list(item_at, item.logistics_no, "CEB509.logisticsNo"))
                continue
            violation = flow.departure_violation(record.facts, item.logistics_no, item_at)
            if violation is not None:
                found.append(violation)
            records.append(record)
        if left is None:
            found.append(
                Violation(path=f"{at}/DepartureHead/leaveTime", code="CEB509.leaveTime.not_a_time",
                          en=f"leaveTime {head.leave_time!r} is not a time",
                          zh=f"离境时间“{head.leave_time}”不是有效时间")
            )  # fmt: skip
        if not found and left is not None:
            day = left.astimezone(CHINA_TZ).date()
            for record in records:
                departed = msgspec.structs.replace(record, departed_on=day)
                self.move(departed, msgspec.structs.replace(record.facts, departed=True))
            self.departed.append(_departed(head, left, records))
        self._returns.append(
            r.DepartureReturn(
                guid=head.guid, logistics_code=head.logistics_code, cop_no=head.cop_no,
                pre_no=_pre_no("D", head.cop_no), msg_seq_no=head.msg_seq_no,
                return_status=_REFUSED if found else ReturnStatus.CONCLUDED.value,
                return_time=self.stamp,
                return_info=self._info(head.guid, found) if found else "离境 departed",
            )
        )  # fmt: skip

    def _clear_CEB605(self, cancel: d.InvtCancel, at: str) -> None:
        record = self.records.list_by_invt_no(cancel.invt_no)
        violation: Violation | None
        if not self._mine(record) or record.inventory.head.ebc_code != cancel.ebc_code:
            violation = _no_list(f"{at}/invtNo", cancel.invt_no, "CEB605.invtNo")
        else:
            violation = flow.cancel_violation(record.facts, cancel.invt_no, at)
        if violation is None and record is not None:
            self.move(record, msgspec.structs.replace(record.facts, cancelled=True))
            if self.gate is not None and record.facts.agencies_pending:
                reason = f"清单已撤销 list cancelled ({cancel.invt_no})"
                self.gate.withdraw(self.records, filing_key(record.order_key), reason, self.at)
        self._returns.append(
            r.InvtCancelReturn(
                guid=cancel.guid, agent_code=cancel.agent_code, cop_no=cancel.cop_no,
                pre_no=_pre_no("C", cancel.cop_no), invt_no=cancel.invt_no,
                return_status=_REFUSED if violation else ReturnStatus.CONCLUDED.value,
                return_time=self.stamp,
                return_info=self._info(cancel.guid, [violation]) if violation else "撤销 cancelled",
            )
        )  # fmt: skip

    def _clear_CEB607(self, link: d.WayBill, at: str) -> None:
        head = link.head
        found: list[Violation] = []
        pairs: list[tuple[str, str]] = []
        for number, item in enumerate(link.items, 1):
            item_at = f"{at}/WayBillList[{number}]"
            key = waybill_key(head.logistics_code, item.logistics_no)
            record = self.records.list_by_waybill(key)
            if (
                record is None
                or not self._mine(record)
                or record.invt_no is None
                or record.status is flow.Status.CANCELLED
            ):
                found.append(
                    _no_list(f"{item_at}/logisticsNo", item.logistics_no, "CEB607.logisticsNo")
                )
            elif item.invt_no is not None and item.invt_no != record.invt_no:
                found.append(
                    Violation(path=f"{item_at}/invtNo", code="CEB607.invtNo.mismatch",
                              en=f"parcel {item.logistics_no} is on list {record.invt_no}",
                              zh=f"包裹{item.logistics_no}对应清单为{record.invt_no}")
                )  # fmt: skip
            else:
                pairs.append((key, record.invt_no))
        if not found:
            for key, invt_no in pairs:
                self.records.link(head.bill_no, key, invt_no)
        self._returns.append(
            r.WayBillReturn(
                guid=head.guid, agent_code=head.agent_code, logistics_code=head.logistics_code,
                cop_no=head.cop_no, pre_no=_pre_no("W", head.cop_no), bill_no=head.bill_no,
                msg_seq_no=head.msg_seq_no,
                return_status=_REFUSED if found else ReturnStatus.ACCEPTED.value,
                return_time=self.stamp,
                return_info=self._info(head.guid, found) if found else "总分单已入库 linked",
            )
        )  # fmt: skip

    def _clear_CEB701(self, apply: d.SummaryApply, at: str) -> None:
        head = apply.head
        lists: dict[str, ExportList | None] = {}
        for item in apply.items:
            record = self.records.list_by_invt_no(item.invt_no)
            lists[item.invt_no] = record if self._mine(record) else None
        found = summarising.judge_application(apply, lists, at)
        sum_no: str | None = None
        info = self._info(head.guid, found)
        if not found:
            members = [x for x in lists.values() if x is not None]
            ready = [summarising.released(x) for x in members]
            policy = policy_on(max(x.departed_on for x in ready))
            (built,) = summarise_lists(ready, policy)
            year = self.at.astimezone(CHINA_TZ).strftime("%Y")
            sum_no = f"{head.customs_code}{year}{self.records.next_number(f'exp-sum-{year}'):010d}"
            decl = f"{head.customs_code}{year}{self.records.next_number(f'exp-decl-{year}'):010d}"
            summary_record = SummaryRecord(
                sum_no=sum_no, decl_seq_no=decl, owner=self.sender, agent_code=head.agent_code,
                customs_code=head.customs_code, period=self.stamp[:6], summary=built,
                filed_at=self.at,
            )  # fmt: skip
            self.records.save_summary(summary_record)
            for member in members:
                self.records.save_list(msgspec.structs.replace(member, sum_no=sum_no))
            overdue = summarising.late(
                members, self.at.astimezone(CHINA_TZ).date(), policy, self.calendar
            )
            info = "汇总申请已受理 accepted" + "".join(
                f"; CEB701.deadline.passed {n} (due {due.isoformat()})" for n, due in overdue
            )
            result = summarising.result_of(summary_record, members, self.at)
            self.results.append(result)
        self._returns.append(
            r.SummaryReturn(
                guid=head.guid, agent_code=head.agent_code, ebc_code=head.ebc_code,
                cop_no=head.cop_no, pre_no=_pre_no("S", head.cop_no), sum_no=sum_no,
                msg_seq_no=head.msg_seq_no,
                return_status=_REFUSED if found else ReturnStatus.ACCEPTED.value,
                return_time=self.stamp, return_info=info[:1000],
            )
        )  # fmt: skip

    def _clear_CEB213(self, refund: d.InvtRefund, at: str) -> None:
        head = refund.head
        record = self.records.list_by_invt_no(head.invt_no)
        found: list[Violation] = []
        if not self._mine(record) or record.inventory.head.ebc_code != head.ebc_code:
            found.append(_no_list(f"{at}/InvtRefundHead/invtNo", head.invt_no, "CEB213.invtNo"))
        elif not record.facts.departed:
            found.append(
                Violation(path=f"{at}/InvtRefundHead/invtNo", code="CEB213.invtNo.not_departed",
                          en=f"list {head.invt_no} has not departed: cancel it instead",
                          zh=f"清单{head.invt_no}未离境，应申请撤销")
            )  # fmt: skip
        else:
            lines = {item.gnum: item for item in record.inventory.items}
            for number, item in enumerate(refund.items, 1):
                item_at = f"{at}/InvtRefundList[{number}]"
                original = lines.get(item.gnum)
                if original is None or original.gcode != item.gcode:
                    found.append(
                        Violation(path=f"{item_at}/gnum", code="CEB213.gnum.not_on_list",
                                  en=f"line {item.gnum} ({item.gcode}) is not on the list",
                                  zh=f"原清单{head.invt_no}无第{item.gnum}项（{item.gcode}）")
                    )  # fmt: skip
                elif item.qty > original.qty or item.qty1 > original.qty1:
                    found.append(
                        Violation(path=f"{item_at}/qty", code="CEB213.qty.over_declared",
                                  en=f"{item.qty} returned exceeds {original.qty} declared",
                                  zh=f"退货数量{item.qty}大于原申报数量{original.qty}")
                    )  # fmt: skip
        if not found:
            self.records.put_document(
                "refund",
                waybill_key(head.logistics_code, head.logistics_no),
                self.sender,
                msgspec.json.encode(refund),
            )
        self._returns.append(
            r.RefundReturn(
                guid=head.guid, ebp_code=head.ebp_code, ebc_code=head.ebc_code,
                agent_code=head.agent_code, co_el_no=head.co_el_no, invt_no=head.invt_no,
                return_status=_REFUSED if found else ReturnStatus.ACCEPTED.value,
                return_time=self.stamp,
                return_info=self._info(head.guid, found) if found else "退货申请已入库 on file",
            )
        )  # fmt: skip

    def _clear_CEB215(self, tally: d.InvtRefundDetail, at: str) -> None:
        key = waybill_key(tally.logistics_code, tally.logistics_no)
        announced = self.records.document("refund", key)
        found: list[Violation] = []
        if announced is None:
            found.append(
                Violation(path=f"{at}/logisticsNo", code="CEB215.logisticsNo.no_return",
                          en=f"no return announces parcel {tally.logistics_no}",
                          zh=f"包裹{tally.logistics_no}没有对应的退货申请单")
            )  # fmt: skip
        else:
            self.records.put_document("tally", key, self.sender, msgspec.json.encode(tally))
        self._returns.append(
            r.InvtRefundDetailReturn(
                guid=tally.guid, operator_code=tally.operator_code,
                logistics_code=tally.logistics_code, logistics_no=tally.logistics_no,
                co_el_no=tally.co_el_no, return_status=_REFUSED if found else "120",
                return_time=self.stamp,
                return_info=self._info(tally.guid, found) if found else "理货 tallied",
            )
        )  # fmt: skip


_STATUS_RECEIPT: dict[flow.Status, tuple[str, str]] = {
    flow.Status.ACCEPTED: ("清单已入库 accepted", ReturnStatus.ACCEPTED.value),
    flow.Status.ARRIVED: (
        "已运抵，待部门放行 arrived, waiting for agencies",
        ReturnStatus.MANUAL_REVIEW.value,
    ),
    flow.Status.RELEASED: ("放行 released", ReturnStatus.RELEASED.value),
    flow.Status.HELD: ("部门不予放行 held by an agency", ReturnStatus.INSPECTION.value),
    flow.Status.DEPARTED: ("结关 departed", ReturnStatus.CLOSED.value),
    flow.Status.CANCELLED: ("已撤销 cancelled", ReturnStatus.CONCLUDED.value),
    flow.Status.WAITING: ("待三单 waiting", ReturnStatus.DECLARING.value),
}


def _departed(head: d.DepartureHead, left: datetime, lists: list[ExportList]) -> ListsDeparted:
    return ListsDeparted(
        cop_no=head.cop_no, customs_code=head.customs_code, logistics_code=head.logistics_code,
        traf_mode=head.traf_mode, traf_name=head.traf_name, voyage_no=head.voyage_no,
        bill_no=head.bill_no, left_at=left,
        parcels=tuple(
            ParcelDeparted(logistics_no=x.inventory.head.logistics_no, invt_no=x.invt_no or "",
                           ebc_code=x.inventory.head.ebc_code)
            for x in lists
        ),
    )  # fmt: skip


def check_fit(message: d.ExportMessage) -> None:
    """Raise :class:`Unfit` with every fault when the XSD's facets refuse ``message``."""
    faults = fields.violations(message)
    if faults:  # what the XSD refuses is refused whole, before anything is stored
        raise Unfit(faults)


def replay_of(
    known: tuple[str, ExportAnswer] | None, sender: str, code: str
) -> ExportAnswer | None:
    """The answer to give again for a guid answered before (``known``: its sender and
    answer), None for a new guid; ``CEB.guid.reused`` when it is another's or another type's."""
    if known is not None and (known[0] != sender or not _answers(known[1], code)):
        raise FilingRefused.of(GUID_TAKEN)  # another's, or a message of another type
    return None if known is None else msgspec.structs.replace(known[1], replayed=True)


def _answers(answer: ExportAnswer, code: str) -> bool:
    """Whether ``answer`` is one a message of type ``code`` gets (its own receipt first):
    a guid reused by a message of another type is not a replay.

    Messages of one type reusing a guid with other content are answered as the first was
    (the answers keep no digest of the bytes yet)."""
    own = answer.receipts[0].receipt if answer.receipts else None
    return own is not None and own.__struct_config__.tag == r.RECEIPT_OF[code]


def _decode(found: tuple[str, bytes] | None, kind: type[S]) -> S | None:
    return None if found is None else msgspec.json.decode(found[1], type=kind)


GUID_TAKEN = Violation(
    path="@guid",
    code="CEB.guid.reused",
    en="this message guid was already used for a message with different content",
    zh="报文编号已被内容不同的报文使用",
)


def _registry_of(records: ExportRecords) -> WarehouseValid:
    def valid(enterprise_code: str, warehouse_code: str, day: date) -> bool:
        found = records.warehouse(enterprise_code, warehouse_code)
        return found is not None and found.valid_on(day)

    return valid


def _no_list(path: str, number: str, element: str) -> Violation:
    return Violation(
        path=path,
        code=f"{element}.no_list",
        en=f"no accepted list of this consignor has {number}",
        zh=f"未找到该收发货人对应{number}的已入库清单",
    )


def _pre_no(letter: str, cop_no: str) -> str:
    """An 18-character 预录入编号 derived from the enterprise's number (stable per document)."""
    digits = "".join(c for c in cop_no if c.isdigit())
    return f"{letter}{digits[-17:]:0>17}"
