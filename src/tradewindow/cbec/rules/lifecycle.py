"""CEB623 cancellation, CEB625 return, CEB513 waybill status and CEB711 warehouse delivery:
the rules each document must meet on its own (the XSD facets in code, then business rules).

What a cancellation or return may do to the list it names (is the list known, still inside
the supervised site, within 30 days …) depends on stored state and is decided in
:mod:`tradewindow.cbec.lifecycle`; only what the document says by itself is judged here.

The facet tables are transcribed from ``海关跨境进口业务节点报文定义202205.xsd`` (the 2018
No.113 XSD has the same facets for these elements); ``tests/unit/cbec/rules`` re-reads both.
"""

from __future__ import annotations

from tradewindow.cbec.documents import (
    Delivery,
    InvtCancel,
    InvtRefund,
    InvtRefundHead,
    LogisticsStatus,
)
from tradewindow.cbec.rules import codes
from tradewindow.cbec.rules import head as common
from tradewindow.cbec.rules.context import Context, not_positive
from tradewindow.cbec.rules.fields import FacetTable, _table, label
from tradewindow.violations import Violation

_APPLICATION = (
    "guid C36",
    "appType C1",
    "appTime C14",
    "appStatus C1..3",
    "customsCode C4",
    "orderNo C1..60",
    "ebpCode C1..18",
    "ebpName C1..100",
    "ebcCode C1..18",
    "ebcName C1..100",
    "logisticsNo C1..60",
    "logisticsCode C1..18",
    "logisticsName C1..100",
    "copNo C..20?",
    "preNo C..18?",
    "invtNo C1..18",
    "buyerIdType C1",
    "buyerIdNumber C1..60",
    "buyerName C1..60",
    "buyerTelephone C1..30",
    "agentCode C1..18",
    "agentName C1..100",
    "reason C1..1000",
    "note C..1000?",
)
INVT_CANCEL = _table(*_APPLICATION)
INVT_REFUND_HEAD = _table(*_APPLICATION)
INVT_REFUND_LIST = _table(
    "gnum I", "gcode C10", "gname C1..250", "qty N19,5", "unit C3", "note C..1000?"
)
LOGISTICS_STATUS = _table(
    "guid C36",
    "appType C1",
    "appTime C14",
    "appStatus C1..3",
    "logisticsCode C1..18",
    "logisticsName C1..100",
    "logisticsNo C1..60",
    "logisticsStatus C1",
    "logisticsTime C14",
    "note C..1000?",
)
DELIVERY_HEAD = _table(
    "guid C36",
    "appType C1",
    "appTime C14",
    "appStatus C1..3",
    "customsCode C4",
    "copNo C..20?",
    "preNo C..18?",
    "rkdNo C..18?",
    "operatorCode C1..18",
    "operatorName C1..100",
    "ieFlag C1",
    "trafMode C1",
    "trafNo C1..100",
    "voyageNo C1..32",
    "billNo C1..37",
    "logisticsCode C1..18",
    "logisticsName C1..100",
    "unloadLocation C..100?",
    "note C..1000?",
)
DELIVERY_LIST = _table("gnum I", "logisticsNo C1..60", "note C..1000?")

_CANCEL = FacetTable(INVT_CANCEL)
_REFUND_HEAD = FacetTable(INVT_REFUND_HEAD)
_REFUND_LIST = FacetTable(INVT_REFUND_LIST)
_STATUS = FacetTable(LOGISTICS_STATUS)
_DELIVERY_HEAD = FacetTable(DELIVERY_HEAD)
_DELIVERY_LIST = FacetTable(DELIVERY_LIST)

SIGNED_FOR = "S"  # 物流签收状态，限定S (spec 202205 表 3-24)


def check_cancel(cancel: InvtCancel, at: str, ctx: Context, out: list[Violation]) -> None:
    """Append every violation of a CEB623 ``InvtCancel`` (at path ``at``) to ``out``."""
    _CANCEL.check(cancel, at, ctx.message_type, out)
    _application(cancel, at, ctx, out)
    new_only(cancel.app_type, at, ctx, out)


def check_refund(refund: InvtRefund, at: str, ctx: Context, out: list[Violation]) -> None:
    """Append every violation of a CEB625 ``InvtRefund`` (at path ``at``) to ``out``."""
    head, head_at = refund.head, f"{at}/InvtRefundHead"
    _REFUND_HEAD.check(head, head_at, ctx.message_type, out)
    _application(head, head_at, ctx, out)
    new_only(head.app_type, head_at, ctx, out)
    seen: dict[int, int] = {}
    for index, item in enumerate(refund.items, 1):
        item_at = f"{at}/InvtRefundList[{index}]"
        _REFUND_LIST.check(item, item_at, ctx.message_type, out)
        if item.qty is not None and item.qty <= 0:
            out.append(not_positive("qty", item.qty, f"{item_at}/qty", ctx))
        codes.unit_known(item.unit, "unit", item_at, ctx, out)
        codes.hs_code_known(item.gcode, item_at, ctx, out)
        refund_lines_unique(item.gnum, seen, index, item_at, ctx, out)


def check_waybill_status(
    status: LogisticsStatus, at: str, ctx: Context, out: list[Violation]
) -> None:
    """Append every violation of a CEB513 ``LogisticsStatus`` (at path ``at``) to ``out``."""
    _STATUS.check(status, at, ctx.message_type, out)
    common.guid_uppercase(status.guid, at, ctx, out)
    common.app_type_allowed(status.app_type, at, ctx, out)
    common.app_status_allowed(status.app_status, at, ctx, out)
    common.time_sane(status.app_time, "appTime", at, ctx, out)
    common.time_sane(status.logistics_time, "logisticsTime", at, ctx, out)
    signed_for_only(status.logistics_status, at, ctx, out)


def check_delivery(delivery: Delivery, at: str, ctx: Context, out: list[Violation]) -> None:
    """Append every violation of a CEB711 ``Delivery`` (at path ``at``) to ``out``."""
    head, head_at = delivery.head, f"{at}/DeliveryHead"
    _DELIVERY_HEAD.check(head, head_at, ctx.message_type, out)
    common.guid_uppercase(head.guid, head_at, ctx, out)
    common.app_type_allowed(head.app_type, head_at, ctx, out)
    common.app_status_allowed(head.app_status, head_at, ctx, out)
    common.time_sane(head.app_time, "appTime", head_at, ctx, out)
    codes.office_known(head.customs_code, "customsCode", head_at, ctx, out)
    import_only(head.ie_flag, head_at, ctx, out)
    if not delivery.items:
        out.append(
            ctx.violation(
                f"{at}/DeliveryList",
                "DeliveryList",
                "required",
                "a delivery lists at least one parcel (DeliveryList)",
                "入库明细单至少包含一个表体(DeliveryList)",
            )
        )
    parcels: dict[str, int] = {}
    for index, item in enumerate(delivery.items, 1):
        item_at = f"{at}/DeliveryList[{index}]"
        _DELIVERY_LIST.check(item, item_at, ctx.message_type, out)
        gnum_in_sequence(item.gnum, index, item_at, ctx, out)
        parcel_listed_once(item.logistics_no, parcels, index, item_at, ctx, out)


def _application(
    head: InvtCancel | InvtRefundHead, at: str, ctx: Context, out: list[Violation]
) -> None:
    """What a cancellation and a return head share."""
    common.guid_uppercase(head.guid, at, ctx, out)
    common.app_status_allowed(head.app_status, at, ctx, out)
    common.time_sane(head.app_time, "appTime", at, ctx, out)
    codes.office_known(head.customs_code, "customsCode", at, ctx, out)
    common.id_type_allowed(head.buyer_id_type, "buyerIdType", at, ctx, out)
    reason_given(head.reason, at, ctx, out)


def new_only(app_type: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """A cancellation or return is applied for once (appType 1); it is not changed or deleted
    here: a refused one is applied for anew under a new guid.

    Source: spec 202205 表 3-38, 报送类型 "1-新增。默认为1" (a cancellation knows no other); the
    return's 表 3-45 lists 2 and 3 as well, but a return is decided when it is received
    (automated acceptance, or an officer's decision in the agencies' queue), so there is
    nothing left to change — a platform rule.
    """
    if app_type != "1":
        out.append(
            ctx.violation(
                f"{at}/appType",
                "appType",
                "new_only",
                f"appType must be 1 (new): a {ctx.message_type} is applied for once,"
                f" not {app_type!r}",
                f"{label('appType')}只能为1-新增，实际为“{app_type}”",
            )
        )


def reason_given(reason: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """The reason (撤单原因 / 退货原因) says something: not only blanks.

    Source: spec 202205 表 3-38 / 3-45, reason "必填"; an empty element is the facet's
    ``reason.required``, this is the same for one holding only whitespace.
    """
    if reason and not reason.strip():
        out.append(
            ctx.violation(
                f"{at}/reason",
                "reason",
                "missing",
                "the reason is blank: say why the list is withdrawn",
                f"{label('reason')}为空白，请填写原因",
            )
        )


def refund_lines_unique(
    gnum: int, seen: dict[int, int], index: int, at: str, ctx: Context, out: list[Violation]
) -> None:
    """Each returned line names a different line of the original list (gnum).

    Source: spec 202205 表 3-45, 序号 "对应原清单表体序号（退货项序号）": one entry per
    original line, so its quantity is not counted twice.
    """
    first = seen.setdefault(gnum, index)
    if first != index:
        out.append(
            ctx.violation(
                f"{at}/gnum",
                "gnum",
                "duplicate",
                f"line {gnum} of the list is already returned by InvtRefundList[{first}]",
                f"原清单第{gnum}项已在第{first}个退货表体中申报",
            )
        )


def signed_for_only(value: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """logisticsStatus is S (signed for by the consignee).

    Source: spec 202205 表 3-24, 物流运单状态 "物流签收状态，限定S".
    """
    if value and value != SIGNED_FOR:
        out.append(
            ctx.violation(
                f"{at}/logisticsStatus",
                "logisticsStatus",
                "fixed",
                f"logisticsStatus must be S (signed for), not {value!r}",
                f"物流运单状态(logisticsStatus)限定填写“S”，实际为“{value}”",
            )
        )


def import_only(ie_flag: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """A delivery to this (import) node is of imported parcels: ieFlag I.

    Source: spec 202205 表 3-52, 进出口标记 "I进口/E出口"; exports are the export node's.
    """
    if ie_flag and ie_flag != "I":
        out.append(
            ctx.violation(
                f"{at}/ieFlag",
                "ieFlag",
                "not_import",
                f"ieFlag must be I (import) in an import delivery, not {ie_flag!r}",
                f"进口入库明细单的进出口标记(ieFlag)应为“I”，实际为“{ie_flag}”",
            )
        )


def gnum_in_sequence(gnum: int, index: int, at: str, ctx: Context, out: list[Violation]) -> None:
    """DeliveryList gnum counts 1, 2, 3 … in document order.

    Source: spec 202205 表 3-52, 序号 "从1开始的递增序号".
    """
    if gnum != index:
        out.append(
            ctx.violation(
                f"{at}/gnum",
                "gnum",
                "sequence",
                f"gnum must be {index} here (1, 2, 3 … in order), not {gnum}",
                f"序号(gnum)应为从1开始的递增序号，此处应为{index}，实际为{gnum}",
            )
        )


def parcel_listed_once(
    logistics_no: str,
    seen: dict[str, int],
    index: int,
    at: str,
    ctx: Context,
    out: list[Violation],
) -> None:
    """A parcel (logisticsNo) is listed once per delivery.

    Source: spec 202205 表 3-52, 物流运单编号 "同一物流企业的运单编号在6个月内不重复".
    """
    first = seen.setdefault(logistics_no, index)
    if first != index:
        out.append(
            ctx.violation(
                f"{at}/logisticsNo",
                "logisticsNo",
                "duplicate",
                f"parcel {logistics_no} is already listed in DeliveryList[{first}]",
                f"运单{logistics_no}已在第{first}个表体中列出",
            )
        )
