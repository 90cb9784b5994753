"""The statistics the public pages show: professionals in the register by profession, home
jurisdiction and city, and recognitions decided month by month with the running total; the
rule-integration items by field and status, and publications month by month. Pure: over the
counts the stores return."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

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


class FieldStatus(msgspec.Struct, frozen=True, kw_only=True):
    field: str
    planned: int = 0
    in_progress: int = 0
    in_force: int = 0
    withdrawn: int = 0


class PublicationMonth(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    month: str  # YYYY-MM
    publications: int
    in_force: int  # publications that month of an item in force


class RegistryStatistics(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    by_field: list[FieldStatus]  # items by field and status (their published revisions)
    months: list[PublicationMonth]


def registry_statistics(
    counts: list[tuple[str, str, int]], publications: list[tuple[datetime, str, str]]
) -> RegistryStatistics:
    """From (field, status, items) and every publication's (time, field, status)."""
    fields: dict[str, dict[str, int]] = {}
    for field, status, n in counts:
        fields.setdefault(field, {})[status] = n
    by_field = [
        FieldStatus(field=field, **{s: n for s, n in statuses.items() if s in _STATUSES})
        for field, statuses in sorted(fields.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    published: Counter[str] = Counter()
    in_force: Counter[str] = Counter()
    for at, _field, status in publications:
        month = at.strftime("%Y-%m")
        published[month] += 1
        if status == "in_force":
            in_force[month] += 1
    months = [
        PublicationMonth(month=m, publications=published[m], in_force=in_force[m])
        for m in sorted(published)
    ]
    return RegistryStatistics(by_field=by_field, months=months)


_STATUSES = frozenset({"planned", "in_progress", "in_force", "withdrawn"})
