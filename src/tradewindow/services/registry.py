"""The rule-integration registry (规则衔接事项): items, their states and the editors' workflow.

An item is what a city agreed with Hong Kong or Macao: the mainland rule, its counterpart,
the measure, the responsible departments and cities, a status (planned → in progress → in
force; withdrawn at any time) with dated milestones and evidence links. Each change is a
**revision** that goes draft → in review → published; only published revisions are public,
the reviewer who publishes is never the revision's author (four eyes), and every step is kept
as history. Pure: the rules here, the records behind ``ports.RegistryStore``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

import msgspec

from tradewindow.reference.gba import gba_city
from tradewindow.services.departments import department
from tradewindow.services.errors import Conflict, Forbidden
from tradewindow.violations import Violation


class Field(StrEnum):
    FINANCE = "finance"
    LEGAL = "legal"
    CONSTRUCTION = "construction"
    HEALTHCARE = "healthcare"
    TOURISM = "tourism"
    EDUCATION = "education"
    TAXATION = "taxation"
    TRADE = "trade"
    TRANSPORT = "transport"
    TELECOM = "telecom"
    SOCIAL = "social"  # social security, employment, social work


FIELD_ZH = {
    Field.FINANCE: "金融",
    Field.LEGAL: "法律",
    Field.CONSTRUCTION: "建筑",
    Field.HEALTHCARE: "医疗卫生",
    Field.TOURISM: "旅游",
    Field.EDUCATION: "教育",
    Field.TAXATION: "税务",
    Field.TRADE: "贸易",
    Field.TRANSPORT: "交通运输",
    Field.TELECOM: "电信",
    Field.SOCIAL: "社会保障",
}


class ItemStatus(StrEnum):
    PLANNED = "planned"  # 计划
    IN_PROGRESS = "in_progress"  # 推进中
    IN_FORCE = "in_force"  # 已落地
    WITHDRAWN = "withdrawn"  # 已撤回


STATUS_ZH = {
    ItemStatus.PLANNED: "计划中",
    ItemStatus.IN_PROGRESS: "推进中",
    ItemStatus.IN_FORCE: "已落地实施",
    ItemStatus.WITHDRAWN: "已撤回",
}


class Workflow(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # a published revision after a newer one was published


class Action(StrEnum):
    """What happened to an item, as its history says."""

    DRAFTED = "drafted"
    EDITED = "edited"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    PUBLISHED = "published"


class Milestone(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    on: date
    status: ItemStatus
    note_en: str = ""
    note_zh: str = ""
    evidence_url: str | None = None  # the announcement, gazette or press release


class ItemContent(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What an editor writes for an item (one revision's content)."""

    list_code: str  # the list it belongs to, e.g. "gz-72" (Guangzhou's 72 items)
    number: str  # its number in that list, e.g. "17"
    field: Field
    title_en: str
    title_zh: str
    mainland_rule: str  # the mainland rule or standard (Chinese as published)
    counterpart: tuple[str, ...]  # "HK" and/or "MO"
    counterpart_rule: str  # the Hong Kong / Macao rule it is joined with
    measure_en: str
    measure_zh: str
    departments: tuple[str, ...]  # responsible departments (``departments.csv`` codes)
    cities: tuple[str, ...]  # GBA city keys, e.g. "guangzhou"
    status: ItemStatus
    milestones: tuple[Milestone, ...] = ()
    illustrative: bool = False  # made up by the demo, not a published item

    @property
    def key(self) -> str:
        return f"{self.list_code}/{self.number}"


class Revision(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    item_id: str
    revision: int  # 1, 2, … per item
    content: ItemContent
    state: Workflow
    author: str  # the editor (officer id) who drafted it
    author_department: str
    created_at: datetime
    reviewer: str | None = None
    published_at: datetime | None = None


class HistoryEntry(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    item_id: str
    revision: int
    action: Action
    actor: str
    department: str
    at: datetime
    note: str = ""


class Editor(msgspec.Struct, frozen=True, kw_only=True):
    """An officer of a responsible department acting on the registry."""

    officer: str
    department: str


_LIST_CODE = re.compile(r"[a-z]{2,8}-[0-9a-z]{1,8}")
_NUMBER = re.compile(r"[0-9A-Za-z.\-]{1,12}")

_ORDER = (ItemStatus.PLANNED, ItemStatus.IN_PROGRESS, ItemStatus.IN_FORCE)


def content_violations(content: ItemContent, path: str = "") -> list[Violation]:
    """Every problem with an item's content (``services.registry.*``)."""
    out: list[Violation] = []

    def add(where: str, rule: str, en: str, zh: str) -> None:
        out.append(Violation(path=f"{path}{where}", code=f"services.registry.{rule}", en=en, zh=zh))

    if not _LIST_CODE.fullmatch(content.list_code):
        add("listCode", "list_code", "a list code is like gz-72", "清单代码格式应如 gz-72")
    if not _NUMBER.fullmatch(content.number):
        add("number", "number", "an item number is 1-12 letters or digits", "事项编号应为1至12位")
    for name, text in (
        ("titleEn", content.title_en),
        ("titleZh", content.title_zh),
        ("mainlandRule", content.mainland_rule),
        ("counterpartRule", content.counterpart_rule),
        ("measureZh", content.measure_zh),
    ):
        if not text.strip():
            add(name, "required", f"{name} is required", f"{name} 为必填项")
        elif len(text) > 4000:
            add(name, "too_long", f"{name} is over 4000 characters", f"{name} 超过4000字")
    if not content.counterpart or set(content.counterpart) - {"HK", "MO"}:
        add(
            "counterpart",
            "counterpart",
            "the counterpart is HK, MO or both",
            "对接方应为香港和/或澳门",
        )
    if not content.departments or not all(department(d) for d in content.departments):
        add(
            "departments",
            "departments",
            "at least one responsible department, each a known department code (gz_commerce …)",
            "至少一个责任部门，且须为已登记的部门代码（如 gz_commerce）",
        )
    for index, city in enumerate(content.cities, start=1):
        found = gba_city(city)
        if found is None or not found.mainland:
            add(
                f"cities[{index}]",
                "city",
                f"{city!r} is no mainland GBA city",
                f"{city!r} 不是大湾区内地城市",
            )
    if not content.cities:
        add("cities", "city", "at least one mainland GBA city", "至少一个大湾区内地城市")
    out += _milestone_violations(content, path)
    return out


def _milestone_violations(content: ItemContent, path: str) -> list[Violation]:
    out = []
    previous: Milestone | None = None
    for index, milestone in enumerate(content.milestones, start=1):
        where = f"{path}milestones[{index}]"
        if previous is not None and milestone.on < previous.on:
            out.append(
                Violation(
                    path=f"{where}/on",
                    code="services.registry.milestone.order",
                    en="milestones are listed oldest first",
                    zh="里程碑应按日期先后排列",
                )
            )
        url = milestone.evidence_url
        if url is not None and not url.startswith("https://"):
            out.append(
                Violation(
                    path=f"{where}/evidenceUrl",
                    code="services.registry.milestone.url",
                    en="an evidence link is an https:// address",
                    zh="依据链接应为 https:// 地址",
                )
            )
        previous = milestone
    last = content.milestones[-1].status if content.milestones else ItemStatus.PLANNED
    if content.milestones and last is not content.status:
        out.append(
            Violation(
                path=f"{path}status",
                code="services.registry.status.milestone",
                en=f"the status is the last milestone's ({last.value})",
                zh=f"状态应与最后一个里程碑一致（{STATUS_ZH[last]}）",
            )
        )
    if content.status is ItemStatus.IN_FORCE and not any(
        m.status is ItemStatus.IN_FORCE and m.evidence_url for m in content.milestones
    ):
        out.append(
            Violation(
                path=f"{path}milestones",
                code="services.registry.in_force.evidence",
                en="an item in force needs an in-force milestone with its evidence link",
                zh="已落地实施的事项须有带依据链接的实施里程碑",
            )
        )
    return out


def status_change_violations(before: ItemStatus, after: ItemStatus) -> list[Violation]:
    """A published status moves forward only (planned → in progress → in force), or to
    withdrawn; a withdrawn item stays withdrawn."""
    if before == after or (after is ItemStatus.WITHDRAWN and before is not ItemStatus.WITHDRAWN):
        return []
    if before is not ItemStatus.WITHDRAWN and _ORDER.index(after) > _ORDER.index(before):
        return []
    return [
        Violation(
            path="status",
            code="services.registry.status.backwards",
            en=f"an item {before.value} cannot become {after.value}",
            zh=f"事项不能从“{STATUS_ZH[before]}”改为“{STATUS_ZH[after]}”",
        )
    ]


def require_responsible(editor: Editor, content: ItemContent) -> None:
    """Only an officer of one of the item's responsible departments works on it."""
    if editor.department not in content.departments:
        raise Forbidden(
            "services.registry.not_responsible",
            f"department {editor.department} is not responsible for item {content.key}",
            f"部门 {editor.department} 不是事项 {content.key} 的责任部门",
        )


def require_state(revision: Revision, *states: Workflow) -> None:
    if revision.state not in states:
        raise Conflict(
            "services.registry.workflow",
            f"revision {revision.revision} is {revision.state.value}, not "
            + " or ".join(s.value for s in states),
            f"修订 {revision.revision} 的状态为 {revision.state.value}，不能执行此操作",
        )


def require_other_reviewer(editor: Editor, revision: Revision) -> None:
    """Four eyes: whoever drafted a revision does not publish it."""
    if editor.officer == revision.author:
        raise Forbidden(
            "services.registry.four_eyes",
            "a revision is published by a reviewer other than its author",
            "修订须由起草人以外的审核人发布",
        )
