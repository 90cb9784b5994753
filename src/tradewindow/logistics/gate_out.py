"""Customs decisions on equipment and the terminal gate: may a container gate out?

A laden container may leave a terminal (an actual ``GTOT`` equipment event) only with a
customs release on file; a gate-out for anything else is refused with
``TNT.gateOut.notReleased`` and an alert is recorded for customs.
"""

from __future__ import annotations

import enum
from datetime import datetime

import msgspec
from sqlalchemy import Connection, delete, insert, select

from tradewindow.logistics.model import EquipmentEvent, Event
from tradewindow.logistics.tables import customs_decisions, gate_alerts
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


def decision_on_file(connection: Connection, equipment_reference: str) -> tuple[str, str] | None:
    row = connection.execute(
        select(customs_decisions.c.decision, customs_decisions.c.document_id).where(
            customs_decisions.c.equipment_reference == equipment_reference
        )
    ).first()
    return None if row is None else (row.decision, row.document_id)


def record_decision(
    connection: Connection,
    equipment_reference: str,
    decision: CustomsDecision,
    document_id: str,
    at: datetime,
) -> None:
    """The newest customs decision on a container replaces the one before."""
    connection.execute(
        delete(customs_decisions).where(
            customs_decisions.c.equipment_reference == equipment_reference
        )
    )
    connection.execute(
        insert(customs_decisions).values(
            equipment_reference=equipment_reference,
            decision=decision.value,
            document_id=document_id,
            decided_at=at,
        )
    )


def may_gate_out(connection: Connection, equipment_reference: str) -> Decision:
    on_file = decision_on_file(connection, equipment_reference)
    if on_file is None:
        return Decision(
            allowed=False,
            equipment_reference=equipment_reference,
            reason_en="no customs release on file",
            reason_zh="无海关放行记录",
        )
    decision, document_id = on_file
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
    connection: Connection, event: Event, event_id: str, publisher: str, now: datetime
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
    decision = may_gate_out(connection, event.equipment_reference)
    if decision.allowed:
        return []
    connection.execute(
        insert(gate_alerts).values(
            equipment_reference=event.equipment_reference,
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


class GateAlert(msgspec.Struct, frozen=True, kw_only=True):
    equipment_reference: str
    event_id: str
    publisher: str
    reason: str
    raised_at: datetime


def alerts(connection: Connection) -> list[GateAlert]:
    rows = connection.execute(select(gate_alerts).order_by(gate_alerts.c.alert_id))
    return [
        GateAlert(
            equipment_reference=row.equipment_reference,
            event_id=row.event_id,
            publisher=row.publisher,
            reason=row.reason,
            raised_at=row.raised_at,
        )
        for row in rows
    ]
