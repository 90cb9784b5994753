"""The rule-integration registry's rules: content, status changes, the workflow's guards."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest

import services_builders as sb
from tradewindow.services.errors import Conflict, Forbidden
from tradewindow.services.registry import (
    Editor,
    ItemStatus,
    Milestone,
    Revision,
    Workflow,
    content_violations,
    require_other_reviewer,
    require_responsible,
    require_state,
    status_change_violations,
)
from tradewindow.services.search import fold, words


def codes(content: object) -> list[str]:
    return [v.code for v in content_violations(content)]  # type: ignore[arg-type]


def test_a_planned_item_and_an_item_in_force_pass() -> None:
    assert codes(sb.item()) == []
    assert codes(sb.in_force()) == []


def test_every_content_problem_at_once() -> None:
    bad = sb.item(
        list_code="GZ72",
        title_zh=" ",
        counterpart=("TW",),
        departments=(),
        cities=("hong-kong", "atlantis"),
    )
    assert codes(bad) == [
        "services.registry.list_code",
        "services.registry.required",
        "services.registry.counterpart",
        "services.registry.departments",
        "services.registry.city",
        "services.registry.city",
    ]


def test_milestones_are_ordered_and_linked_over_https() -> None:
    bad = sb.item(
        status=ItemStatus.IN_PROGRESS,
        milestones=(
            Milestone(on=date(2026, 3, 1), status=ItemStatus.PLANNED),
            Milestone(
                on=date(2026, 2, 1), status=ItemStatus.IN_PROGRESS, evidence_url="http://x.cn"
            ),
        ),
    )
    assert codes(bad) == ["services.registry.milestone.order", "services.registry.milestone.url"]


def test_status_is_the_last_milestones() -> None:
    assert codes(sb.item(status=ItemStatus.IN_PROGRESS)) == ["services.registry.status.milestone"]


def test_in_force_needs_evidence() -> None:
    content = sb.item(
        status=ItemStatus.IN_FORCE,
        milestones=(Milestone(on=date(2026, 1, 5), status=ItemStatus.IN_FORCE),),
    )
    assert codes(content) == ["services.registry.in_force.evidence"]


@pytest.mark.parametrize(
    ("before", "after", "ok"),
    [
        (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS, True),
        (ItemStatus.PLANNED, ItemStatus.IN_FORCE, True),
        (ItemStatus.IN_FORCE, ItemStatus.WITHDRAWN, True),
        (ItemStatus.IN_FORCE, ItemStatus.PLANNED, False),
        (ItemStatus.WITHDRAWN, ItemStatus.IN_FORCE, False),
        (ItemStatus.IN_PROGRESS, ItemStatus.IN_PROGRESS, True),
    ],
)
def test_status_moves_forward_or_to_withdrawn(
    before: ItemStatus, after: ItemStatus, ok: bool
) -> None:
    assert (status_change_violations(before, after) == []) is ok


def revision(state: Workflow, author: str = "li") -> Revision:
    return Revision(
        item_id="gz-72/1",
        revision=1,
        content=sb.item(),
        state=state,
        author=author,
        author_department="gz_justice",
        created_at=datetime(2026, 1, 5, tzinfo=UTC),
    )


def test_only_responsible_departments_work_on_an_item() -> None:
    require_responsible(Editor(officer="li", department="gz_justice"), sb.item())
    with pytest.raises(Forbidden) as refused:
        require_responsible(Editor(officer="wu", department="gz_commerce"), sb.item())
    assert refused.value.code == "services.registry.not_responsible"


def test_four_eyes() -> None:
    require_other_reviewer(
        Editor(officer="wang", department="gz_justice"), revision(Workflow.IN_REVIEW)
    )
    with pytest.raises(Forbidden):
        require_other_reviewer(
            Editor(officer="li", department="gz_justice"), revision(Workflow.IN_REVIEW)
        )


def test_workflow_state_guard() -> None:
    require_state(revision(Workflow.DRAFT), Workflow.DRAFT)
    with pytest.raises(Conflict):
        require_state(revision(Workflow.PUBLISHED), Workflow.DRAFT, Workflow.IN_REVIEW)


def test_content_round_trips_as_json() -> None:
    content = sb.in_force()
    assert msgspec.json.decode(msgspec.json.encode(content), type=type(content)) == content


def test_search_folds_scripts_and_case() -> None:
    assert fold("Hong Kong 律師 陳大文") == fold("hong kong 律师 陈大文")
    assert words("  醫師  Doctors ") == ["医师", "doctors"]
