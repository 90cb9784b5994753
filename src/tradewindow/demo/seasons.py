"""When people shop: the shape of a year and of a day of CBEC import orders.

``volume_factor`` scales a baseline day's number of sets: the Double 11 (11.11) and 618
(June 18) festivals and their pre-sale runs, Double 12, Women's Day (3.8), the rush for New
Year goods before the Spring Festival and the lull while couriers stop for it, and a little
more on weekends. ``HOURLY`` is the share of a day's orders placed in each hour (China time):
quiet nights, a lunchtime bump and the evening peak, with the midnight rush on festival eves
folded into hour 0.
"""

from __future__ import annotations

from datetime import date

# Spring Festival (正月初一), 2020–2032.
SPRING_FESTIVAL: dict[int, date] = {
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29),
    2026: date(2026, 2, 17), 2027: date(2027, 2, 6), 2028: date(2028, 1, 26),
    2029: date(2029, 2, 13), 2030: date(2030, 2, 3), 2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
}  # fmt: skip

HOURLY: tuple[int, ...] = (
    6, 3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6,  # 00–11
    7, 6, 5, 5, 5, 5, 5, 6, 8, 10, 10, 8,  # 12–23
)  # fmt: skip


def _festival(day: date) -> float:
    month, dom = day.month, day.day
    if month == 11:
        if dom == 11:
            return 5.0  # Double 11
        if 1 <= dom <= 10:
            return 1.6 + 0.15 * dom  # pre-sale run up
        if dom in (12, 13):
            return 2.0  # tail of the festival and delayed declarations
    if month == 6:
        if dom == 18:
            return 3.5  # 618
        if 1 <= dom <= 17:
            return 1.3 + 0.05 * dom
    if month == 12 and dom == 12:
        return 1.8  # Double 12
    if month == 3 and dom == 8:
        return 1.6  # Women's Day
    return 1.0


def _spring_festival(day: date) -> float:
    candidates = [SPRING_FESTIVAL.get(year) for year in (day.year, day.year + 1)]
    festival = min(
        (c for c in candidates if c is not None), key=lambda c: abs((c - day).days), default=None
    )
    if festival is None:
        return 1.0
    offset = (day - festival).days
    if -28 <= offset <= -12:
        return 1.3  # New Year goods
    if -11 <= offset <= -4:
        return 0.7  # last orders that can still arrive before the holiday
    if -3 <= offset <= 6:
        return 0.35  # couriers and customs brokers on holiday
    if 7 <= offset <= 14:
        return 0.8
    return 1.0


def volume_factor(day: date) -> float:
    """How busy ``day`` is relative to an ordinary weekday (1.0); always > 0."""
    weekend = 1.1 if day.weekday() >= 5 else 1.0
    return round(_festival(day) * _spring_festival(day) * weekend, 4)
