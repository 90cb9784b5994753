"""Rules of the CEB603 export list beyond the XSD facets, each a named unit with its source.

Every rule appends to ``out``; :func:`check_inventory` runs them all, so a list is refused
with every violation at once. Codes read ``CEB603.<element>.<rule>``; paths are CEB paths
(``Inventory[1]/InventoryList[2]/totalPrice``).

Sources: the CEB spec 202205, chapter 2 (出口业务报文, 表 2-36 … 2-40); 海关总署公告2018年第194号
(跨境电子商务零售进出口商品有关监管事宜) for 9610; 海关总署公告2020年第75号 and 2021年第47号
(跨境电子商务企业对企业出口监管试点) for 9710 / 9810.

(Over 400 lines: every CEB603 rule is a small named unit and :func:`check_inventory` runs them
all; one module keeps the list's whole rule table in one place, as ``cbec/rules`` does per
document.)
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tradewindow.cbec.documents import CNY, parse_day
from tradewindow.cbec.ports import CodeTables
from tradewindow.export.documents import Inventory, InventoryHead, InventoryItem
from tradewindow.violations import Violation

TOLERANCE = Decimal("0.01")
B2B_LIST_LIMIT = Decimal("5000")  # CNY per ticket, 2020 No.75 四


class ExportMode(enum.StrEnum):
    """Export trade modes a CEB603 list may carry (spec 202205 表 2-37 tradeMode)."""

    RETAIL = "9610"  # 跨境贸易电子商务 (一般出口)
    B2B_DIRECT = "9710"  # 跨境电商B2B直接出口
    OVERSEAS_WAREHOUSE = "9810"  # 跨境电商出口海外仓
    BONDED = "1210"  # 保税跨境贸易电子商务 (特殊区域出口)
    BONDED_A = "1239"


class StatisticsFlag(enum.StrEnum):
    """申报业务类型: A 简化申报 (no declaration follows), B 汇总申报 (summarised monthly)."""

    SIMPLIFIED = "A"
    SUMMARY = "B"


@dataclass(frozen=True, slots=True)
class GoodsControl:
    """What customs controls on exporting goods of one HS code, as of a day."""

    licence: bool = False  # 涉证: an export licence or other permit is needed
    inspection: bool = False  # 涉检: statutory export inspection
    duty: bool = False  # 涉税: an export duty is levied


# the controls on a 10-digit HS code on a day (reference data, behind a port)
Controls = Callable[[str, date], GoodsControl]
# the CNY value of one unit of a customs currency on a day, or None when unknown
CnyRate = Callable[[str, date], Decimal | None]
# whether an enterprise holds a registered overseas warehouse valid on a day, by its code
WarehouseValid = Callable[[str, str, date], bool]


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What the rules consult besides the list itself."""

    codes: CodeTables
    controls: Controls
    cny_rate: CnyRate
    warehouse_valid: WarehouseValid


def _v(path: str, element: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=f"CEB603.{element}.{rule}", en=en, zh=zh)


def check_inventory(inventory: Inventory, at: str, ctx: ExportContext) -> list[Violation]:
    """Every violation of one export list at path ``at`` (``Inventory[1]``)."""
    out: list[Violation] = []
    head, head_at = inventory.head, f"{at}/InventoryHead"
    ie_flag_is_export(head, head_at, out)
    trade_mode_is_cbec_export(head, head_at, out)
    statistics_flag_allowed(head, head_at, out)
    ie_date_real(head, head_at, out)
    codes_known(head, head_at, ctx.codes, out)
    fees_and_weights_sane(head, head_at, out)
    gnums_consecutive(inventory.items, at, out)
    for number, item in enumerate(inventory.items, 1):
        item_at = f"{at}/InventoryList[{number}]"
        total_price_is_price_times_qty(item, item_at, out)
        line_codes_known(item, item_at, ctx.codes, out)
    if head.trade_mode == ExportMode.B2B_DIRECT:
        b2b_list_allowed(inventory, head_at, ctx, out)
    if head.trade_mode == ExportMode.OVERSEAS_WAREHOUSE:
        overseas_warehouse_registered(head, head_at, ctx, out)
    return out


def ie_flag_is_export(head: InventoryHead, at: str, out: list[Violation]) -> None:
    """ieFlag is E.

    Source: spec 202205 表 2-37, 进出口标志 "I/E标志" (CEB603 is the export list).
    """
    if head.ie_flag != "E":
        out.append(
            _v(
                f"{at}/ieFlag",
                "ieFlag",
                "not_export",
                f"an export list has ieFlag E, not {head.ie_flag!r}",
                f"出口清单的进出口标志应为E，实际为“{head.ie_flag}”",
            )
        )


def trade_mode_is_cbec_export(head: InventoryHead, at: str, out: list[Violation]) -> None:
    """tradeMode is 9610, 9710, 9810, 1210 or 1239.

    Source: spec 202205 表 2-37 贸易方式 "一般出口为9610,特殊区域出口为1210/1239"; 修订说明
    (202205) 二 5 "B2B 出口填 9710，出口海外仓填 9810".
    """
    if head.trade_mode not in set(ExportMode):
        out.append(
            _v(
                f"{at}/tradeMode",
                "tradeMode",
                "not_cbec_export",
                f"tradeMode {head.trade_mode!r} is not a CBEC export mode (9610, 9710, 9810, 1210,"
                " 1239)",
                f"贸易方式“{head.trade_mode}”不是跨境电商出口监管方式（9610、9710、9810、1210、1239）",
            )
        )


def statistics_flag_allowed(head: InventoryHead, at: str, out: list[Violation]) -> None:
    """statisticsFlag is A (simplified) or B (summary). Source: spec 202205 表 2-37 申报业务类型."""
    if head.statistics_flag not in set(StatisticsFlag):
        out.append(
            _v(
                f"{at}/statisticsFlag",
                "statisticsFlag",
                "not_allowed",
                f"statisticsFlag must be A or B, not {head.statistics_flag!r}",
                f"申报业务类型应为A或B，实际为“{head.statistics_flag}”",
            )
        )


def ie_date_real(head: InventoryHead, at: str, out: list[Violation]) -> None:
    """ieDate is a real day, YYYYMMDD. Source: spec 202205 表 2-37 出口日期."""
    if parse_day(head.ie_date) is None:
        out.append(
            _v(
                f"{at}/ieDate",
                "ieDate",
                "not_a_day",
                f"ieDate {head.ie_date!r} is not a day (YYYYMMDD)",
                f"出口日期“{head.ie_date}”不是有效日期（YYYYMMDD）",
            )
        )


def codes_known(head: InventoryHead, at: str, codes: CodeTables, out: list[Violation]) -> None:
    """customsCode / portCode are customs offices, country a customs country, the currencies
    customs currencies, trafMode a transport mode. Source: spec 202205 表 2-37 ("海关参数代码")."""
    checks = (
        ("customsCode", head.customs_code, codes.is_customs_office, "海关关区代码"),
        ("portCode", head.port_code, codes.is_customs_office, "海关关区代码"),
        ("country", head.country, codes.is_customs_country, "海关国别（地区）代码"),
        ("fCurrency", head.f_currency, codes.is_customs_currency, "海关币制代码"),
        ("iCurrency", head.i_currency, codes.is_customs_currency, "海关币制代码"),
        ("trafMode", head.traf_mode, codes.is_transport_mode, "海关运输方式代码"),
    )
    for element, value, known, table in checks:
        if not known(value):
            out.append(
                _v(
                    f"{at}/{element}",
                    element,
                    "unknown",
                    f"{element} {value!r} is not a known customs code",
                    f"{element}“{value}”不是有效的{table}",
                )
            )
    if head.country == CNY:
        out.append(
            _v(
                f"{at}/country",
                "country",
                "is_china",
                "the country of arrival of an export cannot be China (142)",
                "出口的运抵国（地区）不能为中国（142）",
            )
        )


def fees_and_weights_sane(head: InventoryHead, at: str, out: list[Violation]) -> None:
    """freight and insuredFee are not negative; netWeight does not exceed grossWeight, both
    positive; packNo positive. Source: spec 202205 表 2-37 (净重 "毛重减去外包装材料后的重量")."""
    for element, amount in (("freight", head.freight), ("insuredFee", head.insured_fee)):
        if amount < 0:
            out.append(
                _v(
                    f"{at}/{element}",
                    element,
                    "negative",
                    f"{element} must not be negative, not {amount}",
                    f"{element}不能为负数，实际为{amount}",
                )
            )
    for element, value in (
        ("grossWeight", head.gross_weight),
        ("netWeight", head.net_weight),
        ("packNo", Decimal(head.pack_no)),
    ):
        if value <= 0:
            out.append(
                _v(
                    f"{at}/{element}",
                    element,
                    "not_positive",
                    f"{element} must be greater than zero, not {value}",
                    f"{element}必须大于0，实际为{value}",
                )
            )
    if head.net_weight > head.gross_weight:
        out.append(
            _v(
                f"{at}/netWeight",
                "netWeight",
                "over_gross",
                f"netWeight {head.net_weight} exceeds grossWeight {head.gross_weight}",
                f"净重{head.net_weight}大于毛重{head.gross_weight}",
            )
        )


def gnums_consecutive(items: list[InventoryItem], at: str, out: list[Violation]) -> None:
    """gnum runs 1, 2, 3 … in order. Source: spec 202205 表 2-38 商品项号 "从1开始连续序号"."""
    for number, item in enumerate(items, 1):
        if item.gnum != number:
            out.append(
                _v(
                    f"{at}/InventoryList[{number}]/gnum",
                    "gnum",
                    "not_consecutive",
                    f"line {number} must have gnum {number}, not {item.gnum}",
                    f"第{number}项商品项号应为{number}，实际为{item.gnum}",
                )
            )


def total_price_is_price_times_qty(item: InventoryItem, at: str, out: list[Violation]) -> None:
    """totalPrice = price × qty within one fen; qty and price positive.

    Source: spec 202205 表 2-38 单价 / 总价 / 申报数量.
    """
    if item.qty <= 0 or item.price <= 0:
        element, value = ("qty", item.qty) if item.qty <= 0 else ("price", item.price)
        out.append(
            _v(
                f"{at}/{element}",
                element,
                "not_positive",
                f"{element} must be greater than zero, not {value}",
                f"{element}必须大于0，实际为{value}",
            )
        )
        return
    expected = item.price * item.qty
    if abs(expected - item.total_price) > TOLERANCE:
        out.append(
            _v(
                f"{at}/totalPrice",
                "totalPrice",
                "mismatch",
                f"totalPrice {item.total_price} is not price × qty = {expected}",
                f"总价{item.total_price}不等于单价×数量={expected}",
            )
        )


def line_codes_known(item: InventoryItem, at: str, codes: CodeTables, out: list[Violation]) -> None:
    """gcode is a 10-digit China commodity code, country (final destination) a customs country,
    currency and units customs codes. Source: spec 202205 表 2-38."""
    checks = (
        ("gcode", item.gcode, codes.is_hs_code, "10位海关商品编码"),
        ("country", item.country, codes.is_customs_country, "海关国别（地区）代码"),
        ("currency", item.currency, codes.is_customs_currency, "海关币制代码"),
        ("unit", item.unit, codes.is_customs_unit, "海关计量单位代码"),
        ("unit1", item.unit1, codes.is_customs_unit, "海关计量单位代码"),
    )
    for element, value, known, table in checks:
        if not known(value):
            out.append(
                _v(
                    f"{at}/{element}",
                    element,
                    "unknown",
                    f"{element} {value!r} is not a known customs code",
                    f"{element}“{value}”不是有效的{table}",
                )
            )


def list_value_cny(inventory: Inventory, on: date, cny_rate: CnyRate) -> Decimal | None:
    """The goods value of a list in CNY (lines' totalPrice converted on ``on``), or None when a
    currency has no rate that day."""
    total = Decimal(0)
    for item in inventory.items:
        rate = Decimal(1) if item.currency == CNY else cny_rate(item.currency, on)
        if rate is None:
            return None
        total += item.total_price * rate
    return total


def b2b_list_allowed(
    inventory: Inventory, at: str, ctx: ExportContext, out: list[Violation]
) -> None:
    """A 9710 list may be used only for a ticket of at most 5,000 CNY that needs no licence,
    no inspection and no tax; anything else needs a customs declaration (H2018).

    Source: 海关总署公告2020年第75号 四 "单票金额超过人民币5000元，或涉证、涉检、涉税的跨境电商
    B2B出口货物，企业应通过H2018通关管理系统办理通关手续" (extended nationwide by 2021年第47号).
    """
    day = parse_day(inventory.head.ie_date)
    if day is None:
        return  # ieDate_not_a_day says so
    value = list_value_cny(inventory, day, ctx.cny_rate)
    if value is None:
        out.append(
            _v(
                f"{at}/tradeMode",
                "tradeMode",
                "b2b_rate_unknown",
                "the list's value cannot be converted to CNY on its ieDate; a 9710 list needs it",
                "无法按出口日期将清单金额折算为人民币，9710清单须折算后判断是否超过5000元",
            )
        )
    elif value > B2B_LIST_LIMIT:
        out.append(
            _v(
                f"{at}/tradeMode",
                "tradeMode",
                "b2b_declaration_required",
                f"a 9710 list of {value:.2f} CNY is over 5,000 CNY: file a customs declaration",
                f"9710清单金额{value:.2f}元超过人民币5000元，应通过报关单（H2018）申报",
            )
        )
    reasons = []
    if inventory.head.license_no:
        reasons.append(("licence", "涉证"))
    for item in inventory.items:
        control = ctx.controls(item.gcode, day)
        reasons.extend(
            pair
            for pair, flagged in (
                (("licence", "涉证"), control.licence),
                (("inspection", "涉检"), control.inspection),
                (("tax", "涉税"), control.duty),
            )
            if flagged
        )
    if reasons:
        names = dict.fromkeys(reasons)
        out.append(
            _v(
                f"{at}/tradeMode",
                "tradeMode",
                "b2b_declaration_required",
                "a 9710 list cannot carry goods needing "
                + ", ".join(en for en, _ in names)
                + ": file a customs declaration",
                "9710清单不能申报"
                + "、".join(zh for _, zh in names)
                + "商品，应通过报关单（H2018）申报",
            )
        )


def overseas_warehouse_registered(
    head: InventoryHead, at: str, ctx: ExportContext, out: list[Violation]
) -> None:
    """A 9810 list names, as its order's platform, an overseas warehouse the consignor has
    registered and that is valid on the export day.

    Source: 海关总署公告2020年第75号 三 (开展出口海外仓业务的境内企业应在海关办理出口海外仓
    业务模式备案) and 修订说明 (202205) 二: for 9810 ebpCode / ebpName name the overseas warehouse.
    """
    day = parse_day(head.ie_date)
    if day is not None and not ctx.warehouse_valid(head.ebc_code, head.ebp_code, day):
        out.append(
            _v(
                f"{at}/ebpCode",
                "ebpCode",
                "warehouse_unregistered",
                f"{head.ebp_code!r} is not an overseas warehouse of {head.ebc_code} valid on"
                f" {head.ie_date}: register it first",
                f"“{head.ebp_code}”不是{head.ebc_code}在{head.ie_date}有效备案的海外仓，请先备案",
            )
        )


def predicted(inventories: list[Inventory], ctx: ExportContext) -> list[Violation]:
    """Every rule violation of the lists of one CEB603 message, as clearance would find them
    before looking for their documents (what a sandbox can say without a database)."""
    found: list[Violation] = []
    for index, inventory in enumerate(inventories, 1):
        found += check_inventory(inventory, f"Inventory[{index}]", ctx)
    return found
