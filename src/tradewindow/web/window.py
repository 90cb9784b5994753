"""The services one API process uses, built once at start-up from the bootstrap ``App``.

Nothing here holds state that matters between requests: every check and every change goes
to the database, so any number of API processes over one PostgreSQL agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tradewindow.agencies.queue import AgencyDesk
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.bootstrap import App, agency_codes, credential_pepper
from tradewindow.cbec.documents import SpecVersion
from tradewindow.clock import utc_now
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.recorder import CommissionRecords
from tradewindow.intake import Decoder
from tradewindow.parties.commission_registry import CommissionRegistry
from tradewindow.parties.service import PartyRegistry
from tradewindow.parties.throttle import Throttle, ThrottleSettings
from tradewindow.settings import ApiLimits
from tradewindow.store.evidence import SqlSeenSignatures
from tradewindow.store.filing.reads import Filings
from tradewindow.store.web.accounts import SqlAccountRecords
from tradewindow.store.web.idempotency import SqlIdempotencyRecords
from tradewindow.store.web.rate_limits import SqlRateLimiter
from tradewindow.web.idempotency import IdempotencyKeys
from tradewindow.web.portal.accounts import Accounts
from tradewindow.web.ports import RateLimits


@dataclass(frozen=True)
class Window:
    app: App
    registry: PartyRegistry
    commissions: CommissionRegistry
    evidence: EvidenceLog
    seen: SqlSeenSignatures
    desk: AgencyDesk
    policy: Policy
    decoder: Decoder
    filings: Filings
    idempotency: IdempotencyKeys
    limiter: RateLimits
    clock: Callable[[], datetime]
    throttle: Throttle  # failed sign-ins, credentials and OAuth clients

    @property
    def limits(self) -> ApiLimits:
        """The API's limits (``TRADEWINDOW_API_*``), from the bootstrapped settings."""
        return self.app.settings.api

    def close(self) -> None:
        self.app.close()


def open_window(app: App, *, clock: Callable[[], datetime] = utc_now) -> Window:
    engine = app.store.engine  # open_store has migrated it to every head, 0006_web included
    return Window(
        app=app,
        registry=PartyRegistry(
            app.store.parties,
            pepper=credential_pepper(app.settings),
            agencies=agency_codes(app.policy),
            clock=clock,
        ),
        commissions=CommissionRegistry(
            app.store.parties, evidence=CommissionRecords(app.evidence), clock=clock
        ),
        evidence=app.evidence,
        seen=SqlSeenSignatures(engine),
        desk=app.desk,
        policy=app.policy,
        decoder=Decoder(app.settings, spec=SpecVersion.V202205),
        filings=Filings(engine),
        idempotency=IdempotencyKeys(SqlIdempotencyRecords(engine), clock=clock),
        limiter=SqlRateLimiter(engine, rate=app.settings.api.rate, burst=app.settings.api.burst),
        clock=clock,
        throttle=Throttle(
            ThrottleSettings.from_portal(
                app.settings.portal.lockout_failures, app.settings.portal.lockout_duration
            ),
            clock=clock,
        ),
    )


def portal_accounts(app: App) -> Accounts:
    """The portals' accounts over the application's store and registry (for commands and the
    demo, which sign nobody in and so need no clock of their own)."""
    return Accounts(SqlAccountRecords(app.store.engine), app.parties, app.settings.portal)
