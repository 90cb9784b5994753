"""The rule-integration registry on SQLite and PostgreSQL: the editors' workflow, the history,
the evidence record of each publication, the public search and counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import msgspec
import pytest

import services_builders as sb
from tradewindow.evidence.chain import RecordKind
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.service_trade import ServiceRecords
from tradewindow.services.errors import Conflict, Forbidden, NotFound
from tradewindow.services.ports import RegistryQuery
from tradewindow.services.registry import (
    Action,
    Editor,
    Field,
    ItemStatus,
    Milestone,
    Workflow,
)
from tradewindow.services.registry_service import RuleRegistry
from tradewindow.store import SqlStore
from tradewindow.violations import Rejected

LI = Editor(officer="li", department="gz_justice")
WANG = Editor(officer="wang", department="gz_justice")
WU = Editor(officer="wu", department="gz_commerce")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def evidence(store: SqlStore) -> EvidenceLog:
    return EvidenceLog(store.evidence)


@pytest.fixture
def registry(store: SqlStore, evidence: EvidenceLog) -> RuleRegistry:
    return RuleRegistry(store.rule_registry, evidence=ServiceRecords(evidence), clock=Clock())


def publish(registry: RuleRegistry, content: object) -> None:
    registry.draft(LI, content)  # type: ignore[arg-type]
    key = content.key  # type: ignore[attr-defined]
    registry.submit(LI, key)
    registry.publish(WANG, key)


def test_draft_review_publish_with_history_and_evidence(
    registry: RuleRegistry, evidence: EvidenceLog
) -> None:
    registry.draft(LI, sb.item())
    with pytest.raises(NotFound):
        registry.item("gz-72/1")  # a draft is not public
    registry.submit(LI, "gz-72/1")
    with pytest.raises(Conflict):
        registry.draft(LI, sb.item())  # in review: sent back before it changes
    registry.send_back(WANG, "gz-72/1", "cite the section")
    registry.draft(LI, sb.item(counterpart_rule="Cap. 159, s. 7AA"))
    registry.submit(LI, "gz-72/1")
    with pytest.raises(Forbidden):
        registry.publish(LI, "gz-72/1")  # four eyes
    published = registry.publish(WANG, "gz-72/1", "checked against the gazette")
    assert (published.state, published.reviewer) == (Workflow.PUBLISHED, "wang")
    assert registry.item("gz-72/1").content.counterpart_rule == "Cap. 159, s. 7AA"
    history = registry.history(LI, "gz-72/1")
    assert [(h.action, h.actor) for h in history] == [
        (Action.DRAFTED, "li"),
        (Action.SUBMITTED, "li"),
        (Action.RETURNED, "wang"),
        (Action.EDITED, "li"),
        (Action.SUBMITTED, "li"),
        (Action.PUBLISHED, "wang"),
    ]
    assert history[2].note == "cite the section"
    records = [r for r in evidence.records() if r.kind == RecordKind.REGISTRY_PUBLISHED]
    assert len(records) == 1
    assert records[0].subject_ids == ["rule-item:gz-72/1", "rule-item:gz-72/1#1"]
    assert records[0].actor == "wang"
    assert evidence.verify().ok


def test_a_new_revision_supersedes_and_keeps_the_old_one_public(registry: RuleRegistry) -> None:
    publish(registry, sb.item())
    registry.draft(LI, sb.in_force())
    assert registry.item("gz-72/1").content.status is ItemStatus.PLANNED  # until published
    assert registry.draft(LI, sb.in_force()).revision == 2  # one open revision: changed
    registry.submit(LI, "gz-72/1")
    registry.publish(WANG, "gz-72/1")
    assert registry.item("gz-72/1").revision == 2
    assert [(r.revision, r.state) for r in registry.published_revisions("gz-72/1")] == [
        (1, Workflow.SUPERSEDED),
        (2, Workflow.PUBLISHED),
    ]


def test_status_never_goes_backwards(registry: RuleRegistry) -> None:
    publish(registry, sb.in_force())
    with pytest.raises(Rejected) as refused:
        registry.draft(LI, sb.item())
    assert [v.code for v in refused.value.violations] == ["services.registry.status.backwards"]


def test_only_responsible_departments_edit_or_see_the_history(registry: RuleRegistry) -> None:
    with pytest.raises(Forbidden):
        registry.draft(WU, sb.item())
    publish(registry, sb.item())
    with pytest.raises(NotFound):  # another department's item is not there for it
        registry.draft(WU, sb.item(departments=("gz_commerce",)))
    with pytest.raises(NotFound):
        registry.history(WU, "gz-72/1")
    with pytest.raises(NotFound):
        registry.submit(WU, "gz-72/1")
    assert registry.worklist(WU) == []


def test_bad_content_is_refused_with_every_violation(registry: RuleRegistry) -> None:
    with pytest.raises(Rejected) as refused:
        registry.draft(LI, sb.item(cities=("atlantis",), title_en=""))
    assert [v.code for v in refused.value.violations] == [
        "services.registry.required",
        "services.registry.city",
    ]


def test_public_search_filters_and_counts(registry: RuleRegistry) -> None:
    publish(registry, sb.item("1"))
    publish(registry, sb.in_force("2"))
    publish(
        registry,
        sb.item(
            "3",
            field=Field.HEALTHCARE,
            title_en="Hong Kong doctors in Shenzhen hospitals",
            title_zh="港澳医师内地短期执业",
            cities=("shenzhen", "guangzhou"),
            departments=("gz_justice", "sz_health"),
            status=ItemStatus.IN_PROGRESS,
            milestones=(Milestone(on=date(2026, 2, 1), status=ItemStatus.IN_PROGRESS),),
        ),
    )
    registry.draft(LI, sb.item("4"))  # never published: never found

    def keys(**filters: object) -> list[str]:
        found, total = registry.search(RegistryQuery(**filters))  # type: ignore[arg-type]
        assert total == len(found)
        return [r.item_id for r in found]

    assert keys() == ["gz-72/1", "gz-72/2", "gz-72/3"]
    assert keys(field="healthcare") == ["gz-72/3"]
    assert keys(city="shenzhen") == ["gz-72/3"]
    assert keys(status=ItemStatus.IN_FORCE) == ["gz-72/2"]
    assert keys(department="sz_health") == ["gz-72/3"]
    assert keys(text="DOCTORS shenzhen") == ["gz-72/3"]
    assert keys(text="医师") == ["gz-72/3"]
    assert keys(text="100%") == []
    found, total = registry.search(RegistryQuery(limit=2, offset=2))
    assert (len(found), total) == (1, 3)
    assert registry.counts() == [
        ("healthcare", "in_progress", 1),
        ("legal", "in_force", 1),
        ("legal", "planned", 1),
    ]
    assert len(registry.publications()) == 3


def test_content_is_stored_as_written(registry: RuleRegistry) -> None:
    content = sb.in_force("17")
    publish(registry, content)
    assert msgspec.to_builtins(registry.item("gz-72/17").content) == msgspec.to_builtins(content)
