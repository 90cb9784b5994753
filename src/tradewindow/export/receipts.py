"""What the customs side returns for export messages, field for field from the export XSDs.

Receipts (回执): CEB304 OrderReturn, CEB404 ReceiptsReturn, CEB506 LogisticsReturn, CEB508
ArrivalReturn, CEB510 DepartureReturn, CEB604 InventoryReturn, CEB606 InvtCancelReturn,
CEB608 WayBillReturn, CEB702 SummaryReturn, and in 202205 CEB214 RefundReturn and CEB216
InvtRefundDetailReturn. CEB792 (汇总结果单) is the summary result: which declaration a
summary became and which list lines it holds. None of these carries a BaseTransfer.

``SummaryResultList/gseqno`` exists in 202205 only (required there); it is optional here so
that a 2018 CEB792 reads too.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec


class _Receipt(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True):
    pass


class OrderReturn(_Receipt, kw_only=True):
    """订单回执 (CEB304)."""

    guid: str
    ebp_code: str
    ebc_code: str
    order_no: str
    return_status: str
    return_time: str
    return_info: str


class ReceiptsReturn(_Receipt, kw_only=True):
    """收款单回执 (CEB404)."""

    guid: str
    ebc_code: str
    order_no: str
    pay_no: str | None = None
    return_status: str
    return_time: str
    return_info: str


class LogisticsReturn(_Receipt, kw_only=True):
    """物流运单回执 (CEB506)."""

    guid: str
    logistics_code: str
    logistics_no: str
    return_status: str
    return_time: str
    return_info: str


class ArrivalReturn(_Receipt, kw_only=True):
    """运抵单回执 (CEB508)."""

    guid: str
    operator_code: str
    logistics_code: str
    pre_no: str
    cop_no: str
    bill_no: str
    msg_seq_no: int
    return_status: str
    return_time: str
    return_info: str


class DepartureReturn(_Receipt, kw_only=True):
    """离境单回执 (CEB510)."""

    guid: str
    logistics_code: str
    cop_no: str
    pre_no: str
    msg_seq_no: int
    return_status: str
    return_time: str
    return_info: str


class InventoryReturn(_Receipt, kw_only=True):
    """出口清单回执 (CEB604): invtNo is the list number customs gave."""

    guid: str
    agent_code: str
    cop_no: str
    pre_no: str
    invt_no: str
    ebc_code: str
    ebp_code: str
    order_no: str
    statistics_flag: str
    return_status: str
    return_time: str
    return_info: str


class InvtCancelReturn(_Receipt, kw_only=True):
    """撤销申请单回执 (CEB606)."""

    guid: str
    agent_code: str
    cop_no: str
    pre_no: str
    invt_no: str
    return_status: str
    return_time: str
    return_info: str


class WayBillReturn(_Receipt, kw_only=True):
    """清单总分单回执 (CEB608)."""

    guid: str
    agent_code: str
    logistics_code: str
    cop_no: str
    pre_no: str
    bill_no: str
    msg_seq_no: int
    return_status: str
    return_time: str
    return_info: str


class SummaryReturn(_Receipt, kw_only=True):
    """汇总申请单回执 (CEB702): sumNo once customs accepted the application."""

    guid: str
    agent_code: str
    ebc_code: str
    cop_no: str
    pre_no: str
    sum_no: str | None = None
    msg_seq_no: int
    return_status: str
    return_time: str
    return_info: str


class RefundReturn(_Receipt, kw_only=True):
    """退货申请单回执 (CEB214, 202205)."""

    guid: str
    ebp_code: str | None = None
    ebc_code: str | None = None
    agent_code: str
    co_el_no: str
    pre_no: str | None = None
    invt_no: str
    return_status: str
    return_time: str
    return_info: str


class InvtRefundDetailReturn(_Receipt, kw_only=True):
    """理货明细单回执 (CEB216, 202205)."""

    guid: str
    operator_code: str
    logistics_code: str
    logistics_no: str
    co_el_no: str
    pre_no: str | None = None
    return_status: str
    return_time: str
    return_info: str


class SummaryResultHead(_Receipt, kw_only=True):
    """汇总结果单表头: declSeqNo is the one declaration the summary became."""

    guid: str
    customs_code: str
    sum_no: str
    op_date: str
    decl_seq_no: str
    dec_tmp_no: str | None = None
    dec_pre_no: str | None = None
    entry_id: str | None = None
    dec_state: str
    agent_code: str
    agent_name: str
    ebc_code: str
    ebc_name: str
    decl_agent_code: str
    decl_agent_name: str
    gross_weight: Decimal
    net_weight: Decimal
    msg_count: int
    msg_seq_no: int
    note: str | None = None


class SummaryResultItem(_Receipt, kw_only=True):
    """汇总结果单表体: one list line, by list, waybill, line number and HS code."""

    invt_no: str
    logistics_no: str
    gseqno: int | None = None
    gnum: int
    gcode: str


class SummaryResult(msgspec.Struct, kw_only=True):
    """汇总结果单."""

    head: SummaryResultHead = msgspec.field(name="SummaryResultHead")
    items: list[SummaryResultItem] = msgspec.field(name="SummaryResultList", default_factory=list)


class _ReceiptMessage(msgspec.Struct, kw_only=True, tag_field="messageType", omit_defaults=True):
    guid: str
    version: str = "1.0"


class OrderReturnMessage(_ReceiptMessage, tag="CEB304", kw_only=True):
    returns: list[OrderReturn] = msgspec.field(name="OrderReturn")


class ReceiptsReturnMessage(_ReceiptMessage, tag="CEB404", kw_only=True):
    returns: list[ReceiptsReturn] = msgspec.field(name="ReceiptsReturn")


class LogisticsReturnMessage(_ReceiptMessage, tag="CEB506", kw_only=True):
    returns: list[LogisticsReturn] = msgspec.field(name="LogisticsReturn")


class ArrivalReturnMessage(_ReceiptMessage, tag="CEB508", kw_only=True):
    returns: list[ArrivalReturn] = msgspec.field(name="ArrivalReturn")


class DepartureReturnMessage(_ReceiptMessage, tag="CEB510", kw_only=True):
    returns: list[DepartureReturn] = msgspec.field(name="DepartureReturn")


class InventoryReturnMessage(_ReceiptMessage, tag="CEB604", kw_only=True):
    returns: list[InventoryReturn] = msgspec.field(name="InventoryReturn")


class InvtCancelReturnMessage(_ReceiptMessage, tag="CEB606", kw_only=True):
    returns: list[InvtCancelReturn] = msgspec.field(name="InvtCancelReturn")


class WayBillReturnMessage(_ReceiptMessage, tag="CEB608", kw_only=True):
    returns: list[WayBillReturn] = msgspec.field(name="WayBillReturn")


class SummaryReturnMessage(_ReceiptMessage, tag="CEB702", kw_only=True):
    returns: list[SummaryReturn] = msgspec.field(name="SummaryReturn")


class RefundReturnMessage(_ReceiptMessage, tag="CEB214", kw_only=True):
    returns: list[RefundReturn] = msgspec.field(name="RefundReturn")


class RefundTallyReturnMessage(_ReceiptMessage, tag="CEB216", kw_only=True):
    returns: list[InvtRefundDetailReturn] = msgspec.field(name="InvtRefundDetailReturn")


class SummaryResultMessage(_ReceiptMessage, tag="CEB792", kw_only=True):
    returns: list[SummaryResult] = msgspec.field(name="SummaryResult")


ExportReceipt = (
    OrderReturnMessage
    | ReceiptsReturnMessage
    | LogisticsReturnMessage
    | ArrivalReturnMessage
    | DepartureReturnMessage
    | InventoryReturnMessage
    | InvtCancelReturnMessage
    | WayBillReturnMessage
    | SummaryReturnMessage
    | RefundReturnMessage
    | RefundTallyReturnMessage
    | SummaryResultMessage
)
EXPORT_RECEIPT_TYPES: dict[str, type[ExportReceipt]] = {
    "CEB304": OrderReturnMessage,
    "CEB404": ReceiptsReturnMessage,
    "CEB506": LogisticsReturnMessage,
    "CEB508": ArrivalReturnMessage,
    "CEB510": DepartureReturnMessage,
    "CEB604": InventoryReturnMessage,
    "CEB606": InvtCancelReturnMessage,
    "CEB608": WayBillReturnMessage,
    "CEB702": SummaryReturnMessage,
    "CEB214": RefundReturnMessage,
    "CEB216": RefundTallyReturnMessage,
    "CEB792": SummaryResultMessage,
}
# the receipt each export message is answered with
RECEIPT_OF: dict[str, str] = {
    "CEB303": "CEB304",
    "CEB403": "CEB404",
    "CEB505": "CEB506",
    "CEB507": "CEB508",
    "CEB509": "CEB510",
    "CEB603": "CEB604",
    "CEB605": "CEB606",
    "CEB607": "CEB608",
    "CEB701": "CEB702",
    "CEB213": "CEB214",
    "CEB215": "CEB216",
}
