"""The export records the use cases keep and the answers they give (msgspec Structs)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from tradewindow.export.documents import Inventory
from tradewindow.export.flow import ListFacts, Status
from tradewindow.export.receipts import ExportReceipt
from tradewindow.export.summary import Summary


def order_key(ebp_code: str, order_no: str) -> str:
    """An order, its receipt of payment and its list share ``ebpCode|orderNo`` (spec: 同一交易
    平台的订单编号应唯一)."""
    return f"{ebp_code.upper()}|{order_no}"


def waybill_key(logistics_code: str, logistics_no: str) -> str:
    """A waybill is ``logisticsCode|logisticsNo`` (同一物流企业的运单编号在6个月内不重复)."""
    return f"{logistics_code.upper()}|{logistics_no}"


class ExportList(msgspec.Struct, kw_only=True):
    """One export list as it stands. ``invt_no`` is given when it is accepted."""

    order_key: str
    waybill_key: str
    owner: str  # the party that filed it (its principal's filer)
    inventory: Inventory
    facts: ListFacts
    status: Status
    invt_no: str | None = None
    filed_at: datetime
    departed_on: date | None = None
    sum_no: str | None = None
    codes: tuple[str, ...] = ()  # why it was refused, when it was


class SummaryRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A filed summary: its number, the declaration customs made of it, what it holds."""

    sum_no: str
    decl_seq_no: str
    owner: str
    agent_code: str
    customs_code: str
    period: str  # yyyymm of departure
    summary: Summary
    filed_at: datetime


class Addressed(msgspec.Struct, frozen=True, kw_only=True):
    """A receipt and the party it is for (a list's wake-up answers its own filer)."""

    party_id: str
    receipt: ExportReceipt


class ExportAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """Everything one filed message caused: its own receipt first, then any receipts of
    lists it woke or moved on."""

    message_guid: str
    receipts: tuple[Addressed, ...]
    # the codes of each refused document, by its guid (the receipts say them in returnInfo,
    # cut at 1000 characters); ``replayed``: the answer given before to the same guid
    codes: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)
    replayed: bool = False


class ParcelDeparted(msgspec.Struct, frozen=True, kw_only=True):
    """One parcel of a departure: its waybill, its list and the list's consignor."""

    logistics_no: str
    invt_no: str
    ebc_code: str


class ListsDeparted(msgspec.Struct, frozen=True, kw_only=True):
    """A CEB509 departure concluded its lists (told after the commit, for the logistics
    events): the conveyance, the master bill and the parcels that left on it."""

    cop_no: str
    customs_code: str
    logistics_code: str
    traf_mode: str
    traf_name: str | None
    voyage_no: str | None
    bill_no: str | None
    left_at: datetime
    parcels: tuple[ParcelDeparted, ...]
