"""The code tables as pages show them: each code with its name in the page's language, for
the filing forms' pickers and wherever a page prints a coded field (``country 502`` is
``502 United States`` / ``502 美国``).

``FIELD_TABLES`` says which table codes each CEB element; the tables themselves are
``reference``'s, one home each.
"""

from __future__ import annotations

from functools import cache

from tradewindow.reference.countries import customs_countries
from tradewindow.reference.currencies import customs_currencies
from tradewindow.reference.id_types import IdType
from tradewindow.reference.offices import customs_offices
from tradewindow.reference.trade_modes import trade_modes
from tradewindow.reference.transport import transport_modes, wrap_types
from tradewindow.reference.units import customs_units
from tradewindow.web.hant import in_script

Option = tuple[str, str]  # (code, name)

# CEB element → the code table that codes it
FIELD_TABLES = {
    "country": "countries",
    "tradeCountry": "countries",
    "currency": "currencies",
    "fCurrency": "currencies",  # the export list's freight and insurance currencies
    "iCurrency": "currencies",
    "unit": "units",
    "unit1": "units",
    "unit2": "units",
    "customsCode": "offices",
    "portCode": "offices",
    "tradeMode": "trade-modes",
    "trafMode": "transport-modes",
    "wrapType": "wrap-types",
    "buyerIdType": "id-types",
    "payerIdType": "id-types",
}


def datalists(language: str) -> dict[str, list[Option]]:
    """Every table's options in ``language``: English, or the Chinese names in the page's
    script (Traditional through the reviewed term table, ``web.hant``)."""
    return _lists(language if language in ("en", "zh-Hant") else "zh-Hans")


def code_name(field: str, code: str, language: str) -> str | None:
    """The name of ``code`` in the table that codes ``field``, in ``language``; None when
    ``field`` is not coded by a table or the code is not in it."""
    table = FIELD_TABLES.get(field)
    if table is None:
        return None
    return _names(language if language in ("en", "zh-Hant") else "zh-Hans")[table].get(code)


@cache
def _names(language: str) -> dict[str, dict[str, str]]:
    return {table: dict(options) for table, options in _lists(language).items()}


@cache
def _lists(language: str) -> dict[str, list[Option]]:
    english = language == "en"

    def named(items: list[object]) -> list[Option]:
        return [
            (item.code, item.name_en if english else in_script(item.name_zh, language))  # type: ignore[attr-defined]
            for item in items
        ]

    return {
        "countries": named(list(customs_countries())),
        "currencies": named(list(customs_currencies())),
        "units": named(list(customs_units())),
        "offices": named(list(customs_offices())),
        "trade-modes": named(list(trade_modes())),
        "transport-modes": named(list(transport_modes())),
        "wrap-types": named(list(wrap_types())),
        "id-types": [
            (t.value, t.name_en if english else in_script(t.name_zh, language)) for t in IdType
        ],
    }
