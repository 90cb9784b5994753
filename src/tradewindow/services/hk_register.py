"""A simulated Hong Kong professional register (the demo's and the tests' ``HomeRegister``).

The issuing authorities of Hong Kong (e.g. the Architects Registration Board, the Medical
Council) publish registers of their licensees; none offers this platform an API here, so the
demo and the tests verify against this simulation: an in-memory register that holds entries
it is given (``enrol``), can lapse or revoke one, and can be made unavailable. A real
register's connector is one module implementing ``ports.HomeRegister`` the same way.
"""

from __future__ import annotations

import threading
from datetime import date

import msgspec

from tradewindow.services.errors import Unavailable
from tradewindow.services.recognition import LicenceRecord, LicenceStatus


class SimulatedRegister:
    """Thread-safe: the web workers and a re-check sweep may consult it at once."""

    def __init__(self, name: str = "hk-simulated") -> None:
        self._name = name
        self._entries: dict[tuple[str, str], LicenceRecord] = {}
        self._lock = threading.Lock()
        self.available = True

    @property
    def name(self) -> str:
        return self._name

    def enrol(self, authority: str, number: str, holder_en: str, valid_until: date) -> None:
        """Put a valid licence on the register (or replace its entry)."""
        record = LicenceRecord(
            authority=authority,
            number=_key(number),
            holder_en=holder_en,
            status=LicenceStatus.VALID,
            valid_until=valid_until,
        )
        with self._lock:
            self._entries[(authority, _key(number))] = record

    def set_status(self, authority: str, number: str, status: LicenceStatus) -> None:
        """Lapse, revoke or restore a licence on the register."""
        with self._lock:
            found = self._entries[(authority, _key(number))]
            self._entries[(authority, _key(number))] = msgspec.structs.replace(found, status=status)

    def look_up(self, authority: str, number: str) -> LicenceRecord | None:
        if not self.available:
            raise Unavailable(
                "services.verification.unavailable",
                f"the register {self._name} did not answer",
                f"登记机构 {self._name} 未响应",
            )
        with self._lock:
            return self._entries.get((authority, _key(number)))


def _key(number: str) -> str:
    return number.strip().upper()
