"""The composition root: picks implementations from settings and wires the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import msgspec

from tradewindow.cbec.clearance import Clearance
from tradewindow.clearance.gate import AgencyGate
from tradewindow.clearance.policy import Policy
from tradewindow.clearance.policy_file import shipped_policy
from tradewindow.clearance.queue import AgencyDesk
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.platform_key import load_platform_key, platform_key_path
from tradewindow.evidence.recorder import ClearanceEvidence
from tradewindow.formats import xmldsig_sm2  # noqa: F401 - registers SM2/SM3 with xmldsig
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.tariff import TariffRates
from tradewindow.settings import Settings
from tradewindow.store import SqlStore, open_store


def utc_now() -> datetime:
    return datetime.now(UTC)


class App(msgspec.Struct, frozen=True, kw_only=True):
    settings: Settings
    store: SqlStore
    clearance: Clearance
    desk: AgencyDesk
    policy: Policy
    evidence: EvidenceLog

    def close(self) -> None:
        self.store.close()


def bootstrap(settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now) -> App:
    """Build the application from settings (the environment when not given)."""
    settings = settings or Settings.from_env()
    store = open_store(settings.database_url)
    policy = shipped_policy()
    desk = AgencyDesk(store.engine, policy, clock=clock)
    platform_key = load_platform_key(platform_key_path(settings), create=True)
    evidence = EvidenceLog(store.engine, platform_key=platform_key)
    clearance = Clearance(
        store,
        codes=ReferenceCodeTables(),
        rates=TariffRates(),
        match_timeout=settings.match_timeout,
        clock=clock,
        gate=AgencyGate(desk, policy),
        evidence=ClearanceEvidence(evidence),
    )
    return App(
        settings=settings,
        store=store,
        clearance=clearance,
        desk=desk,
        policy=policy,
        evidence=evidence,
    )
