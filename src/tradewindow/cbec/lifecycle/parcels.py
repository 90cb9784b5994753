"""Parcels in and out of the supervised site: CEB711 deliveries, CEB513 signatures, and the
gate-out check a released list's parcel must pass (pure).

- A CEB711 入库明细单 (filed by the site's operator) records parcels arrived into the
  supervised site under a master bill; every parcel must be a waybill on file.
- A CEB513 运单状态 (filed by the logistics firm) says the consignee signed for the parcel
  (status S): it has left the site. Only a waybill on file can be signed for; appType 2
  corrects the time, 3 withdraws the signature.
- A parcel may leave the site when its list is released (and neither cancelled nor wholly
  returned) and the parcel arrived at the site.

Source: spec 202205 §3.7 (表 3-24) and §3.15 (表 3-52).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import msgspec

from tradewindow.cbec.documents import AppType, Inventory, LogisticsStatus
from tradewindow.cbec.lifecycle.cancellation import violation
from tradewindow.cbec.ports import DocStatus, ReturnedLine
from tradewindow.violations import Violation

_STATUS = "CEB513"
_DELIVERY = "CEB711"


def status_violations(
    status: LogisticsStatus, waybill_on_file: bool, signed_at: datetime | None
) -> list[Violation]:
    """Why a CEB513 status cannot be recorded for its waybill (each coded)."""
    if not waybill_on_file:
        return [
            violation(
                _STATUS,
                "logisticsNo",
                "unknown",
                "there is no waybill (CEB511) on file with this logisticsCode and logisticsNo",
                "未找到该物流企业的此运单（CEB511）",
            )
        ]
    if status.app_type == AppType.NEW and signed_at is not None:
        return [
            violation(
                _STATUS,
                "appType",
                "duplicate",
                "the parcel is already signed for; use appType 2 to correct the time",
                "该运单已有签收状态，变更请使用报送类型2",
            )
        ]
    if status.app_type in (AppType.CHANGE, AppType.DELETE) and signed_at is None:
        return [
            violation(
                _STATUS,
                "appType",
                "not_found",
                "there is no signature on file for this parcel to change or delete",
                "该运单没有可变更或删除的签收状态",
            )
        ]
    return []


def unknown_parcels(logistics_nos: list[str], on_file: set[str]) -> list[Violation]:
    """A violation for each DeliveryList parcel that is not a waybill on file."""
    return [
        violation(
            _DELIVERY,
            "logisticsNo",
            "unknown",
            f"parcel {number} is not a waybill (CEB511) on file of the head's logisticsCode",
            f"运单{number}不是该物流企业已申报的运单（CEB511）",
        ).at(f"DeliveryList[{index}]")
        for index, number in enumerate(logistics_nos, 1)
        if number not in on_file
    ]


class GateCheck(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """May this parcel leave the supervised site, and if not, every reason (coded); when it
    arrived there and when its consignee signed for it, if known."""

    allowed: bool
    violations: tuple[Violation, ...] = ()
    arrived_at: datetime | None = None
    signed_at: datetime | None = None


def may_leave(
    list_status: DocStatus | None, arrived_at: datetime | None, wholly_returned: bool = False
) -> GateCheck:
    """The gate-out check of a parcel: its list released (not cancelled, not wholly
    returned) and the parcel arrived at the site (a CEB711 on file)."""
    found: list[Violation] = []
    if list_status is None:
        found.append(_gate("no_list", "no inventory list names this parcel", "该运单没有清单"))
    elif list_status is DocStatus.CANCELLED:
        found.append(
            _gate("cancelled", "its list was cancelled: the release is withdrawn", "清单已撤销")
        )
    elif list_status is not DocStatus.RELEASED:
        found.append(
            _gate(
                "not_released",
                f"its list is {list_status.value}, not released",
                "清单尚未放行",
            )
        )
    elif wholly_returned:
        found.append(_gate("returned", "every line of its list was returned", "清单已全部退货"))
    if arrived_at is None:
        found.append(
            _gate(
                "not_arrived",
                "the parcel never arrived at the supervised site (no CEB711 delivery on file)",
                "包裹未运抵监管作业场所（无入库明细单）",
            )
        )
    return GateCheck(allowed=not found, violations=tuple(found))


def wholly_returned(inventory: Inventory, returned: Sequence[ReturnedLine]) -> bool:
    """Every line of the list is returned (by accepted returns)."""
    taken: dict[int, Decimal] = {}
    for line in returned:
        if line.status is DocStatus.RELEASED:
            taken[line.gnum] = taken.get(line.gnum, Decimal(0)) + line.qty
    return all(taken.get(item.gnum, Decimal(0)) >= item.qty for item in inventory.items)


def _gate(rule: str, en: str, zh: str) -> Violation:
    return Violation(path="", code=f"gate.parcel.{rule}", en=en, zh=zh)
