"""Characters tradewindow refuses in any text from outside, whatever carried it.

A string is stored in SQLite and PostgreSQL and may be written back as CEB XML (a receipt
echoes names and codes, a JSON message is kept in the XML's Structs). So every decoder —
JSON bodies and files, query and path parameters, forms — refuses a character that one of
them cannot hold:

* C0 controls other than TAB, LF and CR: not XML 1.0 characters (§2.2, production
  ``Char``), and PostgreSQL ``text`` refuses U+0000 outright;
* surrogates (only a pair forms a character; XML 1.0 §2.2 excludes them);
* noncharacters U+FDD0..U+FDEF and U+xFFFE / U+xFFFF of every plane (I-JSON, RFC 7493
  §2.1; U+FFFE and U+FFFF are not XML characters either).

:func:`refuse_forbidden` raises :class:`UnreadableText` with one violation per field. The rule
itself lives in :mod:`tradewindow.text`, where the cores that take text from every channel
(the party registry) find it too.
"""

from __future__ import annotations

from collections.abc import Iterable

from tradewindow.text import (
    CODE,
    FORBIDDEN,
    escaped,
    first_forbidden,
    forbidden_violations,
    violation,
)
from tradewindow.violations import Rejected

__all__ = [
    "CODE",
    "FORBIDDEN",
    "UnreadableText",
    "escaped",
    "first_forbidden",
    "forbidden_violations",
    "refuse_forbidden",
    "violation",
]


class UnreadableText(Rejected):
    """Text from outside holds characters tradewindow cannot store (``text.*`` codes)."""


def refuse_forbidden(fields: Iterable[tuple[str, str]]) -> None:
    """Raise :class:`UnreadableText` naming every ``(path, text)`` that holds a forbidden
    character; return quietly when none does."""
    found = forbidden_violations(fields)
    if found:
        raise UnreadableText(found)
