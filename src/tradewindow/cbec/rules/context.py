"""What every rule needs besides the document: code tables, spec version and the clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from tradewindow.cbec.documents import CHINA_TZ, SpecVersion
from tradewindow.cbec.ports import CodeTables
from tradewindow.cbec.rules.fields import label
from tradewindow.violations import Violation

TOLERANCE = Decimal("0.01")  # amounts agree when they differ by at most one fen
APP_TIME_SKEW = timedelta(hours=24)  # appTime / payTime may run this far ahead of our clock


class Context:
    """One message's checking context; ``out`` collects the current document's violations."""

    __slots__ = ("codes", "latest_day", "latest_time", "message_type", "spec", "today")

    def __init__(
        self, message_type: str, codes: CodeTables, spec: SpecVersion, now: datetime
    ) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.message_type = message_type
        self.codes = codes
        self.spec = spec
        self.today, self.latest_time, self.latest_day = _limits(now)

    def violation(self, path: str, element: str, rule: str, en: str, zh: str) -> Violation:
        """A violation coded ``<message type>.<element>.<rule>``."""
        return Violation(path=path, code=f"{self.message_type}.{element}.{rule}", en=en, zh=zh)


@lru_cache(maxsize=64)  # one clock reading usually serves a whole batch of messages
def _limits(now: datetime) -> tuple[date, str, str]:
    """Today in China, and the latest appTime / declTime acceptable at ``now``.

    CEB times are China wall-clock digits, so comparing the digits compares the instants
    (China has kept one offset, +08:00, since 1991).
    """
    china_now = now.astimezone(CHINA_TZ)
    latest_time = (china_now + APP_TIME_SKEW).strftime("%Y%m%d%H%M%S")
    latest_day = (china_now + timedelta(days=1)).strftime("%Y%m%d")  # clock skew
    return china_now.date(), latest_time, latest_day


def real_time(text: str) -> bool:
    """``yyyyMMddHHmmss`` naming a real instant (ASCII digits only)."""
    if len(text) != 14 or not text.isascii() or not text.isdigit():
        return False
    try:
        datetime(  # noqa: DTZ001 - only asks whether the wall-clock reading exists
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:]),
        )
    except ValueError:
        return False
    return True


def real_day(text: str) -> bool:
    """``yyyyMMdd`` naming a real day (ASCII digits only)."""
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        return False
    try:
        date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


def negative(element: str, value: Decimal, path: str, ctx: Context) -> Violation:
    """``<type>.<element>.negative``: an amount below zero."""
    return ctx.violation(
        path,
        element,
        "negative",
        f"{element} must not be negative, not {value}",
        f"{label(element)}不能为负数，实际为{value}",
    )


def not_positive(element: str, value: Decimal | int, path: str, ctx: Context) -> Violation:
    """``<type>.<element>.not_positive``: a quantity, weight or count that must exceed zero."""
    return ctx.violation(
        path,
        element,
        "not_positive",
        f"{element} must be greater than zero, not {value}",
        f"{label(element)}必须大于0，实际为{value}",
    )
