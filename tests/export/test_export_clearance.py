"""Export clearance end to end over SQLite and PostgreSQL: a 9610 set in any order to
departure and a CEB792 summary; refusals with codes; 9710 and 9810; returns; every receipt
valid against the 202205 export XSD."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import export_set as s
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradewindow.cbec.documents import SpecVersion
from tradewindow.export import flow, rules
from tradewindow.export.clearance import ClearExport, Unfit
from tradewindow.export.documents import Inventory
from tradewindow.export.model import ExportAnswer
from tradewindow.export.sharing import ExportFiling
from tradewindow.export.warehouses import Tenure, Warehouse
from tradewindow.filing.refusals import FilingRefused
from tradewindow.formats import ceb_export
from tradewindow.reference import ReferenceCodeTables
from tradewindow.store import SqlStore

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
SENDER = "party-seller"
XSD = ceb_export.schemas_available()
INSPECTED = "303"  # the tests' routing sends lists to the United Kingdom to export inspection


@pytest.fixture
def clear(store: SqlStore) -> ClearExport:
    context = rules.ExportContext(
        codes=ReferenceCodeTables(),
        controls=lambda _gcode, _day: rules.GoodsControl(),
        cny_rate=lambda currency, _day: Decimal("7.1") if currency == "502" else None,
        warehouse_valid=lambda *_: False,  # replaced by the registry in the store
    )

    def routing(filing: ExportFiling) -> frozenset[str]:
        inspected = filing.inventory.head.country == INSPECTED
        return frozenset({"inspection"}) if inspected else frozenset()

    return ClearExport(store.export, context, routing)


def statuses(answer: ExportAnswer, code: str = "CEB604") -> list[tuple[str, str]]:
    """(returnStatus, invtNo) of every list return in the answer."""
    found = []
    for addressed in answer.receipts:
        if addressed.receipt.__struct_config__.tag == code:
            found += [
                (x.return_status, getattr(x, "invt_no", "")) for x in addressed.receipt.returns
            ]
    return found


def own(answer: ExportAnswer) -> Any:
    """The first return of the message's own receipt."""
    return answer.receipts[0].receipt.returns[0]


def file(
    clear: ClearExport, code: str, *documents: Any, at: datetime = AT, **fields: Any
) -> ExportAnswer:
    answer = clear(s.message(code, *documents, **fields), SENDER, at)
    if XSD:  # every receipt the platform gives is valid against the 202205 export XSD
        for addressed in answer.receipts:
            data = ceb_export.write_receipt(addressed.receipt)
            assert ceb_export.validate(data, SpecVersion.V202205) == [], data
    return answer


def accepted_list(clear: ClearExport, **head: Any) -> str:
    inventory = s.inventory(**head)
    file(clear, "CEB303", s.order(order_no=inventory.head.order_no))
    file(clear, "CEB403", s.receipt(order_no=inventory.head.order_no))
    file(clear, "CEB505", s.waybill(logistics_no=inventory.head.logistics_no))
    answer = file(clear, "CEB603", inventory)
    ((status, invt_no),) = statuses(answer)
    assert status == "120", own(answer).return_info
    return invt_no


def test_a_list_waits_for_its_documents_in_any_order_then_departs(clear: ClearExport) -> None:
    waiting = file(clear, "CEB603", s.inventory(country=INSPECTED))
    assert statuses(waiting) == [("2", "")]
    assert "order, receipt, waybill" in own(waiting).return_info
    arrived_early = file(clear, "CEB507", s.arrival())  # the parcel arrives before acceptance
    assert own(arrived_early).return_status == "120"
    assert statuses(file(clear, "CEB505")) == []  # still waiting for the order and receipt
    assert statuses(file(clear, "CEB403")) == []
    woken = file(clear, "CEB303")
    ((status, invt_no),) = statuses(woken)  # the order wakes the list: to its filer
    assert status == "300"  # accepted and already arrived: waiting for export inspection
    assert invt_no.startswith("51412026E")
    assert len(invt_no) == 18
    early = file(clear, "CEB509", s.departure())
    assert own(early).return_status == "100"
    assert "CEB509.logisticsNo.not_released" in own(early).return_info
    released = clear.decide(invt_no, "inspection", True, AT + timedelta(hours=1))
    assert statuses(released) == [("800", invt_no)]
    departed = file(clear, "CEB509", s.departure(), guid=s.guid("departure", "again"))
    assert own(departed).return_status == "399"
    assert statuses(departed) == [("899", invt_no)]
    cancel = file(clear, "CEB605", s.cancel(invt_no))
    assert own(cancel).return_status == "100"
    assert "CEB605.invtNo.departed" in own(cancel).return_info


def test_the_same_message_gets_the_same_answer_and_is_stored_once(
    clear: ClearExport, store: SqlStore
) -> None:
    message = s.message("CEB603")
    first = clear(message, SENDER, AT)
    again = clear(message, SENDER, AT + timedelta(minutes=5))
    assert (again.receipts, again.replayed, first.replayed) == (first.receipts, True, False)
    with store.export.reading() as records:
        assert records.list_by_order(f"{s.EBP_CODE}|{s.ORDER_NO}") is not None


def test_a_guid_reused_by_a_message_of_another_type_is_refused(clear: ClearExport) -> None:
    """As GACC's sample sets do, a receipt of payment carrying its order's guid: not a replay
    of the order (whose CEB304 it would get), a CEB.guid.reused refusal."""
    clear(s.message("CEB303", guid=s.guid("one")), SENDER, AT)
    with pytest.raises(FilingRefused) as refused:
        clear(s.message("CEB403", guid=s.guid("one")), SENDER, AT)
    assert refused.value.code == "CEB.guid.reused"


def test_a_refused_document_carries_its_codes_in_the_answer(clear: ClearExport) -> None:
    """Every code, also those a returnInfo cut at 1000 characters would lose."""
    answer = file(clear, "CEB603", s.inventory(trade_mode="9710", ie_flag="I"))
    codes = answer.codes[s.inventory().head.guid]
    assert "CEB603.ieFlag.not_export" in codes
    assert all(f"[{code}]" in own(answer).return_info for code in codes[:1])


def test_a_list_disagreeing_with_its_order_is_refused_with_every_code(clear: ClearExport) -> None:
    file(clear, "CEB303", s.order(ebc_code="4403960999", goods_value=Decimal("401.00")))
    file(clear, "CEB403")
    file(clear, "CEB505")
    answer = file(clear, "CEB603")
    ((status, invt_no),) = statuses(answer)
    assert (status, invt_no) == ("100", "")
    info = own(answer).return_info
    assert "CEB603.ebcCode.order_mismatch" in info
    assert "CEB603.totalPrice.order_mismatch" in info
    # the refused list frees the order number: the platform corrects its order, the list is
    # filed again and accepted
    file(clear, "CEB303", s.order(app_type="2"), guid=s.guid("corrected order"))
    again = file(clear, "CEB603", guid=s.guid("list again"))
    assert statuses(again)[0][0] == "120"


def test_a_broken_list_is_refused_at_once_and_others_in_the_message_are_not(
    clear: ClearExport,
) -> None:
    good = s.inventory(order_no="EXP20260310000002", logistics_no="SZX2603100002")
    bad = s.inventory(ie_flag="I", trade_mode="0110", guid=s.guid("bad"))
    answer = file(clear, "CEB603", bad, good)
    returns = own(answer), answer.receipts[0].receipt.returns[1]
    assert returns[0].return_status == "100"
    assert "CEB603.ieFlag.not_export" in returns[0].return_info
    assert "CEB603.tradeMode.not_cbec_export" in returns[0].return_info
    assert returns[1].return_status == "2"  # the good one waits for its documents


def test_cancelled_before_departure(clear: ClearExport) -> None:
    invt_no = accepted_list(clear)
    cancel = file(clear, "CEB605", s.cancel(invt_no))
    assert own(cancel).return_status == "399"
    assert statuses(cancel) == [("399", invt_no)]
    again = file(clear, "CEB605", s.cancel(invt_no), guid=s.guid("cancel", "again"))
    assert (
        "CEB605.invtNo.no_list" in own(again).return_info
        or "already_cancelled" in own(again).return_info
    )


def test_a_bill_links_lists_and_leaves_when_all_are_released(
    clear: ClearExport, store: SqlStore
) -> None:
    first = accepted_list(clear)
    second = accepted_list(clear, order_no="EXP20260310000002", logistics_no="SZX2603100002",
                           guid=s.guid("second"))  # fmt: skip
    link = file(clear, "CEB607", s.waybill_link((s.LOGISTICS_NO, first), ("SZX2603100002", second)))
    assert own(link).return_status == "120"
    wrong = file(clear, "CEB607", s.waybill_link((s.LOGISTICS_NO, second)), guid=s.guid("w"))
    assert "CEB607.invtNo.mismatch" in own(wrong).return_info
    file(clear, "CEB507", s.arrival(s.LOGISTICS_NO))
    with store.export.reading() as records:
        on_bill = {x.invt_no or "": x.facts for x in records.lists_on_bill(s.BILL_NO)}
    (blocked,) = flow.gate_out_violations(on_bill, s.BILL_NO)
    assert blocked.path.endswith(second)
    file(clear, "CEB507", s.arrival("SZX2603100002"))
    with store.export.reading() as records:
        on_bill = {x.invt_no or "": x.facts for x in records.lists_on_bill(s.BILL_NO)}
    assert flow.gate_out_violations(on_bill, s.BILL_NO) == []


def depart(clear: ClearExport, n: int, *, traf_mode: str = "5", flag: str = "B") -> str:
    order_no, waybill = f"EXP2026031000{n:04d}", f"SZX26031{n:05d}"
    invt_no = accepted_list(clear, order_no=order_no, logistics_no=waybill, traf_mode=traf_mode,
                            statistics_flag=flag, guid=s.guid("list", order_no))  # fmt: skip
    file(clear, "CEB507", s.arrival(waybill))
    answer = file(clear, "CEB509", s.departure(waybill))
    assert statuses(answer) == [("899", invt_no)], own(answer).return_info
    return invt_no


def test_a_summary_of_departed_lists_is_answered_with_its_declaration(
    clear: ClearExport, store: SqlStore
) -> None:
    one, two = depart(clear, 1), depart(clear, 2)
    by_sea = depart(clear, 3, traf_mode="2")
    mixed = file(clear, "CEB701", s.summary_apply(one, by_sea))
    assert own(mixed).return_status == "100"
    assert "CEB701.SummaryApplyList.mixed" in own(mixed).return_info
    answer = file(
        clear, "CEB701", s.summary_apply(one, two), at=datetime(2026, 4, 5, 2, tzinfo=UTC)
    )
    assert own(answer).return_status == "120"
    sum_no = own(answer).sum_no
    assert sum_no is not None
    assert sum_no.startswith("51412026")
    assert "deadline" not in own(answer).return_info  # 5 April is before the 15th
    (result_message,) = [
        a.receipt for a in answer.receipts if a.receipt.__struct_config__.tag == "CEB792"
    ]
    (result,) = result_message.returns
    assert result.head.sum_no == sum_no
    assert [(i.invt_no, i.gnum, i.gseqno) for i in result.items] == [
        (one, 2, 1), (two, 2, 1), (one, 1, 2), (two, 1, 2),  # 6110 then 8518 merged lines
    ]  # fmt: skip
    with store.export.reading() as records:
        assert {records.list_by_invt_no(n).sum_no for n in (one, two)} == {sum_no}  # type: ignore[union-attr]
        assert records.list_by_invt_no(by_sea).sum_no is None  # type: ignore[union-attr]
        stored = records.summary(sum_no)
    assert stored is not None
    assert [line.total_price for line in stored.summary.lines] == [
        Decimal("320.00"),
        Decimal("480.00"),
    ]
    twice = file(clear, "CEB701", s.summary_apply(one), guid=s.guid("again"))
    assert "CEB701.invtNo.summarised" in own(twice).return_info
    late = file(clear, "CEB701", s.summary_apply(by_sea), at=datetime(2026, 4, 16, 2, tzinfo=UTC))
    assert own(late).return_status == "120"
    assert f"CEB701.deadline.passed {by_sea} (due 2026-04-15)" in own(late).return_info


def test_9710_over_5000_cny_needs_a_declaration(clear: ClearExport) -> None:
    inventory = s.inventory(trade_mode="9710")
    line = msgspec.structs.replace(inventory.items[0], qty=Decimal(1), price=Decimal("5000.01"),
                                   total_price=Decimal("5000.01"))  # fmt: skip
    answer = file(clear, "CEB603", Inventory(head=inventory.head, items=[line]))
    assert own(answer).return_status == "100"
    assert "CEB603.tradeMode.b2b_declaration_required" in own(answer).return_info


def test_9710_needs_no_receipt_of_payment(clear: ClearExport) -> None:
    file(clear, "CEB303", s.order(order_type="B"))
    file(clear, "CEB505")
    answer = file(clear, "CEB603", s.inventory(trade_mode="9710"))
    assert statuses(answer)[0][0] == "120"


def test_9810_needs_a_registered_valid_warehouse(clear: ClearExport) -> None:
    head = {"trade_mode": "9810", "ebp_code": "OW-US-LAX-01"}
    refused = file(clear, "CEB603", s.inventory(**head))
    assert "CEB603.ebpCode.warehouse_unregistered" in own(refused).return_info
    warehouse = Warehouse(
        enterprise_code=s.EBC_CODE, warehouse_code="OW-US-LAX-01", name="洛杉矶湾区海外仓",
        country="502", address="1200 E Carson St, Carson, CA 90745", area_m2=Decimal("5200"),
        tenure=Tenure.LEASED, evidence="LEASE-2025-0117", valid_from=date(2025, 7, 1),
        valid_until=date(2027, 6, 30),
    )  # fmt: skip
    bad = msgspec.structs.replace(warehouse, country="142")
    assert [v.code for v in clear.register_warehouse(bad)] == ["warehouse.country.not_abroad"]
    assert clear.register_warehouse(warehouse) == []
    file(clear, "CEB303", s.order(order_type="W", ebp_code="OW-US-LAX-01"))
    file(clear, "CEB505")
    answer = file(clear, "CEB603", s.inventory(**head), guid=s.guid("9810", "again"))
    assert statuses(answer)[0][0] == "120", own(answer).return_info


def test_a_return_of_departed_goods_and_its_tally(clear: ClearExport) -> None:
    invt_no = accepted_list(clear)
    early = file(clear, "CEB213", s.refund(invt_no))
    assert "CEB213.invtNo.not_departed" in own(early).return_info
    file(clear, "CEB507", s.arrival())
    file(clear, "CEB509", s.departure())
    refund = s.refund(invt_no)
    too_many = msgspec.structs.replace(refund.items[0], qty=Decimal(2))
    over = file(
        clear, "CEB213", msgspec.structs.replace(refund, items=[too_many]), guid=s.guid("over")
    )
    assert "CEB213.qty.over_declared" in own(over).return_info
    unannounced = file(clear, "CEB215", s.tally())
    assert "CEB215.logisticsNo.no_return" in own(unannounced).return_info
    assert own(file(clear, "CEB213", refund, guid=s.guid("ok"))).return_status == "120"
    assert own(file(clear, "CEB215", s.tally(), guid=s.guid("tally"))).return_status == "120"


def test_documents_filed_at_once_wake_the_list_exactly_once(
    clear: ClearExport, store: SqlStore
) -> None:
    """The receipt of payment and the waybill arrive together in two transactions while the
    list waits: however they interleave, the list is accepted, once."""
    import threading

    for n in range(6):
        order_no, waybill = f"EXP2026031100{n:04d}", f"SZX26031100{n:03d}"
        file(clear, "CEB603", s.inventory(order_no=order_no, logistics_no=waybill))
        file(clear, "CEB303", s.order(order_no=order_no))
        gate = threading.Barrier(2)
        answers: list[ExportAnswer] = []

        def send(
            code: str,
            document: Any,
            gate: threading.Barrier = gate,
            answers: list[ExportAnswer] = answers,
        ) -> None:
            gate.wait()
            answers.append(clear(s.message(code, document), SENDER, AT))

        threads = [
            threading.Thread(target=send, args=("CEB403", s.receipt(order_no=order_no))),
            threading.Thread(target=send, args=("CEB505", s.waybill(logistics_no=waybill))),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        accepted = [st for a in answers for st in statuses(a) if st[0] == "120"]
        assert len(accepted) == 1, answers
        with store.export.reading() as records:
            listed = records.list_by_order(f"{s.EBP_CODE}|{order_no}")
        assert listed is not None
        assert listed.status is flow.Status.ACCEPTED


_ORDER_OF_ARRIVAL = st.permutations(["CEB603", "CEB303", "CEB403", "CEB505", "CEB507"])


def test_any_order_of_arrival_releases_the_list(clear: ClearExport, store: SqlStore) -> None:
    """Whatever order the list, its three documents and the parcel's arrival come in, the
    list ends released, and departs."""
    counter = iter(range(10_000))

    @settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_ORDER_OF_ARRIVAL)
    def run(order: list[str]) -> None:
        n = next(counter)
        order_no, waybill = f"EXP2026031200{n:04d}", f"SZX2603120{n:04d}"
        documents = {
            "CEB603": s.inventory(order_no=order_no, logistics_no=waybill),
            "CEB303": s.order(order_no=order_no),
            "CEB403": s.receipt(order_no=order_no),
            "CEB505": s.waybill(logistics_no=waybill),
            "CEB507": s.arrival(waybill),
        }
        for code in order:
            clear(s.message(code, documents[code]), SENDER, AT)
        with store.export.reading() as records:
            listed = records.list_by_order(f"{s.EBP_CODE}|{order_no}")
        assert listed is not None
        assert listed.status is flow.Status.RELEASED, order
        left = clear(s.message("CEB509", s.departure(waybill)), SENDER, AT)
        assert statuses(left) == [("899", listed.invt_no)]

    run()


def test_what_the_xsd_refuses_is_refused_whole_with_every_fault(clear: ClearExport) -> None:
    """The reader checks structure, not lengths; clearance checks the facets of both versions:
    a 200-character waybill number (over 2018's 80) and an 80-character guid are refused
    before anything is stored, every fault named; a 40-character one fits 2018 and is taken."""
    message = s.message("CEB505", s.waybill(logistics_no="L" * 200), guid="G" * 80)
    with pytest.raises(Unfit) as refused:
        clear(message, SENDER, AT)
    assert {(v.path, v.code) for v in refused.value.violations} == {
        ("@guid", "CEB505.guid.wrong_length"),
        ("Logistics[1]/logisticsNo", "CEB505.logisticsNo.too_long"),
    }
    bad_pod = s.message("CEB603", s.inventory(pod="50"))
    with pytest.raises(Unfit) as short:
        clear(bad_pod, SENDER, AT)
    assert [v.path for v in short.value.violations] == ["Inventory[1]/InventoryHead/POD"]
    taken = clear(s.message("CEB505", s.waybill(logistics_no="L" * 40)), SENDER, AT)
    assert own(taken).return_status == "120"
