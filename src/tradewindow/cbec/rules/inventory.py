"""CEB621 import inventory list (进口清单) rules beyond the XSD facets."""

from __future__ import annotations

from tradewindow.cbec.documents import Inventory, InventoryHead, InventoryItem
from tradewindow.cbec.rules import codes, limits, lines
from tradewindow.cbec.rules import head as common
from tradewindow.cbec.rules.codes import BONDED_MODES, DIRECT_MODES
from tradewindow.cbec.rules.context import Context, negative, not_positive
from tradewindow.cbec.rules.fields import INVENTORY_HEAD, INVENTORY_LIST, FacetTable, label
from tradewindow.violations import Violation

_HEAD = FacetTable(INVENTORY_HEAD)
_LINE = {spec: FacetTable(table) for spec, table in INVENTORY_LIST.items()}


def check_inventory(inventory: Inventory, at: str, ctx: Context, out: list[Violation]) -> None:
    """Append every violation of ``inventory`` (the document at path ``at``) to ``out``."""
    head, head_at = inventory.head, f"{at}/InventoryHead"
    _HEAD.check(head, head_at, ctx.message_type, out)
    common.guid_uppercase(head.guid, head_at, ctx, out)
    common.app_type_allowed(head.app_type, head_at, ctx, out)
    common.app_status_allowed(head.app_status, head_at, ctx, out)
    common.time_sane(head.app_time, "appTime", head_at, ctx, out)
    ie_flag_is_import(head, head_at, ctx, out)
    common.day_sane(head.decl_time, "declTime", head_at, ctx, out)
    if head.ie_date is not None:
        common.day_sane(head.ie_date, "ieDate", head_at, ctx, out)
    common.id_type_allowed(head.buyer_id_type, "buyerIdType", head_at, ctx, out)
    common.id_number_valid(
        head.buyer_id_type, head.buyer_id_number, "buyerIdNumber", head_at, ctx, out
    )
    codes.office_known(head.customs_code, "customsCode", head_at, ctx, out)
    codes.office_known(head.port_code, "portCode", head_at, ctx, out)
    codes.trade_mode_is_cbec_import(head.trade_mode, head_at, ctx, out)
    codes.transport_mode_known(head.traf_mode, head_at, ctx, out)
    codes.wrap_type_known(head.wrap_type, head_at, ctx, out)
    codes.country_known(head.country, "country", head_at, ctx, out)
    codes.currency_known(head.currency, head_at, ctx, out)
    fees_not_negative(head, head_at, ctx, out)
    weights_and_packages_sane(head, head_at, ctx, out)
    bonded_list_complete(inventory, at, ctx, out)
    direct_list_complete(head, head_at, ctx, out)
    if not lines.count_allowed(inventory.items, "InventoryList", at, ctx, out):
        return
    lines.gnums_consecutive(inventory.items, "InventoryList", at, ctx, out)
    line_facets = _LINE[ctx.spec]
    for number, item in enumerate(inventory.items, 1):
        item_at = f"{at}/InventoryList[{number}]"
        line_facets.check(item, item_at, ctx.message_type, out)
        lines.quantity_and_price_sane(item.qty, item.price, item.total_price, item_at, ctx, out)
        legal_quantities_sane(item, item_at, ctx, out)
        lines.total_price_is_price_times_qty(item, item_at, ctx, out)
        codes.hs_code_known(item.gcode, item_at, ctx, out)
        codes.country_known(item.country, "country", item_at, ctx, out)
        codes.country_known(item.trade_country, "tradeCountry", item_at, ctx, out)
        codes.currency_known(item.currency, item_at, ctx, out)
        codes.unit_known(item.unit, "unit", item_at, ctx, out)
        codes.unit_known(item.unit1, "unit1", item_at, ctx, out)
        codes.unit_known(item.unit2, "unit2", item_at, ctx, out)
    value = sum((item.total_price for item in inventory.items), head.freight + head.insured_fee)
    limits.within_transaction_limit(inventory.items, value, head.decl_time, head_at, ctx, out)


def ie_flag_is_import(head: InventoryHead, at: str, ctx: Context, out: list[Violation]) -> None:
    """ieFlag is I (import).

    Source: spec 202205 表 3-31, 进出口标记 "I-进口,E-出口" (CEB621 is the import list).
    """
    if head.ie_flag != "I":
        out.append(
            ctx.violation(
                f"{at}/ieFlag",
                "ieFlag",
                "invalid",
                f"ieFlag of an import list must be I, not {head.ie_flag!r}",
                f"进口清单的{label('ieFlag')}限定填写“I”，实际为“{head.ie_flag}”",
            )
        )


def fees_not_negative(head: InventoryHead, at: str, ctx: Context, out: list[Violation]) -> None:
    """freight and insuredFee are ≥ 0.

    Source: spec 202205 表 3-31, 运费 "物流企业实际收取的运输费用", 保费 alike.
    """
    if head.freight < 0:
        out.append(negative("freight", head.freight, f"{at}/freight", ctx))
    if head.insured_fee < 0:
        out.append(negative("insuredFee", head.insured_fee, f"{at}/insuredFee", ctx))


def weights_and_packages_sane(
    head: InventoryHead, at: str, ctx: Context, out: list[Violation]
) -> None:
    """grossWeight > 0, netWeight > 0, netWeight ≤ grossWeight, packNo ≥ 1.

    Source: spec 202205 表 3-31, 净重 "货物的毛重减去外包装材料后的重量", 件数 "包裹数量".
    """
    gross, net = head.gross_weight, head.net_weight
    if gross <= 0:
        out.append(not_positive("grossWeight", gross, f"{at}/grossWeight", ctx))
    if net <= 0:
        out.append(not_positive("netWeight", net, f"{at}/netWeight", ctx))
    elif net > gross > 0:
        out.append(
            ctx.violation(
                f"{at}/netWeight",
                "netWeight",
                "exceeds_gross",
                f"netWeight {net} kg is more than grossWeight {gross} kg",
                f"{label('netWeight')}{net}千克大于毛重{gross}千克",
            )
        )
    if head.pack_no < 1:
        out.append(not_positive("packNo", head.pack_no, f"{at}/packNo", ctx))


def _absent(value: str | None) -> bool:
    return value is None or value == ""


def _missing_for(
    element: str, mode: str, mode_zh: str, rule: str, path: str, ctx: Context
) -> Violation:
    return ctx.violation(
        path,
        element,
        rule,
        f"{element} is required for a {mode} list",
        f"{mode_zh}清单必须填写{label(element)}",
    )


def bonded_list_complete(inventory: Inventory, at: str, ctx: Context, out: list[Violation]) -> None:
    """A bonded list (1210 / 1239) states emsNo, areaCode, areaName and each line's itemRecordNo.

    Source: spec 202205 表 3-31, 账册编号 / 区内企业代码 / 区内企业名称 "保税模式必填",
    账册备案料号 "保税进口必填".
    """
    head = inventory.head
    if head.trade_mode not in BONDED_MODES:
        return
    head_at = f"{at}/InventoryHead"
    for element, value in (
        ("emsNo", head.ems_no),
        ("areaCode", head.area_code),
        ("areaName", head.area_name),
    ):
        if _absent(value):
            out.append(
                _missing_for(
                    element,
                    "bonded",
                    "保税进口",
                    "required_for_bonded",
                    f"{head_at}/{element}",
                    ctx,
                )
            )
    for number, item in enumerate(inventory.items[: lines.MAX_LINES], 1):
        if _absent(item.item_record_no):
            path = f"{at}/InventoryList[{number}]/itemRecordNo"
            out.append(
                _missing_for("itemRecordNo", "bonded", "保税进口", "required_for_bonded", path, ctx)
            )


def direct_list_complete(head: InventoryHead, at: str, ctx: Context, out: list[Violation]) -> None:
    """A direct-purchase list (9610) carried across the border states trafNo, voyageNo and
    billNo; one whose transport mode is an area, not a conveyance (W logistics centre, Y
    bonded port area, X logistics park, …), need not.

    Source: spec 202205 表 3-31 — 运输工具编号 trafNo "直购进口必填。货物进出境的运输工具的
    名称或运输工具编号。填报内容应与运输部门向海关申报的载货清单所列相应内容一致；同报关单
    填制规范。保税进口免填", 航班航次号 voyageNo and 提运单号 billNo "直购进口必填 …
    保税进口免填"; 运输方式 trafMode "直购进口指跨境段物流运输方式". The declaration rules the
    spec defers to (《中华人民共和国海关进出口货物报关单填制规范》, 海关总署公告2019年第18号,
    运输工具名称及航次号 and 提运单号) exempt goods with no actual entry: "无实际进出境的货物，
    免予填报". The JGS-20 transport modes that are areas (0 1 7 8 H T W X Y Z) mean exactly
    that: the list's leg moves goods out of a special supervision area or bonded site, not
    across the border, so there is no conveyance, voyage or bill to state.
    """
    if head.trade_mode not in DIRECT_MODES or not ctx.codes.is_transport_mode(head.traf_mode):
        return  # an unknown trafMode is reported by transport_mode_known
    if not ctx.codes.crosses_border(head.traf_mode):
        return
    for element, value in (
        ("trafNo", head.traf_no),
        ("voyageNo", head.voyage_no),
        ("billNo", head.bill_no),
    ):
        if _absent(value):
            out.append(
                _missing_for(
                    element,
                    "direct purchase",
                    "直购进口",
                    "required_for_direct",
                    f"{at}/{element}",
                    ctx,
                )
            )


def legal_quantities_sane(item: InventoryItem, at: str, ctx: Context, out: list[Violation]) -> None:
    """qty1 > 0; qty2 and unit2 both present or both absent, and qty2 > 0 when present.

    Source: spec 202205 表 3-31, 法定数量 / 第二数量 / 第二计量单位; error -625009 "当第二单位为空
    时，第二数量应为空；当第二单位有值时，第二数量应为正数" (CEB625, same lines as CEB621).
    """
    if item.qty1 <= 0:
        out.append(not_positive("qty1", item.qty1, f"{at}/qty1", ctx))
    has_qty2, has_unit2 = item.qty2 is not None, not _absent(item.unit2)
    if has_qty2 and not has_unit2:
        missing = "unit2"
    elif has_unit2 and not has_qty2:
        missing = "qty2"
    else:
        if item.qty2 is not None and item.qty2 <= 0:
            out.append(not_positive("qty2", item.qty2, f"{at}/qty2", ctx))
        return
    out.append(
        ctx.violation(
            f"{at}/{missing}",
            "qty2",
            "unpaired",
            "qty2 and unit2 must be given together",
            f"{label('qty2')}与{label('unit2')}必须同时填写或同时为空",
        )
    )
