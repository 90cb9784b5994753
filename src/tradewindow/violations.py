"""Coded violations: the one shape every validation in tradewindow reports.

A violation names *where* (a path in CEB element names, XPath style, 1-based
indices: ``Order[3]/OrderList[2]/totalPrice``), *which rule* (a stable code such
as ``CEB311.totalPrice.mismatch``) and *what is wrong* in English and Chinese.
Validators return every violation they find, never just the first.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec


class Violation(msgspec.Struct, frozen=True, kw_only=True):
    path: str
    code: str
    en: str
    zh: str

    def at(self, prefix: str) -> Violation:
        """The same violation with ``prefix`` put in front of its path."""
        path = f"{prefix}/{self.path}" if self.path else prefix
        return Violation(path=path, code=self.code, en=self.en, zh=self.zh)


class Rejected(Exception):
    """A domain refusal carrying every violation that caused it."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__("; ".join(f"{v.code} at {v.path}" for v in violations))


def codes_of(violations: Iterable[Violation]) -> tuple[str, ...]:
    """The distinct codes of ``violations``, in the order first met: what a document was
    refused for, as data (the receipt's returnInfo text may be cut, see ``summarise``)."""
    return tuple(dict.fromkeys(v.code for v in violations))


def summarise(violations: list[Violation], limit: int = 1000) -> str:
    """Render violations as a receipt's returnInfo: codes, paths and both languages.

    CEB receipts cap returnInfo (1000 characters for business receipts), so the
    text is cut at ``limit`` with an ellipsis; the codes come first so a machine
    reading a cut text still sees the leading rules.
    """
    text = "; ".join(f"[{v.code}] {v.path}: {v.en} / {v.zh}" for v in violations)
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
