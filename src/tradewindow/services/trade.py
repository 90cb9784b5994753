"""``ServiceTrade``: the service-trade use cases an application holds (``bootstrap.App``)."""

from __future__ import annotations

from dataclasses import dataclass

from tradewindow.services.hk_register import SimulatedRegister
from tradewindow.services.recognition_service import Recognitions
from tradewindow.services.registry_service import RuleRegistry


@dataclass(frozen=True)
class ServiceTrade:
    registry: RuleRegistry
    recognitions: Recognitions
    # the simulated home registers the recognitions verify against (by home: "HK", "MO");
    # the demo and the tests enrol licences in them. A deployment connecting a real register
    # wires its connector in ``bootstrap`` instead.
    registers: dict[str, SimulatedRegister]
