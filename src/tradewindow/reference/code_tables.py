"""``ReferenceCodeTables``: the ``cbec.ports.CodeTables`` that validation consults.

Each check is one set lookup over tables loaded once, at construction (validation calls
these checks ~100k times per second).
"""

from __future__ import annotations

from tradewindow.reference.countries import customs_country_codes
from tradewindow.reference.currencies import customs_currency_codes
from tradewindow.reference.hs import CHINA_CODE_LENGTH, subheadings
from tradewindow.reference.offices import customs_office_codes
from tradewindow.reference.trade_modes import trade_mode_codes
from tradewindow.reference.transport import (
    border_crossing_mode_codes,
    transport_mode_codes,
    wrap_type_codes,
)
from tradewindow.reference.units import customs_unit_codes


class ReferenceCodeTables:
    """China Customs code tables as shipped in ``tradewindow.reference``."""

    __slots__ = (
        "_countries",
        "_crossing_modes",
        "_currencies",
        "_offices",
        "_subheadings",
        "_trade_modes",
        "_transport_modes",
        "_units",
        "_wrap_types",
    )

    def __init__(self) -> None:
        self._countries = customs_country_codes()
        self._currencies = customs_currency_codes()
        self._units = customs_unit_codes()
        self._offices = customs_office_codes()
        self._trade_modes = trade_mode_codes()
        self._transport_modes = transport_mode_codes()
        self._crossing_modes = border_crossing_mode_codes()
        self._wrap_types = wrap_type_codes()
        self._subheadings = subheadings()

    def is_customs_country(self, code: str) -> bool:
        return code in self._countries

    def is_customs_currency(self, code: str) -> bool:
        return code in self._currencies

    def is_customs_unit(self, code: str) -> bool:
        return code in self._units

    def is_customs_office(self, code: str) -> bool:
        """Any office of a known district (the office list itself is incomplete)."""
        return code in self._offices

    def is_trade_mode(self, code: str) -> bool:
        return code in self._trade_modes

    def is_transport_mode(self, code: str) -> bool:
        return code in self._transport_modes

    def crosses_border(self, transport_mode: str) -> bool:
        return transport_mode in self._crossing_modes

    def is_wrap_type(self, code: str) -> bool:
        return code in self._wrap_types

    def is_hs_code(self, code: str) -> bool:
        return (
            len(code) == CHINA_CODE_LENGTH
            and code.isascii()
            and code.isdigit()
            and code[:6] in self._subheadings
        )
