"""``FilingRefused``: why a message was not filed, with a stable code (the first violation's)
and every violation. Channels map codes to what they answer: ``web.problems.filing_status``
to HTTP statuses, ``cli.clearance`` to lines and exit statuses."""

from __future__ import annotations

from tradewindow.violations import Violation


class FilingRefused(Exception):
    """A message refused before or by clearance (nothing of it stored but its evidence)."""

    def __init__(self, code: str, en: str, zh: str, violations: list[Violation]) -> None:
        super().__init__(f"{code}: {en}")
        self.code, self.en, self.zh = code, en, zh
        self.violations = violations or [Violation(path="", code=code, en=en, zh=zh)]

    @classmethod
    def of(cls, first: Violation, *more: Violation) -> FilingRefused:
        """The refusal for these violations: the first one's code and words."""
        return cls(first.code, first.en, first.zh, [first, *more])
