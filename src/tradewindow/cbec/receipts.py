"""Receipts (回执) the customs side returns, field for field as the 202205 XSD defines them.

CEB312 OrderReturn, CEB412 PaymentReturn, CEB512 LogisticsReturn, CEB622 InventoryReturn,
CEB816 electronic tax bill (TaxHeadRd + TaxListRd) and CEB900 MessageReturn for a message
that could not be read at all; after release CEB514 LogisticsStatusReturn, CEB624
InvtCancelReturn, CEB626 InvtRefundReturn and CEB712 DeliveryReturn.
"""

from __future__ import annotations

import enum
import functools
from datetime import datetime
from decimal import Decimal

import msgspec

from tradewindow.cbec.documents import CHINA_TZ


class ReturnStatus(enum.StrEnum):
    """回执状态 as the CEB spec (202205, tables 3-x) defines it."""

    STAGED = "1"  # 电子口岸已暂存
    DECLARING = "2"  # 电子口岸申报中
    SENT = "3"  # 发送海关成功
    SEND_FAILED = "4"  # 发送海关失败
    RETURNED = "100"  # 海关退单
    ACCEPTED = "120"  # 海关入库
    MANUAL_REVIEW = "300"  # 人工审核
    CONCLUDED = "399"  # 海关审结
    INSPECTION = "500"  # 海关查验
    RELEASED = "800"  # 放行
    CLOSED = "899"  # 结关


@functools.lru_cache(maxsize=64)
def return_time(at: datetime) -> str:
    """``yyyyMMddHHmmssfff`` in China time, as every receipt's returnTime (remembered: a unit
    of work answers every document at one instant)."""
    local = at.astimezone(CHINA_TZ)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


class _Receipt(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True):
    pass


class OrderReturn(_Receipt, kw_only=True):
    guid: str
    ebp_code: str
    ebc_code: str
    order_no: str
    return_status: str
    return_time: str
    return_info: str


class PaymentReturn(_Receipt, kw_only=True):
    guid: str
    pay_code: str
    pay_transaction_id: str
    return_status: str
    return_time: str
    return_info: str


class LogisticsReturn(_Receipt, kw_only=True):
    guid: str
    logistics_code: str
    logistics_no: str
    return_status: str
    return_time: str
    return_info: str


class InventoryReturn(_Receipt, kw_only=True):
    guid: str
    customs_code: str | None = None
    ebp_code: str | None = None
    ebc_code: str | None = None
    agent_code: str | None = None
    cop_no: str
    pre_no: str
    invt_no: str | None = None
    return_status: str
    return_time: str
    return_info: str


class LogisticsStatusReturn(_Receipt, kw_only=True):
    """CEB514 (spec 202205 表 3-28)."""

    guid: str
    logistics_code: str
    logistics_no: str
    logistics_status: str
    return_status: str
    return_time: str
    return_info: str


class InvtCancelReturn(_Receipt, kw_only=True):
    """CEB624 (spec 202205 表 3-42); preNo is the cancellation's own e-port number."""

    guid: str
    customs_code: str | None = None
    agent_code: str | None = None
    ebp_code: str | None = None
    ebc_code: str | None = None
    cop_no: str
    pre_no: str
    invt_no: str | None = None
    return_status: str
    return_time: str
    return_info: str


class InvtRefundReturn(_Receipt, kw_only=True):
    """CEB626 (spec 202205 表 3-49); preNo is the return application's own e-port number."""

    guid: str
    customs_code: str | None = None
    agent_code: str | None = None
    ebp_code: str | None = None
    ebc_code: str | None = None
    cop_no: str
    pre_no: str
    invt_no: str | None = None
    return_status: str
    return_time: str
    return_info: str


class DeliveryReturn(_Receipt, kw_only=True):
    """CEB712 (spec 202205 表 3-56)."""

    guid: str
    customs_code: str | None = None
    operator_code: str | None = None
    cop_no: str | None = None
    pre_no: str | None = None
    rkd_no: str | None = None
    return_status: str
    return_time: str
    return_info: str


class TaxHeadRd(_Receipt, kw_only=True):
    guid: str
    return_time: str
    invt_no: str
    tax_no: str
    customs_tax: Decimal
    value_added_tax: Decimal
    consumption_tax: Decimal
    status: str  # 1 已生成 (issued), 2 已缴 (paid) …
    ent_duty_no: str | None = None
    note: str | None = None
    assure_code: str | None = None
    ebc_code: str | None = None
    logistics_code: str | None = None
    agent_code: str | None = None
    customs_code: str | None = None

    @property
    def total(self) -> Decimal:
        """What the bill charges: customs duty + import VAT + consumption tax."""
        return self.customs_tax + self.value_added_tax + self.consumption_tax


class TaxListRd(_Receipt, kw_only=True):
    gnum: int
    gcode: str
    tax_price: Decimal
    customs_tax: Decimal
    value_added_tax: Decimal
    consumption_tax: Decimal


class TaxBill(msgspec.Struct, kw_only=True):
    head: TaxHeadRd = msgspec.field(name="TaxHeadRd")
    items: list[TaxListRd] = msgspec.field(name="TaxListRd")


class MessageReturn(_Receipt, kw_only=True):
    """CEB900: the message as a whole could not be read (format or schema error)."""

    guid: str
    return_status: str
    return_info: str
    return_time: str
    ori_cop_msg_id: str
    ori_message_type: str
    ori_biz_message: str


Receipt = OrderReturn | PaymentReturn | LogisticsReturn | InventoryReturn
LifecycleReceipt = LogisticsStatusReturn | InvtCancelReturn | InvtRefundReturn | DeliveryReturn


class _ReceiptMessage(msgspec.Struct, kw_only=True, tag_field="messageType", omit_defaults=True):
    guid: str
    version: str = "1.0"


class OrderReturnMessage(_ReceiptMessage, tag="CEB312", kw_only=True):
    returns: list[OrderReturn] = msgspec.field(name="OrderReturn")


class PaymentReturnMessage(_ReceiptMessage, tag="CEB412", kw_only=True):
    returns: list[PaymentReturn] = msgspec.field(name="PaymentReturn")


class LogisticsReturnMessage(_ReceiptMessage, tag="CEB512", kw_only=True):
    returns: list[LogisticsReturn] = msgspec.field(name="LogisticsReturn")


class InventoryReturnMessage(_ReceiptMessage, tag="CEB622", kw_only=True):
    returns: list[InventoryReturn] = msgspec.field(name="InventoryReturn")


class LogisticsStatusReturnMessage(_ReceiptMessage, tag="CEB514", kw_only=True):
    returns: list[LogisticsStatusReturn] = msgspec.field(name="LogisticsStatusReturn")


class InvtCancelReturnMessage(_ReceiptMessage, tag="CEB624", kw_only=True):
    returns: list[InvtCancelReturn] = msgspec.field(name="InvtCancelReturn")


class InvtRefundReturnMessage(_ReceiptMessage, tag="CEB626", kw_only=True):
    returns: list[InvtRefundReturn] = msgspec.field(name="InvtRefundReturn")


class DeliveryReturnMessage(_ReceiptMessage, tag="CEB712", kw_only=True):
    returns: list[DeliveryReturn] = msgspec.field(name="DeliveryReturn")


class TaxBillMessage(_ReceiptMessage, tag="CEB816", kw_only=True):
    taxes: list[TaxBill] = msgspec.field(name="Tax")


class FormatErrorMessage(_ReceiptMessage, tag="CEB900", kw_only=True):
    message_return: MessageReturn = msgspec.field(name="MessageReturn")


ReceiptMessage = (
    OrderReturnMessage
    | PaymentReturnMessage
    | LogisticsReturnMessage
    | InventoryReturnMessage
    | LogisticsStatusReturnMessage
    | InvtCancelReturnMessage
    | InvtRefundReturnMessage
    | DeliveryReturnMessage
    | TaxBillMessage
    | FormatErrorMessage
)
