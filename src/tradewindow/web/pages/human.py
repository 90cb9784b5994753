"""Template filters that write business data the way people read it, in the page's language:

- ``when``: a moment as a ``<time>`` element — China time to the minute (all GBA cities keep
  UTC+8), machine-readable in ``datetime``; ``static/js/times.js`` rewrites it in the reader's
  own time zone and language. Takes a timezone-aware ``datetime`` or a CEB time
  (``yyyyMMddHHmmss`` with optional milliseconds, China time, as receipts carry it).
- ``since(now)``: how long ago, ``3 h`` / ``3小时``.
- ``zh``: a core's Chinese text (Simplified) in the page's script (``web.hant``).
- ``code_name(field)``: a code followed by its name in the page's language (``502 United
  States``), for every field a code table names (``web.portal.pickers.FIELD_TABLES``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from tradewindow.cbec.documents import CHINA_TZ
from tradewindow.web import i18n
from tradewindow.web.codes import code_name as picker_name
from tradewindow.web.hant import in_script


def moment_of(value: Any) -> datetime | None:
    """A timezone-aware moment from a datetime or a CEB time text (China time)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else None
    text = str(value or "")[:14]
    if len(text) != 14 or not text.isdigit():
        return None
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=CHINA_TZ)
    except ValueError:
        return None


def when(value: Any) -> Markup:
    moment = moment_of(value)
    if moment is None:
        return escape(value or "")
    shown = i18n.local_time(moment)
    iso = moment.isoformat(timespec="seconds")
    return Markup('<time datetime="{}" data-local>{}</time>').format(iso, shown)


@pass_context
def since(context: Context, value: Any, now: datetime) -> str:
    moment = moment_of(value)
    seconds = (now - moment).total_seconds() if moment is not None else None
    return i18n.age(seconds, context["lang"])


@pass_context
def code_name(context: Context, value: Any, field: str) -> str:
    """``value`` with its name when ``field`` is coded by a code table (else ``value``)."""
    text = "" if value is None else str(value)
    name = picker_name(field, text, context["lang"])
    return f"{text} {name}" if name else text


@pass_context
def zh(context: Context, text: Any) -> str:
    """A Chinese text of the cores (Simplified) in the page's script."""
    return in_script(str(text or ""), context["lang"])


FILTERS = {"when": when, "since": since, "code_name": code_name, "zh": zh}
