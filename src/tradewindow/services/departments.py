"""The mainland departments of the registries: responsible for rule-integration items and
competent for recognitions (``data/departments.csv``, one home). A department's code is the
agency code of its officers' accounts, so an officer acts for exactly one department."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

import msgspec


class Department(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    city: str  # GBA city key
    name_en: str
    name_zh: str
    name_zh_hant: str

    def name(self, language: str) -> str:
        """The name in ``language`` (en, zh-Hans or zh-Hant)."""
        return {"en": self.name_en, "zh-Hant": self.name_zh_hant}.get(language, self.name_zh)


@cache
def departments() -> dict[str, Department]:
    """Every department by code, in the file's order."""
    text = (
        resources.files("tradewindow.services").joinpath("data/departments.csv").read_text("utf-8")
    )
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return {
        row["code"]: Department(
            code=row["code"],
            city=row["city"],
            name_en=row["name_en"],
            name_zh=row["name_zh"],
            name_zh_hant=row["name_zh_hant"],
        )
        for row in csv.DictReader(io.StringIO(body))
    }


def department(code: str) -> Department | None:
    return departments().get(code)
