"""From departed lists to CEB701 applications, and from an application to its CEB792 result.

:func:`applications` is what ``tradewindow export summarise`` files: one CEB701 per summary of
:func:`tradewindow.export.summary.summarise`, naming its lists. :func:`judge_application`
checks a filed CEB701 against the lists it names (every fault at once) and
:func:`result_of` makes the customs side's CEB792 of an accepted one: one result line per
list line, numbered in the order of the merged declaration lines (gseqno).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.cbec.receipts import return_time
from tradewindow.export import documents as d
from tradewindow.export import receipts as r
from tradewindow.export.flow import Status
from tradewindow.export.model import ExportList, SummaryRecord
from tradewindow.export.rules import StatisticsFlag
from tradewindow.export.summary import (
    Released,
    Summary,
    SummaryPolicy,
    WorkingDays,
    deadline,
    policy_on,
    summarise,
)
from tradewindow.violations import Violation


def released(record: ExportList) -> Released:
    """A departed list as the summary rules see it."""
    if record.invt_no is None or record.departed_on is None:
        raise ValueError("only a departed list can be summarised")
    return Released(
        invt_no=record.invt_no, inventory=record.inventory, departed_on=record.departed_on
    )


def applications(
    lists: Sequence[ExportList],
    *,
    agent: tuple[str, str],
    decl_agent: tuple[str, str],
    cop_no_prefix: str,
    at: datetime,
) -> list[tuple[Summary, d.SummaryApply]]:
    """One CEB701 per summary of ``lists`` (departed, statisticsFlag B, not yet summarised),
    under the policy in force on the latest departure."""
    ready = [released(x) for x in lists if x.status is Status.DEPARTED and x.sum_no is None]
    if not ready:
        return []
    policy = policy_on(max(x.departed_on for x in ready))
    stamp = at.astimezone(CHINA_TZ).strftime("%Y%m%d%H%M%S")
    found = []
    for number, item in enumerate(summarise(ready, policy), 1):
        first = next(x for x in lists if x.invt_no == item.invt_nos[0])
        head = d.SummaryApplyHead(
            guid=_guid(cop_no_prefix, *item.invt_nos), app_type="1", app_time=stamp,
            app_status="2", customs_code=first.inventory.head.customs_code,
            cop_no=f"{cop_no_prefix}{number:04d}"[:30], agent_code=agent[0],
            agent_name=agent[1], ebc_code=item.key.ebc_code,
            ebc_name=first.inventory.head.ebc_name, decl_agent_code=decl_agent[0],
            decl_agent_name=decl_agent[1], summary_flag="2", item_name_flag="1", msg_count=1,
            msg_seq_no=1,
        )  # fmt: skip
        found.append(
            (
                item,
                d.SummaryApply(
                    head=head, items=[d.SummaryApplyItem(invt_no=n) for n in item.invt_nos]
                ),
            )
        )
    return found


def judge_application(
    apply: d.SummaryApply, lists: dict[str, ExportList | None], at: str
) -> list[Violation]:
    """Every reason the lists named by a CEB701 cannot be summarised together."""
    head = apply.head
    found: list[Violation] = []
    if not apply.items:
        found.append(
            Violation(
                path=f"{at}/SummaryApplyList",
                code="CEB701.SummaryApplyList.empty",
                en="name the lists to summarise (invtNo); summaries by time range are built"
                " by `tradewindow export summarise`",
                zh="请列明需汇总的清单编号",
            )
        )
    for number, item in enumerate(apply.items, 1):
        path = f"{at}/SummaryApplyList[{number}]/invtNo"
        record = lists.get(item.invt_no)
        if record is None or record.inventory.head.ebc_code != head.ebc_code:
            found.append(_v(path, "no_list", f"no list {item.invt_no} of {head.ebc_code}",
                            f"未找到{head.ebc_code}的清单{item.invt_no}"))  # fmt: skip
        elif record.status is not Status.DEPARTED:
            found.append(_v(path, "not_departed", f"list {item.invt_no} has not departed",
                            f"清单{item.invt_no}未结关"))  # fmt: skip
        elif record.inventory.head.statistics_flag != StatisticsFlag.SUMMARY:
            found.append(_v(path, "simplified", f"list {item.invt_no} is simplified (A)",
                            f"清单{item.invt_no}为简化申报，不汇总"))  # fmt: skip
        elif record.sum_no is not None:
            found.append(_v(path, "summarised", f"list {item.invt_no} is in {record.sum_no}",
                            f"清单{item.invt_no}已汇总至{record.sum_no}"))  # fmt: skip
    if found:
        return found
    ready = [released(x) for x in lists.values() if x is not None]
    keys = {k.key for k in summarise(ready, policy_on(max(x.departed_on for x in ready)))}
    if len(keys) > 1:
        found.append(
            Violation(
                path=f"{at}/SummaryApplyList",
                code="CEB701.SummaryApplyList.mixed",
                en="the lists differ in consignor, transport mode, producer, country of arrival"
                " or exit office: one summary per combination",
                zh="清单的收发货人、运输方式、生产销售单位、运抵国或出境关别不同，不能归并为一份汇总",
            )
        )
    return found


def late(
    records: Sequence[ExportList], filed_on: date, policy: SummaryPolicy, calendar: WorkingDays
) -> list[tuple[str, date]]:
    """The (invtNo, deadline) of the lists summarised after their deadline."""
    return sorted(
        (x.invt_no, due)
        for x in records
        if x.invt_no is not None
        and x.departed_on is not None
        and (due := deadline(x.departed_on, policy, calendar)) < filed_on
    )


def result_of(record: SummaryRecord, lists: Sequence[ExportList], at: datetime) -> r.SummaryResult:
    """The CEB792 customs returns for an accepted summary."""
    waybills = {x.invt_no: x.inventory.head.logistics_no for x in lists}
    gcodes = {(x.invt_no, item.gnum): item.gcode for x in lists for item in x.inventory.items}
    items = [
        r.SummaryResultItem(
            invt_no=invt_no,
            logistics_no=waybills[invt_no],
            gseqno=seq,
            gnum=gnum,
            gcode=gcodes[(invt_no, gnum)],
        )
        for seq, line in enumerate(record.summary.lines, 1)
        for invt_no, gnum in line.sources
    ]
    first = lists[0].inventory.head
    head = r.SummaryResultHead(
        guid=_guid("792", record.sum_no), customs_code=record.customs_code, sum_no=record.sum_no,
        op_date=return_time(at), decl_seq_no=record.decl_seq_no, dec_state="1",
        agent_code=record.agent_code, agent_name=first.agent_name, ebc_code=first.ebc_code,
        ebc_name=first.ebc_name, decl_agent_code=record.agent_code,
        decl_agent_name=first.agent_name, gross_weight=record.summary.gross_weight,
        net_weight=record.summary.net_weight, msg_count=1, msg_seq_no=1,
    )  # fmt: skip
    return r.SummaryResult(head=head, items=items)


def _v(path: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=f"CEB701.invtNo.{rule}", en=en, zh=zh)


def _guid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(("tw-export-summary", *parts)))).upper()
