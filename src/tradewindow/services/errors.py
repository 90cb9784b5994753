"""Typed errors of the service-trade registries, each with a stable code and en/zh text.

Field errors are ``violations.Rejected`` (422 at the edge, every violation at once); these are
the others. ``web.problems`` maps them to problem+json in one place.
"""

from __future__ import annotations

from tradewindow.violations import Violation


class ServiceError(Exception):
    """Base: ``code`` (stable), ``en`` and ``zh``."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        self.code, self.en, self.zh = code, en, zh
        super().__init__(f"[{code}] {en}")

    @property
    def violation(self) -> Violation:
        return Violation(path="", code=self.code, en=self.en, zh=self.zh)


class NotFound(ServiceError):
    """Absent, or not the asker's to see: the same answer either way (no hint which)."""


class Forbidden(ServiceError):
    """The asker may see the thing but not do this to it."""


class Conflict(ServiceError):
    """The thing is not in a state where this can happen (or it changed meanwhile)."""


class Unavailable(ServiceError):
    """An outside system (a home-licence register) did not answer."""
