"""What a list is after its declaration, as the cancellation and return rules read it (pure).

:class:`ListState` gathers what the store knows of one inventory list — its status, its
document, when it was released, its tax bill and what changed it since, the lines returned,
whether its parcel arrived at the supervised site and whether it left it — so that the rules
in :mod:`.cancellation`, :mod:`.returns` and :mod:`.parcels` are functions of values only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import msgspec

from tradewindow.cbec.documents import Inventory, InventoryItem
from tradewindow.cbec.ports import (
    DocStatus,
    ParcelEvent,
    ReturnedLine,
    TaxAdjustment,
    TaxBillRecord,
)
from tradewindow.cbec.receipts import TaxBill, TaxListRd
from tradewindow.cbec.tax import allocate

ZERO = Decimal(0)
_BILL = msgspec.json.Decoder(TaxBill)


class Taxes(msgspec.Struct, frozen=True):
    """Customs duty, import VAT and consumption tax, in CNY."""

    customs_tax: Decimal = ZERO
    value_added_tax: Decimal = ZERO
    consumption_tax: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.customs_tax + self.value_added_tax + self.consumption_tax

    def __add__(self, other: Taxes) -> Taxes:
        return Taxes(
            self.customs_tax + other.customs_tax,
            self.value_added_tax + other.value_added_tax,
            self.consumption_tax + other.consumption_tax,
        )

    def __neg__(self) -> Taxes:
        return Taxes(-self.customs_tax, -self.value_added_tax, -self.consumption_tax)


class Bill(msgspec.Struct, frozen=True, kw_only=True):
    """A list's CEB816 tax bill as issued, its lines by gnum, and every change since."""

    tax_no: str
    issued: Taxes
    lines: dict[int, Taxes]
    adjustments: tuple[TaxAdjustment, ...] = ()

    @property
    def now(self) -> Taxes:
        """What the bill charges today: as issued plus every (negative) adjustment."""
        total = self.issued
        for a in self.adjustments:
            total = total + Taxes(a.customs_tax, a.value_added_tax, a.consumption_tax)
        return total

    @property
    def void(self) -> bool:
        return self.now.total == 0


class ListState(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    status: DocStatus
    inventory: Inventory
    released_at: datetime | None = None
    bill: Bill | None = None
    returned: tuple[ReturnedLine, ...] = ()
    arrived_at: datetime | None = None
    signed_at: datetime | None = None  # the parcel was signed for: it left the site

    @property
    def invt_no(self) -> str | None:
        return self.inventory.head.invt_no

    def line(self, gnum: int) -> InventoryItem | None:
        return next((item for item in self.inventory.items if item.gnum == gnum), None)

    def counted(self) -> list[ReturnedLine]:
        """Returns that count against the list: accepted or still waiting for an officer."""
        return [r for r in self.returned if r.status in (DocStatus.RELEASED, DocStatus.PENDING)]

    def returned_qty(self, gnum: int) -> Decimal:
        return sum((r.qty for r in self.counted() if r.gnum == gnum), ZERO)

    def line_values(self) -> dict[int, Decimal]:
        """Each line's share of the transaction value: its totalPrice plus its share of the
        head's freight and insurance (in proportion to totalPrice, as the tax bill's
        完税价格), so that the shares add up to the value the buyer's annual total grew by."""
        items = self.inventory.items
        head = self.inventory.head
        shares = allocate(head.freight + head.insured_fee, [i.total_price for i in items])
        return {
            item.gnum: item.total_price + share for item, share in zip(items, shares, strict=True)
        }


def bill_of(record: TaxBillRecord, adjustments: Sequence[TaxAdjustment]) -> Bill:
    decoded = _BILL.decode(record.body)
    return Bill(
        tax_no=record.tax_no,
        issued=Taxes(record.customs_tax, record.value_added_tax, record.consumption_tax),
        lines={line.gnum: _taxes(line) for line in decoded.items},
        adjustments=tuple(a for a in adjustments if a.tax_no == record.tax_no),
    )


def _taxes(line: TaxListRd) -> Taxes:
    return Taxes(line.customs_tax, line.value_added_tax, line.consumption_tax)


def parcel_times(
    events: Sequence[ParcelEvent], waybill_key: str
) -> tuple[datetime | None, datetime | None]:
    """(arrived, signed for) of one parcel: the first of each kind on file."""
    arrived = min(
        (e.at for e in events if e.waybill_key == waybill_key and e.kind == "arrived"), default=None
    )
    signed = min(
        (e.at for e in events if e.waybill_key == waybill_key and e.kind == "signed"), default=None
    )
    return arrived, signed
