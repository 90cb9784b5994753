"""Overseas warehouses (出口海外仓) an enterprise registers before exporting under 9810.

A registration names the operating enterprise (the registrant), the warehouse's code (the one
its 9810 orders and lists carry as ebpCode), name, country, address, area in square metres,
whether it is owned or leased with the evidence of it, and the validity of that evidence.
:func:`check_registration` returns every violation at once; :func:`valid_on` is what a 9810
list is checked against.

Source: 海关总署公告2020年第75号 三 (出口海外仓业务模式备案: 海外仓所有权文件 (自有) 或租赁
协议 (租赁), 海外仓地址、面积等), extended nationwide by 2021年第47号.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

import msgspec

from tradewindow.cbec.documents import CNY
from tradewindow.cbec.ports import CodeTables
from tradewindow.violations import Violation


class Tenure(enum.StrEnum):
    OWNED = "owned"  # 自有: ownership documents
    LEASED = "leased"  # 租赁: lease agreement


class Warehouse(msgspec.Struct, frozen=True, kw_only=True):
    """One registered overseas warehouse."""

    enterprise_code: str  # the registering enterprise (10-digit customs or 18-digit USCC code)
    warehouse_code: str  # ≤ 18 characters, as ebpCode in CEB303 / CEB603
    name: str
    country: str  # customs country code
    address: str
    area_m2: Decimal
    tenure: Tenure
    evidence: str  # the deed or lease: its reference
    valid_from: date
    valid_until: date

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


def _v(element: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(path=element, code=f"warehouse.{element}.{rule}", en=en, zh=zh)


def check_registration(warehouse: Warehouse, codes: CodeTables) -> list[Violation]:
    """Every violation of a registration (paths are the field names)."""
    out: list[Violation] = []
    if not 1 <= len(warehouse.warehouse_code) <= 18:
        out.append(
            _v(
                "warehouseCode",
                "length",
                "the warehouse code has 1 to 18 characters (it is ebpCode in 9810 messages)",
                "海外仓编码应为1至18位（在9810报文中作为电商平台代码）",
            )
        )
    for element, value, limit in (
        ("name", warehouse.name, 100),
        ("address", warehouse.address, 500),
    ):
        if not value.strip() or len(value) > limit:
            out.append(
                _v(
                    element,
                    "length",
                    f"{element} must be given, at most {limit} characters",
                    f"{element}必须填写，且不超过{limit}个字符",
                )
            )
    if not warehouse.evidence.strip():
        out.append(
            _v(
                "evidence",
                "missing",
                "an owned warehouse needs its ownership document, a leased one its lease",
                "自有海外仓须提供所有权文件，租赁海外仓须提供租赁协议",
            )
        )
    if not codes.is_customs_country(warehouse.country) or warehouse.country == CNY:
        out.append(
            _v(
                "country",
                "not_abroad",
                f"{warehouse.country!r} is not a customs country outside China",
                f"“{warehouse.country}”不是中国境外的海关国别（地区）代码",
            )
        )
    if warehouse.area_m2 <= 0:
        out.append(
            _v(
                "areaM2",
                "not_positive",
                f"the area must be greater than zero, not {warehouse.area_m2}",
                f"面积必须大于0，实际为{warehouse.area_m2}",
            )
        )
    if warehouse.valid_until < warehouse.valid_from:
        out.append(
            _v(
                "validUntil",
                "before_start",
                "the evidence cannot end before it starts",
                "有效期截止日不能早于起始日",
            )
        )
    return out
