"""The services one API process uses, built once at start-up from the bootstrap ``App``.

Nothing here holds state that matters between requests: every check and every change goes
to the database, so any number of API processes over one PostgreSQL agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tradewindow.bootstrap import App
from tradewindow.cbec.documents import SpecVersion
from tradewindow.clearance.policy import Policy
from tradewindow.clearance.queue import AgencyDesk
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.recorder import CommissionRecords
from tradewindow.evidence.replay import SqlSeenSignatures
from tradewindow.intake import Decoder
from tradewindow.parties.commission_registry import CommissionRegistry
from tradewindow.parties.service import PartyRegistry
from tradewindow.web.filings import Filings
from tradewindow.web.idempotency import IdempotencyKeys
from tradewindow.web.limits import RateLimiter
from tradewindow.web.settings import WebSettings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Window:
    app: App
    settings: WebSettings
    registry: PartyRegistry
    commissions: CommissionRegistry
    evidence: EvidenceLog
    seen: SqlSeenSignatures
    desk: AgencyDesk
    policy: Policy
    decoder: Decoder
    filings: Filings
    idempotency: IdempotencyKeys
    limiter: RateLimiter
    clock: Callable[[], datetime]

    def close(self) -> None:
        self.app.close()


def open_window(
    app: App, settings: WebSettings, *, clock: Callable[[], datetime] = utc_now
) -> Window:
    engine = app.store.engine  # open_store has migrated it to every head, 0006_web included
    return Window(
        app=app,
        settings=settings,
        registry=PartyRegistry(engine, pepper=settings.pepper, clock=clock),
        commissions=CommissionRegistry(
            engine, evidence=CommissionRecords(app.evidence), clock=clock
        ),
        evidence=app.evidence,
        seen=SqlSeenSignatures(engine),
        desk=app.desk,
        policy=app.policy,
        decoder=Decoder(app.settings, spec=SpecVersion.V202205),
        filings=Filings(engine),
        idempotency=IdempotencyKeys(engine, clock=clock),
        limiter=RateLimiter(engine, rate=settings.rate, burst=settings.burst),
        clock=clock,
    )
