"""Clearance decisions become the last mile's customs events (``Clearance(on_decided=…)``).

A CBEC inventory list that reaches a decision is told to :class:`CustomsEvents` with the list
number (``invtNo``) as the customs document and its ``billNo`` as the transport document:
released (800) → ``released``; manual review (300) or waiting for other agencies (399) →
``held``; selected for inspection (500) → ``selected_for_inspection``. A returned list (100)
was refused, not held: it publishes nothing and the goods stay without a release. The
containers are those the platform knows travel under the ``billNo`` (events that reference
it), so a terminal that published its equipment events sees the release reach its gate.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from tradewindow.cbec.ports import DocStatus, ListDecided
from tradewindow.logistics.customs import CUSTOMS_PARTY, CustomsEvents, CustomsRuling
from tradewindow.logistics.events import Viewer
from tradewindow.logistics.filters import facts

log = logging.getLogger("tradewindow.logistics")
_CUSTOMS = Viewer(party_id=CUSTOMS_PARTY, agency="customs")
_HELD = frozenset({DocStatus.REVIEW, DocStatus.AGENCIES})


class FollowClearance:
    def __init__(self, customs: CustomsEvents) -> None:
        self.customs = customs

    def __call__(self, decided: Sequence[ListDecided]) -> None:
        """Publish the customs events of every decided list. Called after the clearance
        commit: a failure here is logged and must not undo the clearance answer (the
        container then simply has no release on file, the safe side)."""
        containers: dict[str, tuple[str, ...]] = {}
        for item in decided:
            if item.status not in _HELD and item.status not in (
                DocStatus.RELEASED,
                DocStatus.INSPECTION,
            ):
                continue
            try:
                if item.bill_no and item.bill_no not in containers:
                    containers[item.bill_no] = self.equipment_of(item.bill_no)
                self.tell(item, containers.get(item.bill_no or "", ()))
            except Exception:
                log.exception("customs events of list %s not published", item.key)

    def tell(self, item: ListDecided, equipment: tuple[str, ...]) -> None:
        ruling = CustomsRuling(
            document_id=item.invt_no or item.key,
            decided_at=item.at,
            equipment_references=equipment,
            transport_document_reference=item.bill_no,
            reason=item.info or None,
        )
        if item.status == DocStatus.RELEASED:
            self.customs.released(ruling)
        elif item.status == DocStatus.INSPECTION:
            self.customs.selected_for_inspection(ruling)
        else:
            self.customs.held(ruling)

    def equipment_of(self, transport_document: str) -> tuple[str, ...]:
        """The containers known to travel under a transport document, sorted."""
        found: set[str] = set()
        for event in self.customs.events.timeline("TRD", transport_document, _CUSTOMS):
            found.update(value for kind, value in facts(event).references if kind == "EQ")
        return tuple(sorted(found))
