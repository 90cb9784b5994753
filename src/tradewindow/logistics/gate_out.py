"""Customs decisions on equipment and the terminal gate: may a container gate out?

A laden container may leave a terminal (an actual ``GTOT`` equipment event) only with a
customs release on file; a gate-out for anything else is refused with
``TNT.gateOut.notReleased`` and an alert is recorded for customs.
"""

from __future__ import annotations

import enum
from datetime import datetime

import msgspec

from tradewindow.logistics.model import EquipmentEvent, Event
from tradewindow.logistics.ports import CustomsOnFile, CustomsRecords, GateAlert
from tradewindow.violations import Violation


class CustomsDecision(enum.StrEnum):
    RELEASED = "released"
    HELD = "held"
    INSPECTION = "inspection"


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to "may this container gate out?" and why."""

    allowed: bool
    equipment_reference: str
    customs: str | None = None  # the decision on file, if any
    document_id: str | None = None
    reason_en: str
    reason_zh: str


def may_gate_out(on_file: CustomsOnFile | None, equipment_reference: str) -> Decision:
    """Yes only with a customs release on file (``on_file``) for the container."""
    if on_file is None:
        return Decision(
            allowed=False,
            equipment_reference=equipment_reference,
            reason_en="no customs release on file",
            reason_zh="无海关放行记录",
        )
    decision, document_id = on_file.decision, on_file.document_id
    if decision == CustomsDecision.RELEASED:
        return Decision(
            allowed=True,
            equipment_reference=equipment_reference,
            customs=decision,
            document_id=document_id,
            reason_en=f"released by customs (document {document_id})",
            reason_zh=f"海关已放行（单证 {document_id}）",
        )
    return Decision(
        allowed=False,
        equipment_reference=equipment_reference,
        customs=decision,
        document_id=document_id,
        reason_en=f"customs has the container {decision} (document {document_id})",
        reason_zh=f"海关对该箱的决定为{_ZH[decision]}（单证 {document_id}）",
    )


_ZH = {"held": "扣留", "inspection": "查验", "released": "放行"}


def is_gate_out(event: Event) -> bool:
    """An actual gate-out of a laden container: the moves customs must have released."""
    return (
        isinstance(event, EquipmentEvent)
        and event.equipment_event_type_code == "GTOT"
        and event.event_classifier_code == "ACT"
        and event.empty_indicator_code == "LADEN"
    )


def refuse_unreleased_gate_out(
    records: CustomsRecords, event: Event, event_id: str, publisher: str, now: datetime
) -> list[Violation]:
    """No violation when the event is no gate-out or the container is released; otherwise
    ``TNT.gateOut.notReleased`` and an alert recorded for customs."""
    if not is_gate_out(event):
        return []
    assert isinstance(event, EquipmentEvent)  # noqa: S101  (is_gate_out says so; for mypy)
    if event.equipment_reference is None:
        return [
            Violation(
                path="equipmentReference",
                code="TNT.gateOut.noEquipment",
                en="a laden gate-out must name the container",
                zh="重箱出闸事件须注明箱号",
            )
        ]
    reference = event.equipment_reference
    decision = may_gate_out(records.decision_on_file(reference), reference)
    if decision.allowed:
        return []
    records.raise_alert(
        GateAlert(
            equipment_reference=reference,
            event_id=event_id,
            publisher=publisher,
            reason=decision.customs or "none",
            raised_at=now,
        )
    )
    return [
        Violation(
            path="equipmentEventTypeCode",
            code="TNT.gateOut.notReleased",
            en=f"{event.equipment_reference} may not gate out: {decision.reason_en}",
            zh=f"{event.equipment_reference} 不得出闸：{decision.reason_zh}",
        )
    ]


__all__ = [
    "CustomsDecision",
    "Decision",
    "GateAlert",
    "is_gate_out",
    "may_gate_out",
    "refuse_unreleased_gate_out",
]
