"""The four import documents of China Customs' CBEC unified system, field for field.

Field names follow the 202205 XSD (``海关跨境进口业务节点报文定义202205.xsd``), spelled in
snake_case here and camelCase on the wire (``acturalPaid`` keeps the spec's own spelling).
The 2018 No.113 version has the same elements; it differs only in two length facets
(InventoryList/itemNo ≤ 30 there, ≤ 20 in 202205; tradeCountry exactly 3 there).

Codes (countries, currencies, units, customs offices, trade modes) and timestamps stay in
their CEB lexical form (``"142"``, ``"20260101120000"``) so that a document re-encodes
byte-for-byte as declared; ``app_time_at`` and friends give timezone-aware values.
Amounts are ``Decimal``.

(Over 400 lines: Structs only, field for field as the XSD; a document's head and lines stay
beside each other and the shared base types.)
"""

from __future__ import annotations

import enum
import functools
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar
from zoneinfo import ZoneInfo

import msgspec

CHINA_TZ = ZoneInfo("Asia/Shanghai")
CNY = "142"  # customs currency code of the renminbi; CEB import amounts are in CNY


class SpecVersion(enum.StrEnum):
    V2018 = "2018-113"
    V202205 = "202205"


class AppType(enum.StrEnum):
    """报送类型: 1 new, 2 change, 3 delete."""

    NEW = "1"
    CHANGE = "2"
    DELETE = "3"


@functools.lru_cache(maxsize=4096)
def parse_app_time(text: str) -> datetime | None:
    """``yyyyMMddHHmmss`` in China time, or None when it is not a real instant (remembered:
    a batch's documents share a few times, and ``strptime`` was a tenth of its checks)."""
    try:
        naive = datetime.strptime(text, "%Y%m%d%H%M%S")  # noqa: DTZ007 - zone applied next line
    except ValueError:
        return None
    return naive.replace(tzinfo=CHINA_TZ)


@functools.lru_cache(maxsize=1024)
def parse_day(text: str) -> date | None:
    """``yyyyMMdd``, or None when it is not a real day (remembered, as above)."""
    try:
        return datetime.strptime(text, "%Y%m%d").replace(tzinfo=CHINA_TZ).date()
    except ValueError:
        return None


class _Doc(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True):
    pass


# --- CEB311 order -------------------------------------------------------------------------


class OrderHead(_Doc, kw_only=True):
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
    discount: Decimal
    tax_total: Decimal
    actural_paid: Decimal
    currency: str
    buyer_reg_no: str
    buyer_name: str
    buyer_telephone: str
    buyer_id_type: str
    buyer_id_number: str
    pay_code: str | None = None
    pay_name: str | None = None
    pay_transaction_id: str | None = None
    batch_numbers: str | None = None
    consignee: str
    consignee_telephone: str
    consignee_address: str
    consignee_district: str | None = None
    note: str | None = None


class OrderItem(_Doc, kw_only=True):
    gnum: int
    item_no: str | None = None
    item_name: str
    gmodel: str
    item_describe: str | None = None
    bar_code: str | None = None
    unit: str
    qty: Decimal
    price: Decimal
    total_price: Decimal
    currency: str
    country: str
    note: str | None = None


class Order(msgspec.Struct, kw_only=True):
    element: ClassVar[str] = "Order"
    head: OrderHead = msgspec.field(name="OrderHead")
    items: list[OrderItem] = msgspec.field(name="OrderList")


# --- CEB411 payment -----------------------------------------------------------------------


class PaymentHead(_Doc, kw_only=True):
    guid: str
    app_type: str
    app_time: str
    app_status: str
    pay_code: str
    pay_name: str
    pay_transaction_id: str
    order_no: str
    ebp_code: str
    ebp_name: str
    payer_id_type: str
    payer_id_number: str
    payer_name: str
    telephone: str | None = None
    amount_paid: Decimal
    currency: str
    pay_time: str
    note: str | None = None


class Payment(msgspec.Struct, kw_only=True):
    element: ClassVar[str] = "Payment"
    head: PaymentHead = msgspec.field(name="PaymentHead")


# --- CEB511 waybill (the spec's "Logistics") --------------------------------------------


class LogisticsHead(_Doc, kw_only=True):
    guid: str
    app_type: str
    app_time: str
    app_status: str
    logistics_code: str
    logistics_name: str
    logistics_no: str
    bill_no: str | None = None
    order_no: str
    freight: Decimal | None = None
    insured_fee: Decimal | None = None
    currency: str
    weight: Decimal
    pack_no: int
    goods_info: str | None = None
    consignee: str
    consignee_address: str
    consignee_telephone: str
    note: str | None = None


class Waybill(msgspec.Struct, kw_only=True):
    element: ClassVar[str] = "Logistics"
    head: LogisticsHead = msgspec.field(name="LogisticsHead")


# --- CEB621 inventory list ----------------------------------------------------------------


class InventoryHead(_Doc, kw_only=True):
    guid: str
    app_type: str
    app_time: str
    app_status: str
    order_no: str
    ebp_code: str
    ebp_name: str
    ebc_code: str
    ebc_name: str
    logistics_no: str
    logistics_code: str
    logistics_name: str
    cop_no: str | None = None
    pre_no: str | None = None
    assure_code: str
    ems_no: str | None = None
    invt_no: str | None = None
    ie_flag: str
    decl_time: str
    customs_code: str
    port_code: str
    ie_date: str | None = None
    buyer_id_type: str
    buyer_id_number: str
    buyer_name: str
    buyer_telephone: str
    consignee_address: str
    agent_code: str
    agent_name: str
    area_code: str | None = None
    area_name: str | None = None
    trade_mode: str
    traf_mode: str
    traf_no: str | None = None
    voyage_no: str | None = None
    bill_no: str | None = None
    loct_no: str | None = None
    license_no: str | None = None
    country: str
    freight: Decimal
    insured_fee: Decimal
    currency: str
    wrap_type: str | None = None
    pack_no: int
    gross_weight: Decimal
    net_weight: Decimal
    note: str | None = None


class InventoryItem(_Doc, kw_only=True):
    gnum: int
    item_record_no: str | None = None
    item_no: str | None = None
    item_name: str | None = None
    gcode: str
    gname: str
    gmodel: str
    bar_code: str | None = None
    country: str
    trade_country: str | None = None
    currency: str
    qty: Decimal
    unit: str
    qty1: Decimal
    unit1: str
    qty2: Decimal | None = None
    unit2: str | None = None
    price: Decimal
    total_price: Decimal
    note: str | None = None


class Inventory(msgspec.Struct, kw_only=True):
    element: ClassVar[str] = "Inventory"
    head: InventoryHead = msgspec.field(name="InventoryHead")
    items: list[InventoryItem] = msgspec.field(name="InventoryList")


Document = Order | Payment | Waybill | Inventory


# --- after release: CEB623 cancellation, CEB625 return, CEB513 status, CEB711 delivery ------
# The same elements in both spec versions (2018 No.113 and 202205 differ in none of them).


class InvtCancel(_Doc, kw_only=True):
    """撤销申请单: the declaring agent asks to cancel a list (spec 202205 表 3-38)."""

    element: ClassVar[str] = "InvtCancel"
    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    order_no: str
    ebp_code: str
    ebp_name: str
    ebc_code: str
    ebc_name: str
    logistics_no: str
    logistics_code: str
    logistics_name: str
    cop_no: str | None = None
    pre_no: str | None = None
    invt_no: str
    buyer_id_type: str
    buyer_id_number: str
    buyer_name: str
    buyer_telephone: str
    agent_code: str
    agent_name: str
    reason: str
    note: str | None = None

    @property
    def head(self) -> InvtCancel:
        """The document itself: a cancellation is one flat element, with no head of its own."""
        return self


class InvtRefundHead(_Doc, kw_only=True):
    """退货申请单表头 (spec 202205 表 3-45)."""

    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    order_no: str
    ebp_code: str
    ebp_name: str
    ebc_code: str
    ebc_name: str
    logistics_no: str
    logistics_code: str
    logistics_name: str
    cop_no: str | None = None
    pre_no: str | None = None
    invt_no: str
    buyer_id_type: str
    buyer_id_number: str
    buyer_name: str
    buyer_telephone: str
    agent_code: str
    agent_name: str
    reason: str
    note: str | None = None


class InvtRefundList(_Doc, kw_only=True):
    """退货申请单表体: one returned line, by its gnum on the original list."""

    gnum: int
    gcode: str
    gname: str
    qty: Decimal
    unit: str
    note: str | None = None


class InvtRefund(msgspec.Struct, kw_only=True):
    element: ClassVar[str] = "InvtRefund"
    head: InvtRefundHead = msgspec.field(name="InvtRefundHead")
    items: list[InvtRefundList] = msgspec.field(name="InvtRefundList")


class LogisticsStatus(_Doc, kw_only=True):
    """物流运单状态: the logistics firm reports the parcel signed for (spec 202205 表 3-24)."""

    element: ClassVar[str] = "LogisticsStatus"
    guid: str
    app_type: str
    app_time: str
    app_status: str
    logistics_code: str
    logistics_name: str
    logistics_no: str
    logistics_status: str
    logistics_time: str
    note: str | None = None

    @property
    def head(self) -> LogisticsStatus:
        return self


class DeliveryHead(_Doc, kw_only=True):
    """入库明细单表头: the supervised site's operator records parcels arrived (表 3-52)."""

    guid: str
    app_type: str
    app_time: str
    app_status: str
    customs_code: str
    cop_no: str | None = None
    pre_no: str | None = None
    rkd_no: str | None = None
    operator_code: str
    operator_name: str
    ie_flag: str
    traf_mode: str
    traf_no: str
    voyage_no: str
    bill_no: str
    logistics_code: str
    logistics_name: str
    unload_location: str | None = None
    note: str | None = None


class DeliveryList(_Doc, kw_only=True):
    gnum: int
    logistics_no: str
    note: str | None = None


class Delivery(msgspec.Struct, kw_only=True):
    element: ClassVar[str] = "Delivery"
    head: DeliveryHead = msgspec.field(name="DeliveryHead")
    items: list[DeliveryList] = msgspec.field(name="DeliveryList")


LifecycleDocument = InvtCancel | InvtRefund | LogisticsStatus | Delivery


# --- messages ------------------------------------------------------------------------------


class BaseTransfer(_Doc, kw_only=True):
    """基础报文传输实体: who sent the message and over which exchange."""

    cop_code: str
    cop_name: str
    dxp_mode: str
    dxp_id: str
    note: str | None = None


class _Message(msgspec.Struct, kw_only=True, tag_field="messageType", omit_defaults=True):
    guid: str
    version: str = "1.0"
    base_transfer: BaseTransfer = msgspec.field(name="BaseTransfer")


class OrderMessage(_Message, tag="CEB311", kw_only=True):
    orders: list[Order] = msgspec.field(name="Order")

    @property
    def documents(self) -> list[Order]:
        return self.orders


class PaymentMessage(_Message, tag="CEB411", kw_only=True):
    payments: list[Payment] = msgspec.field(name="Payment")

    @property
    def documents(self) -> list[Payment]:
        return self.payments


class WaybillMessage(_Message, tag="CEB511", kw_only=True):
    waybills: list[Waybill] = msgspec.field(name="Logistics")

    @property
    def documents(self) -> list[Waybill]:
        return self.waybills


class InventoryMessage(_Message, tag="CEB621", kw_only=True):
    inventories: list[Inventory] = msgspec.field(name="Inventory")

    @property
    def documents(self) -> list[Inventory]:
        return self.inventories


class CancelMessage(_Message, tag="CEB623", kw_only=True):
    cancels: list[InvtCancel] = msgspec.field(name="InvtCancel")

    @property
    def documents(self) -> list[InvtCancel]:
        return self.cancels


class RefundMessage(_Message, tag="CEB625", kw_only=True):
    refunds: list[InvtRefund] = msgspec.field(name="InvtRefund")

    @property
    def documents(self) -> list[InvtRefund]:
        return self.refunds


class WaybillStatusMessage(_Message, tag="CEB513", kw_only=True):
    statuses: list[LogisticsStatus] = msgspec.field(name="LogisticsStatus")

    @property
    def documents(self) -> list[LogisticsStatus]:
        return self.statuses


class DeliveryMessage(_Message, tag="CEB711", kw_only=True):
    """One Delivery per message (the XSD's maxOccurs 1), carried as a list like the others."""

    deliveries: list[Delivery] = msgspec.field(name="Delivery")

    @property
    def documents(self) -> list[Delivery]:
        return self.deliveries


ImportMessage = OrderMessage | PaymentMessage | WaybillMessage | InventoryMessage
LifecycleMessage = CancelMessage | RefundMessage | WaybillStatusMessage | DeliveryMessage
Message = ImportMessage | LifecycleMessage
IMPORT_MESSAGES = (OrderMessage, PaymentMessage, WaybillMessage, InventoryMessage)
LIFECYCLE_MESSAGES = (CancelMessage, RefundMessage, WaybillStatusMessage, DeliveryMessage)

MESSAGE_TYPES: dict[str, type[Message]] = {
    "CEB311": OrderMessage,
    "CEB411": PaymentMessage,
    "CEB511": WaybillMessage,
    "CEB621": InventoryMessage,
    "CEB623": CancelMessage,
    "CEB625": RefundMessage,
    "CEB513": WaybillStatusMessage,
    "CEB711": DeliveryMessage,
}


def message_type(message: Message) -> str:
    """The CEB message type code (``CEB311`` …) of a message."""
    return type(message).__struct_config__.tag  # type: ignore[return-value]
