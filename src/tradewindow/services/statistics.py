"""The professionals' statistics the public pages show: recognitions in force by profession,
home jurisdiction and city, and decided month by month with the running total. Pure: over the
counts the recognition store returns."""

from __future__ import annotations

from collections import Counter

import msgspec

from tradewindow.services.recognition import State

IN_REGISTER = (State.RECOGNISED.value, State.SUSPENDED.value)


class Count(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    count: int


class Month(msgspec.Struct, frozen=True, kw_only=True):
    month: str  # YYYY-MM
    recognitions: int  # decided that month
    total: int  # decided up to and including that month


class ProfessionalStatistics(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    in_register: int  # recognised or suspended now
    by_profession: list[Count]  # most first
    by_home: list[Count]
    by_city: list[Count]
    by_state: list[Count]  # every application, by state
    months: list[Month]


def professional_statistics(
    counts: list[tuple[str, str, str, str, int]], by_month: list[tuple[str, str, int]]
) -> ProfessionalStatistics:
    """From (profession, home, city, state, applications) and (month, profession, decided)."""
    profession: Counter[str] = Counter()
    home: Counter[str] = Counter()
    city: Counter[str] = Counter()
    state: Counter[str] = Counter()
    for code, jurisdiction, place, now, n in counts:
        state[now] += n
        if now in IN_REGISTER:
            profession[code] += n
            home[jurisdiction] += n
            city[place] += n
    monthly: Counter[str] = Counter()
    for month, _code, n in by_month:
        monthly[month] += n
    months, total = [], 0
    for month in sorted(monthly):
        total += monthly[month]
        months.append(Month(month=month, recognitions=monthly[month], total=total))
    return ProfessionalStatistics(
        in_register=sum(home.values()),
        by_profession=_ranked(profession),
        by_home=_ranked(home),
        by_city=_ranked(city),
        by_state=_ranked(state),
        months=months,
    )


def _ranked(counter: Counter[str]) -> list[Count]:
    return [
        Count(key=k, count=n) for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
