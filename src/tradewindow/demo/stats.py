"""The demo's statistics: two years of generated history in the lake, the cleared day on top.

The history (``analytics.history``) stands for what the platform cleared before today, with
the seasons (Double 11, 618, Spring Festival) and the Bay Area's city mix; the day the demo
just cleared is loaded from the system of record exactly as production loads a day. The
registered trading entities for the digital application rate come from the party registry.
"""

from __future__ import annotations

from tradewindow.analytics.entities import Entity
from tradewindow.bootstrap import App
from tradewindow.parties.identifiers import Scheme
from tradewindow.reference.gba import gba_city

HISTORY_MONTHS = 24
HISTORY_LINES = 300_000  # of the 24 months together (``demo --history``)


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
