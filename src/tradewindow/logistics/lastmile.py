"""Clearance decisions become the last mile's customs events (``Clearance(on_decided=…)``).

A CBEC inventory list that reaches a decision is told to :class:`CustomsEvents` with the list
number (``invtNo``) as the customs document and its ``billNo`` as the transport document:
released (800) → ``released``; manual review (300) or waiting for other agencies (399) →
``held``; selected for inspection (500) → ``selected_for_inspection``. A returned list (100)
was refused, not held: it publishes nothing and the goods stay without a release. A list
cancelled by a CEB623 → ``held``: the release it had is withdrawn, the gate closes again. The
containers are those the platform knows travel under the ``billNo`` (events that reference
it), so a terminal that published its equipment events sees the release reach its gate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence

from tradewindow.cbec.ports import DocStatus, ListDecided
from tradewindow.logistics.customs import CustomsEvents, CustomsRuling
from tradewindow.logistics.gate_out import CustomsDecision

log = logging.getLogger("tradewindow.logistics")
# customs codes named on lists → the registered party holding each (None: nobody), one read
PartiesOf = Callable[[Collection[str]], Mapping[str, str | None]]
_DECISIONS = {
    DocStatus.RELEASED: CustomsDecision.RELEASED,
    DocStatus.REVIEW: CustomsDecision.HELD,
    DocStatus.AGENCIES: CustomsDecision.HELD,
    DocStatus.INSPECTION: CustomsDecision.INSPECTION,
    DocStatus.CANCELLED: CustomsDecision.HELD,  # the release withdrawn (CEB623)
}


class FollowClearance:
    """``parties_of`` turns the customs codes named on lists into registered party ids (None
    when unregistered), all in one read: the parties a list names are entitled to see its
    transport document's events, so an enterprise follows the shipments it is party to."""

    def __init__(self, customs: CustomsEvents, parties_of: PartiesOf | None = None) -> None:
        self.customs = customs
        self.parties_of = parties_of

    def __call__(self, decided: Sequence[ListDecided]) -> None:
        """Publish the customs events of every decided list, all in one go. Called after the
        clearance commit: a failure here is logged and must not undo the clearance answer
        (the containers then simply have no release on file, the safe side)."""
        self._entitle(decided)
        wanted = [item for item in decided if item.status in _DECISIONS]
        if not wanted:
            return
        try:
            containers = self.equipment_of({item.bill_no for item in wanted if item.bill_no})
            self.customs.record(
                [
                    (
                        CustomsRuling(
                            document_id=item.invt_no or item.key,
                            decided_at=item.at,
                            equipment_references=containers.get(item.bill_no or "", ()),
                            transport_document_reference=item.bill_no,
                            reason=item.info or None,
                        ),
                        _DECISIONS[item.status],
                    )
                    for item in wanted
                ]
            )
        except Exception:
            log.exception("customs events of %d decided lists not published", len(wanted))

    def _entitle(self, decided: Sequence[ListDecided]) -> None:
        if self.parties_of is None:
            return
        try:
            shipped = [item for item in decided if item.bill_no]
            # a batch names the same few platforms and firms again and again: each code once,
            # all of them in one read (not one query per code)
            parties = self.parties_of({code for item in shipped for code in item.parties})
            self.customs.events.entitle_many(
                (party, "TRD", item.bill_no or "")
                for item in shipped
                for code in item.parties
                if (party := parties.get(code)) is not None
            )
        except Exception:
            log.exception("entitlements of %d decided lists not recorded", len(decided))

    def equipment_of(self, transport_documents: set[str]) -> dict[str, tuple[str, ...]]:
        """The containers known to travel under each transport document (events on file
        that reference it), sorted."""
        found = self.customs.events.records.equipment_of(transport_documents)
        return {document: tuple(sorted(boxes)) for document, boxes in found.items()}
