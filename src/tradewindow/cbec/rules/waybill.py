"""CEB511 waybill (电子运单, ``Logistics``) rules beyond the XSD facets."""

from __future__ import annotations

from tradewindow.cbec.documents import Waybill
from tradewindow.cbec.rules import codes
from tradewindow.cbec.rules import head as common
from tradewindow.cbec.rules.context import Context, negative, not_positive
from tradewindow.cbec.rules.fields import LOGISTICS_HEAD, FacetTable
from tradewindow.violations import Violation

_HEAD = FacetTable(LOGISTICS_HEAD)


def check_waybill(waybill: Waybill, at: str, ctx: Context, out: list[Violation]) -> None:
    """Append every violation of ``waybill`` (the document at path ``at``) to ``out``."""
    head, head_at = waybill.head, f"{at}/LogisticsHead"
    _HEAD.check(head, head_at, ctx.message_type, out)
    common.guid_uppercase(head.guid, head_at, ctx, out)
    common.app_type_allowed(head.app_type, head_at, ctx, out)
    common.app_status_allowed(head.app_status, head_at, ctx, out)
    common.time_sane(head.app_time, "appTime", head_at, ctx, out)
    codes.currency_known(head.currency, head_at, ctx, out)
    fees_not_negative(waybill, head_at, ctx, out)
    weight_and_packages_positive(waybill, head_at, ctx, out)


def fees_not_negative(waybill: Waybill, at: str, ctx: Context, out: list[Violation]) -> None:
    """freight and insuredFee, when given, are ≥ 0.

    Source: spec 202205 表 3-17, 运费 / 保价费 "无则填0".
    """
    head = waybill.head
    if head.freight is not None and head.freight < 0:
        out.append(negative("freight", head.freight, f"{at}/freight", ctx))
    if head.insured_fee is not None and head.insured_fee < 0:
        out.append(negative("insuredFee", head.insured_fee, f"{at}/insuredFee", ctx))


def weight_and_packages_positive(
    waybill: Waybill, at: str, ctx: Context, out: list[Violation]
) -> None:
    """weight > 0 kg and packNo ≥ 1.

    Source: spec 202205 表 3-17, 毛重 "单位为千克", 件数 "单个运单下包裹数" (the spec adds
    "限定为1"; more parcels are accepted here, none is not).
    """
    head = waybill.head
    if head.weight <= 0:
        out.append(not_positive("weight", head.weight, f"{at}/weight", ctx))
    if head.pack_no < 1:
        out.append(not_positive("packNo", head.pack_no, f"{at}/packNo", ctx))
