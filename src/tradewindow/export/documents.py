"""The export documents of China Customs' CBEC unified system, field for field.

Element names and order follow the export XSDs of both spec versions
(``出口业务节点报文.xsd``, 2018 No.113, and ``海关跨境出口业务节点报文定义202205.xsd``), spelled
in snake_case here and camelCase on the wire (``POD`` keeps its capitals). The two versions
have the same elements in the same order; they differ in length facets only (202205:
ebpCode ≤ 18 and logisticsNo ≤ 32 where 2018 allows 50 and 80, invtNo ≤ 20 where 2018 says
exactly 18) and in two additions of 202205: the export returns CEB213 / CEB215 and
``SummaryResultList/gseqno`` of CEB792 (see :mod:`tradewindow.export.receipts`).

As on import, codes and timestamps stay in their CEB lexical form and amounts are
``Decimal``; :mod:`tradewindow.cbec.documents` gives the shared ``BaseTransfer`` and the time
helpers.

(Over 400 lines: Structs only, field for field as the export XSDs, both versions' documents
beside the shared base types.)
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import msgspec

from tradewindow.cbec.documents import BaseTransfer


class _Doc(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True):
    pass


# --- CEB303 order (电子订单, 出口) ------------------------------------------------------------


class OrderHead(_Doc, kw_only=True):
    """订单表头 (202205 表 2-3): orderType E retail, B B2B, W foreign-trade service."""

    guid: str
    app_type: str
    app_time: str
    app_status: str
    order_type: str
    order_no: str
    ebp_code: str
    ebp_name: str
    ebc_code: str
    ebc_name: str
    goods_value: Decimal
    freight: Decimal
    currency: str
    note: str | None = None


class OrderItem(_Doc, kw_only=True):
    """订单商品表体: one line; gnum ties it to the list's line."""

    gnum: int
    item_no: str
    item_name: str
    item_describe: str | None = None
    bar_code: str | None = None
    unit: str
    currency: str
    qty: Decimal
    price: Decimal
    total_price: Decimal
    note: str | None = None


class Order(msgspec.Struct, kw_only=True):
    """电子订单: the platform's (or, for 9810, the warehouse booking's) order."""

    element: ClassVar[str] = "Order"
    max_occurs: ClassVar[dict[str, int]] = {"OrderList": 100}  # both export XSDs (import: 99)
    head: OrderHead = msgspec.field(name="OrderHead")
    items: list[OrderItem] = msgspec.field(name="OrderList")


# --- CEB403 receipt of payment (收款单) ------------------------------------------------------


class Receipt(_Doc, kw_only=True):
    """收款单: the payment firm reports the money received for an order."""

    element: ClassVar[str] = "Receipts"
    guid: str
    app_type: str
    app_time: str
    app_status: str
    ebp_code: str
    ebp_name: str
    ebc_code: str
    ebc_name: str
    order_no: str
    pay_code: str | None = None
    pay_name: str
    pay_no: str | None = None
    charge: Decimal
    currency: str
    accounting_date: str
    note: str | None = None

    @property
    def head(self) -> Receipt:
        """The document itself: a flat element with no head of its own."""
        return self


# --- CEB505 waybill (物流运单) ---------------------------------------------------------------


class Waybill(_Doc, kw_only=True):
    """物流运单: the logistics firm's parcel."""

    element: ClassVar[str] = "Logistics"
    guid: str
    app_type: str
    app_time: str
    app_status: str
    logistics_code: str
    logistics_name: str
    logistics_no: str
    freight: Decimal
    insured_fee: Decimal
    currency: str
    gross_weight: Decimal
    pack_no: int
    goods_info: str
    ebc_code: str | None = None
    ebc_name: str | None = None
    ebc_telephone: str | None = None
    note: str | None = None

    @property
    def head(self) -> Waybill:
        """The document itself: a flat element with no head of its own."""
        return self


# --- CEB507 arrival at the supervised site (运抵单) ------------------------------------------


class ArrivalHead(_Doc, kw_only=True):
    """运抵单表头: the site operator reports a vehicle's parcels arrived."""

    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    cop_no: str
    pre_no: str | None = None
    operator_code: str
    operator_name: str
    loct_no: str | None = None
    ie_flag: str
    traf_mode: str
    bill_no: str | None = None
    domestic_traf_no: str
    logistics_code: str
    logistics_name: str
    msg_count: int
    msg_seq_no: int
    note: str | None = None


class ArrivalItem(_Doc, kw_only=True):
    """运抵单表体: one parcel by its waybill number (the list may be empty)."""

    gnum: int
    logistics_no: str
    total_package_no: str | None = None
    note: str | None = None


class Arrival(msgspec.Struct, kw_only=True):
    """物流运抵单."""

    element: ClassVar[str] = "Arrival"
    head: ArrivalHead = msgspec.field(name="ArrivalHead")
    items: list[ArrivalItem] = msgspec.field(name="ArrivalList", default_factory=list)


# --- CEB509 departure (离境单) ---------------------------------------------------------------


class DepartureHead(_Doc, kw_only=True):
    """离境单表头: the conveyance and its time of leaving."""

    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    cop_no: str
    pre_no: str | None = None
    logistics_code: str
    logistics_name: str
    traf_mode: str
    traf_name: str | None = None
    voyage_no: str | None = None
    bill_no: str | None = None
    leave_time: str
    msg_count: int
    msg_seq_no: int
    note: str | None = None


class DepartureItem(_Doc, kw_only=True):
    """离境单表体: one parcel that left."""

    gnum: int
    total_package_no: str | None = None
    logistics_no: str
    note: str | None = None


class Departure(msgspec.Struct, kw_only=True):
    """物流离境单."""

    element: ClassVar[str] = "Departure"
    head: DepartureHead = msgspec.field(name="DepartureHead")
    items: list[DepartureItem] = msgspec.field(name="DepartureList")


# --- CEB603 export inventory list (申报清单) -------------------------------------------------


class InventoryHead(_Doc, kw_only=True):
    """出口清单表头: statisticsFlag A simplified, B summary declaration; tradeMode 9610 retail,
    9710 B2B direct, 9810 overseas warehouse, 1210 bonded."""

    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    ebp_code: str
    ebp_name: str
    order_no: str
    logistics_code: str
    logistics_name: str
    logistics_no: str
    cop_no: str
    pre_no: str | None = None
    invt_no: str | None = None
    ie_flag: str
    port_code: str
    ie_date: str
    statistics_flag: str
    agent_code: str
    agent_name: str
    ebc_code: str
    ebc_name: str
    owner_code: str
    owner_name: str
    iac_code: str | None = None
    iac_name: str | None = None
    ems_no: str | None = None
    trade_mode: str
    traf_mode: str
    traf_name: str | None = None
    voyage_no: str | None = None
    bill_no: str | None = None
    total_package_no: str | None = None
    loct_no: str | None = None
    license_no: str | None = None
    country: str
    pod: str = msgspec.field(name="POD")
    freight: Decimal
    f_currency: str
    f_flag: str
    insured_fee: Decimal
    i_currency: str
    i_flag: str
    wrap_type: str
    pack_no: int
    gross_weight: Decimal
    net_weight: Decimal
    note: str | None = None


class InventoryItem(_Doc, kw_only=True):
    """出口清单表体: gcode is the 10-digit HS code, country the final destination."""

    gnum: int
    item_no: str
    item_record_no: str | None = None
    item_name: str | None = None
    gcode: str
    gname: str
    gmodel: str
    bar_code: str
    country: str
    currency: str
    qty: Decimal
    qty1: Decimal
    qty2: Decimal | None = None
    unit: str
    unit1: str
    unit2: str | None = None
    price: Decimal
    total_price: Decimal
    note: str | None = None


class Inventory(msgspec.Struct, kw_only=True):
    """出口申报清单."""

    element: ClassVar[str] = "Inventory"
    max_occurs: ClassVar[dict[str, int]] = {"InventoryList": 100}  # both export XSDs (import: 99)
    head: InventoryHead = msgspec.field(name="InventoryHead")
    items: list[InventoryItem] = msgspec.field(name="InventoryList")


# --- CEB605 cancellation (撤销申请单) --------------------------------------------------------


class InvtCancel(_Doc, kw_only=True):
    """撤销申请单: the declaring agent withdraws a list before departure."""

    element: ClassVar[str] = "InvtCancel"
    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    cop_no: str
    pre_no: str | None = None
    invt_no: str
    reason: str
    agent_code: str
    agent_name: str
    ebc_code: str
    ebc_name: str
    note: str | None = None

    @property
    def head(self) -> InvtCancel:
        """The document itself: a flat element with no head of its own."""
        return self


# --- CEB607 master/house waybill link (清单总分单) --------------------------------------------


class WayBillHead(_Doc, kw_only=True):
    """清单总分单表头: the master bill and conveyance the parcels are loaded under."""

    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    cop_no: str
    pre_no: str | None = None
    agent_code: str
    agent_name: str
    loct_no: str | None = None
    traf_mode: str
    traf_name: str
    voyage_no: str
    bill_no: str
    domestic_traf_no: str | None = None
    gross_weight: Decimal
    logistics_code: str
    logistics_name: str
    msg_count: int
    msg_seq_no: int
    note: str | None = None


class WayBillItem(_Doc, kw_only=True):
    """清单总分单表体: one parcel (house waybill) and its list."""

    gnum: int
    total_package_no: str | None = None
    logistics_no: str
    invt_no: str | None = None
    note: str | None = None


class WayBill(msgspec.Struct, kw_only=True):
    """清单总分单."""

    element: ClassVar[str] = "WayBill"
    head: WayBillHead = msgspec.field(name="WayBillHead")
    items: list[WayBillItem] = msgspec.field(name="WayBillList")


# --- CEB701 summary application (汇总申请单) -------------------------------------------------


class SummaryApplyHead(_Doc, kw_only=True):
    """汇总申请单表头: summaryFlag 1 by consignor, 2 by consignor and producer."""

    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    cop_no: str
    pre_no: str | None = None
    sum_no: str | None = None
    agent_code: str
    agent_name: str
    ebc_code: str
    ebc_name: str
    decl_agent_code: str
    decl_agent_name: str
    start_time: str | None = None
    end_time: str | None = None
    loct_no: str | None = None
    summary_flag: str
    item_name_flag: str
    msg_count: int
    msg_seq_no: int
    note: str | None = None


class SummaryApplyItem(_Doc, kw_only=True):
    """汇总申请单表体: one list to summarise (none: every list in the time range)."""

    invt_no: str


class SummaryApply(msgspec.Struct, kw_only=True):
    """汇总申请单."""

    element: ClassVar[str] = "SummaryApply"
    head: SummaryApplyHead = msgspec.field(name="SummaryApplyHead")
    items: list[SummaryApplyItem] = msgspec.field(name="SummaryApplyList", default_factory=list)


# --- CEB213 return of exported goods (退货申请单, 202205 only) ---------------------------------


class InvtRefundHead(_Doc, kw_only=True):
    """退货申请单表头: goods exported under invtNo come back (ieFlag I)."""

    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    loct_no: str | None = None
    ebp_code: str
    ebp_name: str
    ebc_code: str
    ebc_name: str
    logistics_no: str
    logistics_code: str
    logistics_name: str
    co_el_no: str
    pre_no: str | None = None
    invt_no: str
    trade_mode: str | None = None
    agent_code: str
    agent_name: str
    bill_no: str
    ie_flag: str
    traf_mode: str
    traf_name: str
    port_code: str
    reason: str
    country: str
    voyage_no: str
    note: str | None = None


class InvtRefundItem(_Doc, kw_only=True):
    """退货申请单表体: a line of the original list, by its gnum; qty at most as declared."""

    gnum: int
    gcode: str
    gname: str
    gmodel: str
    qty: Decimal
    qty1: Decimal
    unit: str
    unit1: str
    qty2: Decimal | None = None
    unit2: str | None = None
    note: str | None = None


class InvtRefund(msgspec.Struct, kw_only=True):
    """退货申请单."""

    element: ClassVar[str] = "InvtRefund"
    max_occurs: ClassVar[dict[str, int]] = {"InvtRefundList": 100}  # both export XSDs (import: 99)
    head: InvtRefundHead = msgspec.field(name="InvtRefundHead")
    items: list[InvtRefundItem] = msgspec.field(name="InvtRefundList")


# --- CEB215 tally of returned parcels (理货明细单 (运抵), 202205 only) ------------------------


class InvtRefundDetail(_Doc, kw_only=True):
    """理货明细单: the site operator tallies a returned parcel arrived."""

    element: ClassVar[str] = "InvtRefundDetail"
    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    operator_code: str
    operator_name: str
    logistics_code: str
    logistics_name: str
    logistics_no: str
    invt_no: str | None = None
    co_el_no: str
    pre_no: str | None = None
    bill_no: str
    ie_flag: str
    traf_mode: str
    traf_name: str
    voyage_no: str
    location: str | None = None
    note: str | None = None

    @property
    def head(self) -> InvtRefundDetail:
        """The document itself: a flat element with no head of its own."""
        return self


# --- messages ------------------------------------------------------------------------------


class _Message(msgspec.Struct, kw_only=True, tag_field="messageType", omit_defaults=True):
    guid: str
    version: str = "1.0"
    base_transfer: BaseTransfer = msgspec.field(name="BaseTransfer")


class OrderMessage(_Message, tag="CEB303", kw_only=True):
    orders: list[Order] = msgspec.field(name="Order")

    @property
    def documents(self) -> list[Order]:
        return self.orders


class ReceiptMessage(_Message, tag="CEB403", kw_only=True):
    receipts: list[Receipt] = msgspec.field(name="Receipts")

    @property
    def documents(self) -> list[Receipt]:
        return self.receipts


class WaybillMessage(_Message, tag="CEB505", kw_only=True):
    waybills: list[Waybill] = msgspec.field(name="Logistics")

    @property
    def documents(self) -> list[Waybill]:
        return self.waybills


class ArrivalMessage(_Message, tag="CEB507", kw_only=True):
    arrivals: list[Arrival] = msgspec.field(name="Arrival")

    @property
    def documents(self) -> list[Arrival]:
        return self.arrivals


class DepartureMessage(_Message, tag="CEB509", kw_only=True):
    departures: list[Departure] = msgspec.field(name="Departure")

    @property
    def documents(self) -> list[Departure]:
        return self.departures


class InventoryMessage(_Message, tag="CEB603", kw_only=True):
    inventories: list[Inventory] = msgspec.field(name="Inventory")

    @property
    def documents(self) -> list[Inventory]:
        return self.inventories


class CancelMessage(_Message, tag="CEB605", kw_only=True):
    cancels: list[InvtCancel] = msgspec.field(name="InvtCancel")

    @property
    def documents(self) -> list[InvtCancel]:
        return self.cancels


class WayBillMessage(_Message, tag="CEB607", kw_only=True):
    links: list[WayBill] = msgspec.field(name="WayBill")

    @property
    def documents(self) -> list[WayBill]:
        return self.links


class SummaryApplyMessage(_Message, tag="CEB701", kw_only=True):
    applications: list[SummaryApply] = msgspec.field(name="SummaryApply")

    @property
    def documents(self) -> list[SummaryApply]:
        return self.applications


class RefundMessage(_Message, tag="CEB213", kw_only=True):
    refunds: list[InvtRefund] = msgspec.field(name="InvtRefund")

    @property
    def documents(self) -> list[InvtRefund]:
        return self.refunds


class RefundTallyMessage(_Message, tag="CEB215", kw_only=True):
    tallies: list[InvtRefundDetail] = msgspec.field(name="InvtRefundDetail")

    @property
    def documents(self) -> list[InvtRefundDetail]:
        return self.tallies


ExportMessage = (
    OrderMessage
    | ReceiptMessage
    | WaybillMessage
    | ArrivalMessage
    | DepartureMessage
    | InventoryMessage
    | CancelMessage
    | WayBillMessage
    | SummaryApplyMessage
    | RefundMessage
    | RefundTallyMessage
)
EXPORT_MESSAGE_TYPES: dict[str, type[ExportMessage]] = {
    "CEB303": OrderMessage,
    "CEB403": ReceiptMessage,
    "CEB505": WaybillMessage,
    "CEB507": ArrivalMessage,
    "CEB509": DepartureMessage,
    "CEB603": InventoryMessage,
    "CEB605": CancelMessage,
    "CEB607": WayBillMessage,
    "CEB701": SummaryApplyMessage,
    "CEB213": RefundMessage,
    "CEB215": RefundTallyMessage,
}
# the types the 2018 No.113 export XSD does not define
ONLY_202205 = frozenset({"CEB213", "CEB215"})


def message_type(message: ExportMessage) -> str:
    """The CEB message type code (``CEB603`` …) of an export message."""
    return type(message).__struct_config__.tag  # type: ignore[return-value]
