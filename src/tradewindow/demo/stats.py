"""The demo's statistics: two years of generated history in the lake, the cleared day on top.

The history (``analytics.history``) stands for what the platform cleared before today, with
the seasons (Double 11, 618, Spring Festival) and the Bay Area's city mix; the day the demo
just cleared is loaded from the system of record exactly as production loads a day. The
registered trading entities for the digital application rate come from the party registry.
"""

from __future__ import annotations

from datetime import date

from tradewindow.analytics.entities import Entity, save_entities
from tradewindow.analytics.lake import Lake
from tradewindow.analytics.loading import refresh
from tradewindow.bootstrap import App
from tradewindow.demo.history import HistoryPlan, generate, plan
from tradewindow.parties.identifiers import Scheme
from tradewindow.reference.gba import gba_city

HISTORY_MONTHS = 24
HISTORY_LINES = 300_000


def build_lake(app: App, lake: Lake, day: date, *, seed: int) -> tuple[int, int]:
    """History for the 24 months before ``day`` plus what the store released (lines are
    dated by when their list was declared, i.e. today); returns (history lines, lines
    loaded from the store)."""
    first = date(day.year - 2, day.month, 1)
    history = plan(start=first, months=HISTORY_MONTHS + 1, total_lines=HISTORY_LINES)
    # the store first: a first load rebuilds the lake from the system of record
    loaded = refresh(app.store.engine, lake)
    before = HistoryPlan([entry for entry in history.days if entry[0] < day])
    written = generate(lake, before, seed=seed)
    save_entities(lake, registered_entities(app))
    return written, sum(load.lines for load in loaded)


def registered_entities(app: App) -> list[Entity]:
    """The registry's Bay Area enterprises, as the digital application rate counts them:
    known by the customs code their declarations carry (ebpCode, ebcCode, agentCode)."""
    entities = []
    for party in app.parties.parties():
        code = party.identifier(Scheme.CUSTOMS)
        if code is None or party.city is None or gba_city(party.city) is None:
            continue
        entities.append(
            Entity(
                party_id=code.value,
                city=party.city,
                sector=party.sector or "trade",
                registered=party.registered_at.date(),
            )
        )
    return entities
