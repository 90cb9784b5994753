"""An agency's task as every layer sees it (pure: the queue's adapter stores it, the pages
and the API show it)."""

from __future__ import annotations

import enum
from datetime import datetime

import msgspec

from tradewindow.agencies.status import Decision


class TaskStatus(enum.StrEnum):
    OPEN = "open"  # waiting for an officer
    CLAIMED = "claimed"  # an officer works on it
    FOLLOW_UP = "follow_up"  # held or inspected: the agency's next action is due
    DECIDED = "decided"  # final: released or refused


class Task(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: int
    filing: str
    agency: str
    status: TaskStatus
    policy_version: str
    created_at: datetime
    officer: str | None = None
    claimed_at: datetime | None = None
    decision: Decision | None = None
    reason: str | None = None
    decided_at: datetime | None = None


class TaskPage(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    tasks: list[Task]
    page: int
    size: int
    has_more: bool
