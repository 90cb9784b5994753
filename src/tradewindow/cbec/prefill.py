"""What a new inventory list (CEB621) starts with, so that a clerk types only what is new:
the parcel's order and waybill numbers, the buyer and the goods.

- **The firm's own codes**: the signed-in party's customs code and Chinese name fill the
  element of its role — ``ebcCode``/``ebcName`` for an e-commerce enterprise, ``agentCode``/
  ``agentName`` for a broker or declaring agent (the declarer, 申报企业), ``ebpCode``/``ebpName``
  for a platform — and ``assureCode`` when it is a guarantor (担保企业) itself.
- **What its lists have in common**: from the firm's last list (or the one it chooses to copy)
  every element that describes the trade lane, not the parcel: the platform, logistics firm,
  guarantor, customs office and port, trade and transport mode, the consignment's conveyance,
  voyage and bill of lading (the parcels of one flight share them), country of departure,
  currency, packaging; copying a list also copies its goods lines.
- **Dates default to today** (``declTime``, ``ieDate``, China time); the enterprise's own
  number ``copNo`` is made unique from its code and the moment.
- **A customs office default** when the firm has filed nothing yet: the customs district of
  its Bay Area city (``reference.offices``).
- **From an order** the firm filed (:func:`from_order`): the parcel's order number, the
  platform and the e-commerce enterprise, the buyer, the consignee's address, the freight and
  the goods — each line's number, name, model, bar code, origin, quantity, unit, price and
  total — so the clerk adds only what an order does not say: the waybill, the weights and each
  line's HS code and legal quantity.

Nothing here is decided for the clerk: every value is an input they may change, and the
list is checked by the same rules as any other when it is filed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.reference.offices import customs_offices

# elements of a list's head that describe the trade lane (copied), not the parcel
LANE = (
    "ebpCode", "ebpName", "ebcCode", "ebcName", "logisticsCode", "logisticsName",
    "assureCode", "emsNo", "ieFlag", "customsCode", "portCode", "buyerIdType", "agentCode",
    "agentName", "areaCode", "areaName", "tradeMode", "trafMode", "trafNo", "voyageNo",
    "billNo", "loctNo", "country", "currency", "wrapType", "insuredFee",
)  # fmt: skip
# a line's elements copied with it (every one but its number: the clerk changes what differs)
LINE = (
    "itemRecordNo", "itemNo", "itemName", "gcode", "gname", "gmodel", "barCode", "country",
    "tradeCountry", "currency", "qty", "unit", "qty1", "unit1", "qty2", "unit2", "price",
    "totalPrice", "note",
)  # fmt: skip
# what a list takes from its order (CEB311 OrderHead element → CEB621 InventoryHead element)
ORDER_HEAD = (
    "orderNo", "ebpCode", "ebpName", "ebcCode", "ebcName", "buyerIdType", "buyerIdNumber",
    "buyerName", "buyerTelephone", "consigneeAddress", "freight", "currency",
)  # fmt: skip
# what a list line takes from its order line (the same element names in both)
ORDER_LINE = (
    "itemNo", "itemName", "gmodel", "barCode", "country", "currency", "qty", "unit", "price",
    "totalPrice", "note",
)  # fmt: skip
_ROLE_ELEMENTS = (
    ("ecommerce_enterprise", "ebcCode", "ebcName"),
    ("broker", "agentCode", "agentName"),
    ("declaring_agent", "agentCode", "agentName"),
    ("ecommerce_platform", "ebpCode", "ebpName"),
)


class Firm(msgspec.Struct, frozen=True, kw_only=True):
    """The signed-in party as the form knows it."""

    customs_code: str | None
    name: str  # its Chinese name, as the lists carry it
    roles: tuple[str, ...]
    city: str | None  # a Bay Area city key


def inventory_prefill(
    firm: Firm, previous: Mapping[str, Any] | None, now: datetime, *, lines: bool = False
) -> dict[str, str]:
    """The form's first values (``head.x`` / ``line.n.x`` input names) for a new list by
    ``firm``: the trade lane of ``previous`` (its last list, or one it copies: with
    ``lines``, its goods too), then its own codes, today's dates, a fresh ``copNo``."""
    values: dict[str, str] = {}
    head = (previous or {}).get("InventoryHead") or {}
    values |= {f"head.{name}": str(head[name]) for name in LANE if head.get(name) is not None}
    if lines:
        for n, line in enumerate((previous or {}).get("InventoryList") or [], start=1):
            values |= {
                f"line.{n}.{name}": str(line[name]) for name in LINE if line.get(name) is not None
            }
    if firm.customs_code:
        for role, code, name in _ROLE_ELEMENTS:
            if role in firm.roles:
                values[f"head.{code}"], values[f"head.{name}"] = firm.customs_code, firm.name
        if "guarantor" in firm.roles:
            values["head.assureCode"] = firm.customs_code
    if "head.customsCode" not in values and (office := home_office(firm.city)):
        values["head.customsCode"] = values["head.portCode"] = office
    local = now.astimezone(CHINA_TZ)
    values["head.declTime"] = values["head.ieDate"] = local.strftime("%Y%m%d")
    values["head.copNo"] = f"{firm.customs_code or 'TW'}{local:%Y%m%d%H%M%S}"[:20]
    return values


def from_order(order: Mapping[str, Any]) -> dict[str, str]:
    """The form values a list takes from ``order`` (a stored CEB311 Order: ``OrderHead`` and
    ``OrderList``): the parcel's head and its goods lines, ``gname`` starting as the item's
    name (the clerk states the customs description if it differs)."""
    head = order.get("OrderHead") or {}
    values = {f"head.{name}": str(head[name]) for name in ORDER_HEAD if head.get(name) is not None}
    for n, line in enumerate(order.get("OrderList") or [], start=1):
        values |= {
            f"line.{n}.{name}": str(line[name]) for name in ORDER_LINE if line.get(name) is not None
        }
        if line.get("itemName") is not None:
            values[f"line.{n}.gname"] = str(line["itemName"])
    return values


def home_office(city: str | None) -> str | None:
    """The customs district seated in ``city`` (the first by code), when there is one."""
    if not city:
        return None
    seats = [o.code for o in customs_offices() if o.gba_city == city and o.is_district]
    return seats[0] if seats else None
