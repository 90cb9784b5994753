"""Codes that must exist in the customs reference tables (``CodeTables``).

A code is looked up only when it already has the length its facet demands, so a malformed
code is reported once (as ``wrong_length``), not also as ``unknown``.
"""

from __future__ import annotations

from collections.abc import Callable

from tradewindow.cbec.documents import CNY
from tradewindow.cbec.rules.context import Context
from tradewindow.cbec.rules.fields import label
from tradewindow.violations import Violation

# Trade modes of CBEC imports: 9610 direct purchase (直购进口), 1210 bonded (保税跨境贸易电子
# 商务), 1239 bonded, type A (保税跨境贸易电子商务A, pilot cities since 2016).
DIRECT_MODES = frozenset({"9610"})
BONDED_MODES = frozenset({"1210", "1239"})
CBEC_IMPORT_MODES = DIRECT_MODES | BONDED_MODES


def _unknown(
    value: str, element: str, table: str, table_zh: str, at: str, ctx: Context
) -> Violation:
    return ctx.violation(
        f"{at}/{element}",
        element,
        "unknown",
        f"{element} {value!r} is not a {table}",
        f"{label(element)}“{value}”不是有效的{table_zh}",
    )


def _lookup(
    value: str | None,
    length: int,
    known: Callable[[str], bool],
    element: str,
    table: tuple[str, str],
    at: str,
    ctx: Context,
    out: list[Violation],
) -> None:
    if value is not None and len(value) == length and not known(value):
        out.append(_unknown(value, element, *table, at, ctx))


_COUNTRY = ("customs country (region) code", "海关国别（地区）代码")
_UNIT = ("customs unit of measurement code", "海关计量单位代码")
_OFFICE = ("customs office code (JGS/T 18)", "海关关区代码")


def currency_known(value: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """currency is a customs currency code (JGS-20 货币代码); its facet fixes it to 142.

    Source: spec 202205 币制 "限定为人民币，填写142". Only a value that satisfies the fixed
    facet is looked up (so this guards the reference table itself).
    """
    if value == CNY and not ctx.codes.is_customs_currency(value):
        out.append(_unknown(value, "currency", "customs currency code", "海关币制代码", at, ctx))


def country_known(
    value: str | None, element: str, at: str, ctx: Context, out: list[Violation]
) -> None:
    """country / tradeCountry is a customs country (region) code.

    Source: spec 202205 表 3-3 / 3-31, 原产国 / 起运国 / 贸易国 "JGS-20 国家（地区）代码表".
    """
    _lookup(value, 3, ctx.codes.is_customs_country, element, _COUNTRY, at, ctx, out)


def unit_known(
    value: str | None, element: str, at: str, ctx: Context, out: list[Violation]
) -> None:
    """unit / unit1 / unit2 is a customs unit of measurement code.

    Source: spec 202205 表 3-3 / 3-31, 计量单位 "JGS-20 海关业务代码集 - 计量单位代码".
    """
    _lookup(value, 3, ctx.codes.is_customs_unit, element, _UNIT, at, ctx, out)


def office_known(value: str, element: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """customsCode / portCode is a customs office code.

    Source: spec 202205 表 3-31, 申报海关代码 / 口岸海关代码 "参照JGS/T 18《海关关区代码》".
    """
    _lookup(value, 4, ctx.codes.is_customs_office, element, _OFFICE, at, ctx, out)


def trade_mode_is_cbec_import(value: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """tradeMode is a customs trade mode, and one of the CBEC import modes 9610 / 1210 / 1239.

    Source: spec 202205 表 3-31, 贸易方式 "直购进口填写9610，保税进口填写1210"; 1239 per
    海关总署公告2016年第75号.
    """
    if len(value) != 4:
        return
    if not ctx.codes.is_trade_mode(value):
        out.append(
            _unknown(value, "tradeMode", "customs trade mode code", "海关监管方式代码", at, ctx)
        )
    elif value not in CBEC_IMPORT_MODES:
        out.append(
            ctx.violation(
                f"{at}/tradeMode",
                "tradeMode",
                "not_cbec_import",
                f"tradeMode {value} is not a CBEC import mode (9610, 1210 or 1239)",
                f"{label('tradeMode')}“{value}”不是跨境电商进口监管方式（9610、1210、1239）",
            )
        )


def transport_mode_known(value: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """trafMode is a customs transport mode code.

    Source: spec 202205 表 3-31, 运输方式 "JGS-20 海关业务代码集 - 运输方式代码".
    """
    table = ("customs transport mode code", "海关运输方式代码")
    _lookup(value, 1, ctx.codes.is_transport_mode, "trafMode", table, at, ctx, out)


def wrap_type_known(value: str | None, at: str, ctx: Context, out: list[Violation]) -> None:
    """wrapType, when given, is a package type code.

    Source: spec 202205 表 3-31, 包装种类代码 "采用1位数字表示".
    """
    table = ("package type code", "包装种类代码")
    _lookup(value, 1, ctx.codes.is_wrap_type, "wrapType", table, at, ctx, out)


def hs_code_known(value: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """gcode is a 10-digit commodity code on a real HS subheading.

    Source: spec 202205 表 3-31, 商品编码 "《中华人民共和国进出口税则》8位税则号列 + 附加编号".
    """
    table = ("commodity code of the customs tariff", "进出口税则商品编码")
    _lookup(value, 10, ctx.codes.is_hs_code, "gcode", table, at, ctx, out)
