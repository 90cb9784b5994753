"""Rules the four document heads share: guid, appType, appStatus, times, identity."""

from __future__ import annotations

from tradewindow.cbec.rules.context import Context, real_day, real_time
from tradewindow.cbec.rules.fields import label
from tradewindow.cbec.rules.identity import resident_id_problem
from tradewindow.violations import Violation


def app_type_allowed(app_type: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """appType is 1 (new), 2 (change) or 3 (delete).

    Source: spec 202205 表 3-3 / 3-10 / 3-17 / 3-31, 报送类型 "1-新增 2-变更 3-删除".
    """
    if app_type not in ("1", "2", "3"):
        out.append(
            ctx.violation(
                f"{at}/appType",
                "appType",
                "invalid",
                f"appType must be 1 (new), 2 (change) or 3 (delete), not {app_type!r}",
                f"{label('appType')}只能为1-新增、2-变更、3-删除，实际为“{app_type}”",
            )
        )


def app_status_allowed(app_status: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """appStatus is 1 (stored) or 2 (declared).

    Source: spec 202205 表 3-3 / 3-10 / 3-17 / 3-31, 业务状态 "1-暂存,2-申报".
    """
    if app_status not in ("1", "2"):
        out.append(
            ctx.violation(
                f"{at}/appStatus",
                "appStatus",
                "invalid",
                f"appStatus must be 1 (stored) or 2 (declared), not {app_status!r}",
                f"{label('appStatus')}只能为1-暂存、2-申报，实际为“{app_status}”",
            )
        )


def time_sane(text: str, element: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """appTime / payTime is a real ``yyyyMMddHHmmss`` China time at most 24 h after now.

    Source: spec 202205 表 3-3 / 3-10 / 3-17 / 3-31, "格式:YYYYMMDDhhmmss"; the 24 h allow
    for clock skew at the sender (a platform rule, not the spec's).
    """
    if len(text) != 14:
        return  # the length facet already reports it
    if not real_time(text):
        out.append(
            ctx.violation(
                f"{at}/{element}",
                element,
                "not_a_time",
                f"{element} {text!r} is not a real yyyyMMddHHmmss time",
                f"{label(element)}“{text}”不是有效的YYYYMMDDhhmmss时间",
            )
        )
    elif text > ctx.latest_time:
        out.append(
            ctx.violation(
                f"{at}/{element}",
                element,
                "in_future",
                f"{element} {text} is more than 24 hours ahead of now",
                f"{label(element)}“{text}”晚于当前时间24小时以上",
            )
        )


def day_sane(text: str, element: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """declTime / ieDate is a real ``yyyyMMdd`` day, not after today (China time) + 1 day.

    Source: spec 202205 表 3-31, 申报日期 / 进口日期 "格式:YYYYMMDD"; one day of clock skew.
    """
    if len(text) != 8:
        return  # the length facet already reports it
    if not real_day(text):
        out.append(
            ctx.violation(
                f"{at}/{element}",
                element,
                "not_a_date",
                f"{element} {text!r} is not a real yyyyMMdd day",
                f"{label(element)}“{text}”不是有效的YYYYMMDD日期",
            )
        )
    elif text > ctx.latest_day:
        out.append(
            ctx.violation(
                f"{at}/{element}",
                element,
                "in_future",
                f"{element} {text} is after today",
                f"{label(element)}“{text}”晚于当前日期",
            )
        )


def guid_uppercase(guid: str, at: str, ctx: Context, out: list[Violation]) -> None:
    """guid letters are uppercase.

    Source: spec 202205 表 3-1 / 3-3 …, 系统唯一序号 "36位唯一序号（英文字母大写）".
    """
    if guid != guid.upper():
        out.append(
            ctx.violation(
                f"{at}/guid" if at else "@guid",
                "guid",
                "not_uppercase",
                "guid letters must be uppercase",
                f"{label('guid')}英文字母必须大写",
            )
        )


def id_type_allowed(
    id_type: str, element: str, at: str, ctx: Context, out: list[Violation]
) -> None:
    """buyerIdType / payerIdType is 1 (resident identity card) or 2 (other).

    Source: spec 202205 表 3-3 / 3-10 / 3-31, 证件类型 "1-身份证,2-其它" (the spec adds that
    import documents are limited to 1; 2 is still accepted here and its number not checked).
    """
    if id_type not in ("1", "2"):
        out.append(
            ctx.violation(
                f"{at}/{element}",
                element,
                "invalid",
                f"{element} must be 1 (resident identity card) or 2 (other), not {id_type!r}",
                f"{label(element)}只能为1-身份证、2-其它，实际为“{id_type}”",
            )
        )


def id_number_valid(
    id_type: str, number: str, element: str, at: str, ctx: Context, out: list[Violation]
) -> None:
    """With ID type 1 the number is a valid 18-character resident identity number.

    Source: spec 202205 表 3-3 / 3-10 / 3-31, 证件号码 "身份证件号码"; GB 11643-1999
    (region, real birth date, ISO 7064 MOD 11-2 check character). The number is never echoed.
    """
    if id_type != "1" or not number:
        return
    problem = resident_id_problem(number, ctx.today)
    if problem is not None:
        en, zh = problem
        out.append(
            ctx.violation(
                f"{at}/{element}",
                element,
                "invalid",
                f"{element} is not a valid resident identity number: it {en}",
                f"{label(element)}不是有效的居民身份证号码：{zh}",
            )
        )
