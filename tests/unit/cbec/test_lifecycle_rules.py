"""The lifecycle rules as pure functions (``cbec.lifecycle``): one test per rule and code,
and the arithmetic of returns — any split of a line into returns gives back exactly its
value and its tax, never more, never a negative amount."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

import builders as b
import lifecycle_builders as lb
from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.cbec.lifecycle.cancellation import cancel_violations, cancellation
from tradewindow.cbec.lifecycle.parcels import may_leave, status_violations
from tradewindow.cbec.lifecycle.returns import (
    days_since_release,
    return_deadline,
    return_violations,
    returned_lines,
)
from tradewindow.cbec.lifecycle.state import Bill, ListState, Taxes
from tradewindow.cbec.ports import DocStatus

INVT_NO = "53492026I000000001"
KEY = f"{b.EBP_CODE}|{b.ORDER_NO}"
D = Decimal
LISTED = msgspec.structs.replace(
    b.inventory(), head=msgspec.structs.replace(b.inventory().head, invt_no=INVT_NO)
)
BILL = Bill(
    tax_no=f"{INVT_NO}01",
    issued=Taxes(D(0), D("126.61"), D("49.92")),
    lines={
        1: Taxes(D(0), D("43.26"), D("49.92")),
        2: Taxes(D(0), D("71.52"), D(0)),
        3: Taxes(D(0), D("11.83"), D(0)),
    },
)


def state(status: DocStatus = DocStatus.RELEASED, **fields: object) -> ListState:
    base = ListState(key=KEY, status=status, inventory=LISTED, released_at=b.NOW, bill=BILL)
    return msgspec.structs.replace(base, **fields)


def codes(found: list) -> list[str]:  # type: ignore[type-arg]
    return [v.code for v in found]


# --- cancellation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [DocStatus.WAITING, DocStatus.REVIEW, DocStatus.INSPECTION, DocStatus.AGENCIES,
     DocStatus.RELEASED],
)  # fmt: skip
def test_a_list_inside_the_site_may_be_cancelled(status: DocStatus) -> None:
    assert cancel_violations(lb.cancel(LISTED, INVT_NO), state(status)) == []


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (DocStatus.CANCELLED, "CEB623.invtNo.already_cancelled"),
        (DocStatus.RETURNED, "CEB623.invtNo.not_declared"),
        (DocStatus.DELETED, "CEB623.invtNo.unknown"),
    ],
)
def test_a_list_not_on_file_as_declared_cannot_be_cancelled(status: DocStatus, code: str) -> None:
    assert codes(cancel_violations(lb.cancel(LISTED, INVT_NO), state(status))) == [code]


def test_no_list_or_another_number_is_unknown() -> None:
    cancel = lb.cancel(LISTED, INVT_NO)
    assert codes(cancel_violations(cancel, None)) == ["CEB623.invtNo.unknown"]
    other = lb.cancel(LISTED, "53492026I000000002")
    assert codes(cancel_violations(other, state())) == ["CEB623.invtNo.unknown"]


def test_goods_signed_for_are_returned_not_cancelled() -> None:
    found = cancel_violations(lb.cancel(LISTED, INVT_NO), state(signed_at=b.NOW))
    assert codes(found) == ["CEB623.invtNo.delivered"]


def test_every_mismatch_is_listed_with_the_status() -> None:
    cancel = lb.cancel(
        LISTED, INVT_NO, agent_code="X", ebc_code="Y", buyer_id_number=b.OTHER_BUYER_ID,
        logistics_no="SF0",
    )  # fmt: skip
    found = cancel_violations(cancel, state(DocStatus.CANCELLED))
    assert codes(found) == [
        "CEB623.agentCode.not_declarant",
        "CEB623.ebcCode.not_declarant",
        "CEB623.buyerIdNumber.mismatch",
        "CEB623.logisticsNo.mismatch",
        "CEB623.invtNo.already_cancelled",
    ]


def test_cancelling_a_released_list_gives_back_its_value_and_voids_its_bill() -> None:
    undone = cancellation(state())
    assert undone.quota_restored == D("1320.00")
    assert undone.taxes_voided == BILL.issued


def test_cancelling_before_release_gives_back_nothing() -> None:
    undone = cancellation(state(DocStatus.AGENCIES, bill=None))
    assert (undone.quota_restored, undone.taxes_voided) == (0, Taxes())


# --- returns -----------------------------------------------------------------------------


def test_the_window_is_30_china_days_from_the_release_day() -> None:
    released = b.NOW  # 2026-03-01 12:00 China time
    assert days_since_release(released, released + timedelta(days=30, hours=11)) == 30
    assert days_since_release(released, released + timedelta(days=30, hours=12)) == 31
    deadline = return_deadline(released).astimezone(CHINA_TZ)
    assert (deadline.month, deadline.day, deadline.hour, deadline.minute) == (3, 31, 23, 59)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ({1: D(1)}, []),
        ({1: D(3)}, ["CEB625.qty.exceeds"]),
        ({4: D(1)}, ["CEB625.gnum.unknown"]),
    ],
)
def test_each_line_is_checked_against_the_list(
    lines: dict[int, Decimal], expected: list[str]
) -> None:
    refund = lb.refund(LISTED, INVT_NO, lines)
    assert codes(return_violations(refund, state(), b.NOW)) == expected


def test_a_return_late_or_of_a_list_not_released_is_refused() -> None:
    refund = lb.refund(LISTED, INVT_NO, {1: D(1)})
    late = b.NOW + timedelta(days=31)
    assert codes(return_violations(refund, state(), late)) == ["CEB625.appTime.too_late"]
    waiting = state(DocStatus.WAITING, released_at=None)
    assert codes(return_violations(refund, waiting, b.NOW)) == ["CEB625.invtNo.not_released"]
    cancelled = state(DocStatus.CANCELLED)
    assert codes(return_violations(refund, cancelled, b.NOW)) == ["CEB625.invtNo.cancelled"]


_SPLITS = st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=5)


@given(line=st.sampled_from([1, 2, 3]), parts=_SPLITS)
def test_any_split_of_a_line_gives_back_exactly_its_value_and_tax(
    line: int, parts: list[int]
) -> None:
    """The line returned in ``parts`` (shares of its quantity), in order: each amount is
    ≥ 0, the quantity never passes what was released, and the whole line gives back exactly
    its value (its share of the freight included) and its tax."""
    item = LISTED.items[line - 1]
    total_parts = sum(parts)
    current = state()
    returned_qty = D(0)
    for index, part in enumerate(parts):
        qty = (item.qty * part / total_parts).quantize(D("0.00001"))
        if index == len(parts) - 1:
            qty = item.qty - returned_qty
        if qty <= 0:
            continue
        refund = lb.refund(LISTED, INVT_NO, {line: qty}, tag=str(index))
        assert return_violations(refund, current, b.NOW) == []
        made = returned_lines(f"r{index}", refund, current, DocStatus.RELEASED, b.NOW)
        assert all(m.value >= 0 and m.value_added_tax >= 0 for m in made)
        current = msgspec.structs.replace(current, returned=(*current.returned, *made))
        returned_qty += qty
    assert returned_qty == item.qty
    value = sum((r.value for r in current.returned), D(0))
    assert value == current.line_values()[line]
    vat = sum((r.value_added_tax for r in current.returned), D(0))
    consumption = sum((r.consumption_tax for r in current.returned), D(0))
    assert (vat, consumption) == (
        BILL.lines[line].value_added_tax,
        BILL.lines[line].consumption_tax,
    )
    one_more = lb.refund(LISTED, INVT_NO, {line: D("0.00001")}, tag="more")
    assert codes(return_violations(one_more, current, b.NOW)) == ["CEB625.qty.exceeds"]


# --- parcels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "arrived", "wholly", "expected"),
    [
        (DocStatus.RELEASED, True, False, []),
        (DocStatus.RELEASED, False, False, ["gate.parcel.not_arrived"]),
        (DocStatus.AGENCIES, True, False, ["gate.parcel.not_released"]),
        (DocStatus.CANCELLED, True, False, ["gate.parcel.cancelled"]),
        (DocStatus.RELEASED, True, True, ["gate.parcel.returned"]),
        (None, False, False, ["gate.parcel.no_list", "gate.parcel.not_arrived"]),
    ],
)
def test_the_parcel_gate(
    status: DocStatus | None, arrived: bool, wholly: bool, expected: list[str]
) -> None:
    check = may_leave(status, b.NOW if arrived else None, wholly)
    assert codes(list(check.violations)) == expected
    assert check.allowed == (expected == [])


def test_a_status_is_for_a_waybill_on_file_once() -> None:
    status = lb.waybill_status(b.waybill())
    assert codes(status_violations(status, False, None)) == ["CEB513.logisticsNo.unknown"]
    assert codes(status_violations(status, True, b.NOW)) == ["CEB513.appType.duplicate"]
    change = lb.waybill_status(b.waybill(), app_type="2")
    assert codes(status_violations(change, True, None)) == ["CEB513.appType.not_found"]
    assert status_violations(change, True, b.NOW) == []
