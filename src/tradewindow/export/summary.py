"""Summary declaration (汇总申报) of released 9610 export lists, as a dated policy.

A month's lists with statisticsFlag B that have departed are grouped by the head rule —
same consignor (ebcCode), transport mode, producer/seller (ownerCode), country of arrival and
exit customs office (portCode) — and, inside a group, their lines merge by final destination
country, 10-digit HS code and currency, adding quantities and value. Each group becomes one
CEB701 application; customs answers with a CEB792 naming the declaration.

The deadline: the 15th of the following month, moved to the next working day when the 15th
is not one; December's lists by the last working day of December.

Source: 海关总署公告2018年第194号 (跨境电子商务零售进出口商品有关监管事宜), 通关管理:
"跨境电子商务零售商品出口后，跨境电子商务企业或其代理人应当于每月15日前（当月15日是法定节假日
或者法定休息日的，顺延至其后的第一个工作日）将上月结关的《申报清单》依据清单表头同一收发货人、
同一运输方式、同一生产销售单位、同一运抵国、同一出境关别，以及清单表体同一最终目的国、同一10位
海关商品编码、同一币制的规则进行归并，汇总形成《中华人民共和国海关出口货物报关单》向海关申报";
"第十二月的清单汇总应当于当月最后一个工作日前完成". Lists of statisticsFlag A (简化申报,
"清单核放、汇总统计") are not summarised into declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import msgspec

from tradewindow.export.documents import Inventory
from tradewindow.export.rules import StatisticsFlag


class HeadKey(msgspec.Struct, frozen=True, order=True, kw_only=True):
    """What lists of one summary share (the head rule)."""

    ebc_code: str
    traf_mode: str
    owner_code: str
    country: str
    port_code: str


class LineKey(msgspec.Struct, frozen=True, order=True, kw_only=True):
    """What lines merged into one declaration line share (the line rule)."""

    country: str
    gcode: str
    currency: str


class MergedLine(msgspec.Struct, frozen=True, kw_only=True):
    key: LineKey
    qty1: Decimal  # in the legal unit, which one HS code fixes
    unit1: str
    total_price: Decimal
    sources: tuple[tuple[str, int], ...]  # (invtNo, gnum) of every line merged in


class Summary(msgspec.Struct, frozen=True, kw_only=True):
    key: HeadKey
    invt_nos: tuple[str, ...]
    lines: tuple[MergedLine, ...]
    gross_weight: Decimal
    net_weight: Decimal


@dataclass(frozen=True, slots=True)
class SummaryPolicy:
    """The merge and deadline rules in force from ``effective_from`` (see the module)."""

    effective_from: date
    source: str
    head_key: Callable[[Inventory], HeadKey]
    deadline_day: int = 15


def _head_key_2018(inventory: Inventory) -> HeadKey:
    head = inventory.head
    return HeadKey(
        ebc_code=head.ebc_code,
        traf_mode=head.traf_mode,
        owner_code=head.owner_code,
        country=head.country,
        port_code=head.port_code,
    )


POLICIES: tuple[SummaryPolicy, ...] = (
    SummaryPolicy(
        effective_from=date(2019, 1, 1),
        source="海关总署公告2018年第194号",
        head_key=_head_key_2018,
    ),
)


def policy_on(day: date) -> SummaryPolicy:
    """The policy in force on ``day``; before the first, a ``LookupError``."""
    found = [p for p in POLICIES if p.effective_from <= day]
    if not found:
        raise LookupError(f"no summary policy in force on {day.isoformat()}")
    return max(found, key=lambda p: p.effective_from)


@dataclass(frozen=True, slots=True)
class Released:
    """A list that may be summarised: its invtNo, its content and the day it departed."""

    invt_no: str
    inventory: Inventory
    departed_on: date


def summarise(lists: Iterable[Released], policy: SummaryPolicy) -> list[Summary]:
    """The summaries of ``lists`` (statisticsFlag A lists are left out), in key order.

    Merging never loses or counts twice a line's quantity or value: the merged lines of a
    summary add up to its lists' lines (tested with hypothesis).
    """
    groups: dict[HeadKey, list[Released]] = {}
    for item in lists:
        if item.inventory.head.statistics_flag == StatisticsFlag.SUMMARY:
            groups.setdefault(policy.head_key(item.inventory), []).append(item)
    return [_summary(key, groups[key]) for key in sorted(groups)]


def _summary(key: HeadKey, members: Sequence[Released]) -> Summary:
    merged: dict[tuple[LineKey, str], list[tuple[Decimal, Decimal, str, int]]] = {}
    for member in sorted(members, key=lambda m: m.invt_no):
        for item in member.inventory.items:
            line_key = LineKey(country=item.country, gcode=item.gcode, currency=item.currency)
            merged.setdefault((line_key, item.unit1), []).append(
                (item.qty1, item.total_price, member.invt_no, item.gnum)
            )
    lines = tuple(
        MergedLine(
            key=line_key,
            unit1=unit1,
            qty1=sum((q for q, _, _, _ in parts), Decimal(0)),
            total_price=sum((p for _, p, _, _ in parts), Decimal(0)),
            sources=tuple((n, g) for _, _, n, g in parts),
        )
        for (line_key, unit1), parts in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    )
    return Summary(
        key=key,
        invt_nos=tuple(sorted(m.invt_no for m in members)),
        lines=lines,
        gross_weight=sum((m.inventory.head.gross_weight for m in members), Decimal(0)),
        net_weight=sum((m.inventory.head.net_weight for m in members), Decimal(0)),
    )


# --- the deadline ---------------------------------------------------------------------------


# a day is a working day unless it is a weekend day or a listed public holiday; working
# weekend days (调休) are listed too. Both lists come from the State Council's yearly notice
# and are given by the caller (reference data), empty meaning "weekends only".
@dataclass(frozen=True, slots=True)
class WorkingDays:
    holidays: frozenset[date] = frozenset()
    working_weekend_days: frozenset[date] = frozenset()

    def is_working(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.working_weekend_days


def deadline(departed_on: date, policy: SummaryPolicy, calendar: WorkingDays) -> date:
    """The last day to file the summary covering a list that departed on ``departed_on``.

    The 15th of the next month, moved to the next working day when it is not one; for a list
    of December, the last working day of December.
    """
    if departed_on.month == 12:
        day = date(departed_on.year, 12, 31)
        while not calendar.is_working(day):
            day -= timedelta(days=1)
        return day
    day = date(departed_on.year, departed_on.month + 1, policy.deadline_day)
    while not calendar.is_working(day):
        day += timedelta(days=1)
    return day


def overdue(
    lists: Iterable[Released], today: date, policy: SummaryPolicy, calendar: WorkingDays
) -> list[tuple[str, date]]:
    """The (invtNo, deadline) of every summary-flagged list whose deadline passed before
    ``today`` — those not yet summarised, as the caller passes them."""
    return sorted(
        (item.invt_no, due)
        for item in lists
        if item.inventory.head.statistics_flag == StatisticsFlag.SUMMARY
        and (due := deadline(item.departed_on, policy, calendar)) < today
    )
