"""Typed errors of market procurement, each with a stable code and en/zh text.

Field errors are ``violations.Rejected`` (422 at the edge, every violation at once); these are
the others. ``web.problems`` maps them to problem+json in one place.
"""

from __future__ import annotations

from tradewindow.violations import Violation


class ProcurementError(Exception):
    """Base: ``code`` (stable), ``en`` and ``zh``."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        self.code, self.en, self.zh = code, en, zh
        super().__init__(f"[{code}] {en}")

    @property
    def violation(self) -> Violation:
        return Violation(path="", code=self.code, en=self.en, zh=self.zh)


class NotFound(ProcurementError):
    """Absent, or not the asker's to see: the same answer either way (no hint which)."""


class Forbidden(ProcurementError):
    """The asker may see the thing but not do this to it."""


class Conflict(ProcurementError):
    """The thing is not in a state where this can happen (or it changed meanwhile)."""


def not_found(kind: str, key: str) -> NotFound:
    return NotFound(
        f"MPT.{kind}.not_found",
        f"no {kind} {key!r} that you may see",
        f"未找到您可查看的{_KIND_ZH.get(kind, kind)} {key!r}",
    )


_KIND_ZH = {
    "market": "市场",
    "operator": "商户",
    "buyer": "采购商",
    "agent": "代理企业",
    "transaction": "交易",
    "shipment": "组货单",
}
