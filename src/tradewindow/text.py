"""The characters no text from outside may hold, whoever receives it: one rule for the
decoders (``formats.characters``, ``formats.strict_json``) and for the cores that take text
from every channel (a party's names at registration, a key's label).

* C0 controls other than TAB, LF and CR: not XML 1.0 characters (§2.2, production
  ``Char``), so they cannot be written as CEB XML, and PostgreSQL ``text`` refuses U+0000;
* surrogates (only a pair forms a character; XML 1.0 §2.2 excludes them);
* noncharacters U+FDD0..U+FDEF and U+xFFFE / U+xFFFF of every plane (I-JSON, RFC 7493 §2.1).

Each violation is coded ``text.character`` with the path of the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tradewindow.violations import Violation

_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17)
)
FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff{_NONCHARACTERS}]")
CODE = "text.character"


def first_forbidden(text: str) -> str | None:
    """``U+0000``-style name of the first forbidden character of ``text``, or None."""
    found = FORBIDDEN.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def escaped(text: str, limit: int = 64) -> str:
    """``text`` as a message may quote it: forbidden characters as ``\\uXXXX``, cut."""
    shown = FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def violation(path: str, character: str) -> Violation:
    return Violation(
        path=path,
        code=CODE,
        en=f"{character} cannot be stored or written as CEB XML (XML 1.0 §2.2, RFC 7493 §2.1)",
        zh=f"字符 {character} 无法保存或写入 CEB XML（XML 1.0 §2.2，RFC 7493 §2.1）",
    )


def forbidden_violations(fields: Iterable[tuple[str, str | None]]) -> list[Violation]:
    """A ``text.character`` violation for every ``(path, text)`` holding a forbidden
    character (None texts pass), for a core to raise with its other violations."""
    return [
        violation(escaped(path), character)
        for path, text in fields
        if text is not None and (character := first_forbidden(text)) is not None
    ]
