"""The pages' languages: English, Simplified and Traditional Chinese.

Every string a page shows comes from a message catalogue, ``web/messages/<language>.toml``,
under a stable dotted key (``nav.stats``, ``figure.import_value_ytd.definition``); a page
asks ``message(language, key, **values)``. The language of a request is, in order, the one
named by ``?lang=``, the one remembered in the ``lang`` cookie, the best match of the
browser's ``Accept-Language``, else English (``negotiate``).

Figures are written the way readers of each language expect them: ``¥48.18 bn`` and
``481.82 亿元`` (亿 = 10⁸, 万 = 10⁴), ``+140.0%``; rounding happens here, at display, and
nowhere else (``money``, ``count``, ``percent``).
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh-Hans", "zh-Hant")
DEFAULT = "en"
COOKIE = "lang"
MESSAGES = Path(__file__).parent / "messages"
CHINA_TIME = timezone(timedelta(hours=8), "UTC+08:00")

# tags browsers send → our language; Chinese without a script is read by its region
_ALIASES = {
    "en": "en",
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "zh-my": "zh-Hans",
    "zh": "zh-Hans",
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
}


def supported(tag: str | None) -> str | None:
    """Our language for a language tag (``zh-TW`` → ``zh-Hant``, ``en-GB`` → ``en``)."""
    if not tag:
        return None
    lowered = tag.strip().lower().replace("_", "-")
    parts = lowered.split("-")
    for candidate in (lowered, "-".join(parts[:2]), parts[0]):
        if candidate in _ALIASES:
            return _ALIASES[candidate]
    # zh-Hant-HK, zh-Hans-CN: the script decides
    if parts[0] == "zh" and len(parts) > 1:
        return _ALIASES.get(f"zh-{parts[1]}")
    return None


def from_accept_language(header: str | None) -> str | None:
    """The best supported language of an ``Accept-Language`` header, by quality then order."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, parameters = item.partition(";")
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                quality = 0.0
        if (language := supported(tag)) and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: ``?lang=``, then the cookie, then Accept-Language."""
    return supported(query) or supported(cookie) or from_accept_language(accept_language) or DEFAULT


# --- catalogues ------------------------------------------------------------------------


@cache
def catalogue(language: str) -> dict[str, str]:
    """Every message of ``language`` by dotted key: ``messages/<language>.toml`` and each
    area's ``messages/<area>/<language>.toml`` (a key defined twice is an error)."""
    merged: dict[str, str] = {}
    for path in [MESSAGES / f"{language}.toml", *sorted(MESSAGES.glob(f"*/{language}.toml"))]:
        with path.open("rb") as file:
            found = _flatten(tomllib.load(file))
        if twice := sorted(set(found) & set(merged)):
            raise ValueError(f"{path}: messages defined twice: {', '.join(twice[:5])}")
        merged |= found
    return merged


def message(language: str, key: str, **values: object) -> str:
    """The message ``key`` in ``language`` with ``{name}`` placeholders filled; English when
    the language lacks it (the catalogue test keeps that from happening); the key itself when
    no catalogue has it, so a missing string is visible rather than fatal."""
    text = catalogue(language).get(key) or catalogue(DEFAULT).get(key)
    if text is None:
        return key
    return text.format(**values) if values else text


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat |= _flatten(value, f"{key}.")
        else:
            flat[key] = str(value)
    return flat


# --- figures ---------------------------------------------------------------------------

# powers of ten of the large and medium units: English counts in billions and millions,
# Chinese in 亿 (10⁸) and 万 (10⁴); the units' words are catalogue messages
_POWERS = {"en": (9, 6)}
_CHINESE_POWERS = (8, 4)


def money(value: Decimal | None, language: str) -> str:
    """An amount of yuan, scaled: ``¥48.18 bn`` / ``481.82亿元``; two decimals when scaled."""
    if value is None:
        return message(language, "number.none")
    return _scaled(value, language, "number.money")


def count(value: int | Decimal | None, language: str) -> str:
    """A count, scaled above a million (en) or ten thousand (zh): ``4.82 m`` / ``482.31万``."""
    if value is None:
        return message(language, "number.none")
    return _scaled(Decimal(value), language, "number.count")


def percent(ratio: Decimal | int | None, language: str, *, signed: bool = False) -> str:
    """A ratio as a percentage with one decimal: ``0.8234`` → ``82.3%``; ``+140.0%`` signed."""
    if ratio is None:
        return message(language, "number.none")
    shown = (Decimal(ratio) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "+" if signed and shown > 0 else ""
    return message(language, "number.percent", value=f"{sign}{shown}")


def exact(value: Decimal | int | str | None) -> str:
    """A figure as tables print it: every digit, thousands separated (``1,234,567.89``)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,}"


def moment(value: datetime | None, language: str) -> str:
    """An as-of time in China time (all GBA cities keep UTC+8), to the minute."""
    if value is None:
        return message(language, "number.none")
    return value.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M") + " (UTC+8)"


def _scaled(value: Decimal, language: str, plain: str) -> str:
    large, medium = _POWERS.get(language, _CHINESE_POWERS)
    for power, key in ((large, f"{plain}_large"), (medium, f"{plain}_medium")):
        if abs(value) >= Decimal(10) ** power:
            unit = Decimal(10) ** power
            shown = (value / unit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            return message(language, key, value=f"{shown:,}")
    places = Decimal("1") if plain == "number.count" else Decimal("0.01")
    return message(language, plain, value=f"{value.quantize(places, rounding=ROUND_HALF_UP):,}")


def age(seconds: float | None, language: str) -> str:
    """How long something has waited, in the largest whole unit: ``45 min``, ``3 h``,
    ``2 d`` / ``45分钟``, ``3小时``, ``2天`` (``number.none`` for an unknown time)."""
    if seconds is None:
        return message(language, "number.none")
    minutes = max(int(seconds // 60), 0)
    if minutes < 60:
        return message(language, "age.minutes", value=minutes)
    if minutes < 48 * 60:
        return message(language, "age.hours", value=minutes // 60)
    return message(language, "age.days", value=minutes // (24 * 60))


def local_time(value: datetime) -> str:
    """A moment as people in the Bay Area read it: China time to the minute, no zone name
    (the page's script shows it in the reader's own time zone when that differs)."""
    return value.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")
