"""Who sees which event (deny by default).

A party sees the events it published, and the events that reference a call, container,
booking or transport document it is entitled to (``EventPublisher.entitle``: a carrier or
terminal for its calls and equipment, an enterprise for the shipments it is party to); an
agency sees the event types its policy grants. Nobody else.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from tradewindow.logistics import codes
from tradewindow.logistics.ports import EventRecords, Visibility

# agency → event types it may see; customs sees every event at its ports
DEFAULT_AGENCY_POLICY: Mapping[str, frozenset[str]] = {"customs": frozenset(codes.EventType)}


class Viewer(msgspec.Struct, frozen=True, kw_only=True):
    party_id: str
    roles: frozenset[str] = frozenset()
    agency: str | None = None


class Audience(msgspec.Struct, frozen=True, kw_only=True):
    seq: int  # of the version on file
    parties: frozenset[str]
    agencies: frozenset[str]

    def admits(self, party_id: str, agency: str | None) -> bool:
        return party_id in self.parties or (agency is not None and agency in self.agencies)


class EventVisibility:
    """The agency policy applied: what a viewer may see, and who may see one event."""

    def __init__(
        self,
        records: EventRecords,
        agency_policy: Mapping[str, frozenset[str]] = DEFAULT_AGENCY_POLICY,
    ) -> None:
        self.records = records
        self.agency_policy = agency_policy

    def of(self, viewer: Viewer) -> Visibility:
        granted = self.agency_policy.get(viewer.agency or "", frozenset())
        return Visibility(
            party_id=viewer.party_id,
            everything=granted == frozenset(codes.EventType),
            types=frozenset(granted),
        )

    def audience(self, event_id: str) -> Audience | None:
        """Who may see an event: its publisher, the parties entitled to one of its references
        and the agencies whose policy grants its type. None when there is no such event (or
        it was retracted)."""
        found = self.records.on_file(event_id)
        if found is None:
            return None
        agencies = frozenset(
            a for a, types in self.agency_policy.items() if found.event_type in types
        )
        return Audience(
            seq=found.seq, parties=frozenset({found.publisher, *found.entitled}), agencies=agencies
        )
