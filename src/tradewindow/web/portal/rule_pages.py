"""The rule-integration editors' pages in the workbench (``/workbench/rules``): the
department's drafts and reviews, a form that saves a draft (a new item, a new revision of a
published one, or a change of the draft), and submit, return with a note, publish — the
same ``RuleRegistry`` calls as ``/v1/services/rules``, with the same access (another
department's item is not found; the author never publishes).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.reference.gba import gba_cities
from tradewindow.services.errors import Conflict, Forbidden, NotFound
from tradewindow.services.registry import (
    Editor,
    Field,
    ItemContent,
    ItemStatus,
    Milestone,
    Revision,
)
from tradewindow.services.registry_service import RuleRegistry
from tradewindow.violations import Rejected, Violation
from tradewindow.web.portal.pages import portal_page
from tradewindow.web.portal.services_pages import officer_of_session, shown
from tradewindow.web.portal.session import SignedIn, check_csrf, require_officer
from tradewindow.web.window import Window

AnyRequest = Request[Any, Any, Any]
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _registry(request: AnyRequest) -> RuleRegistry:
    window: Window = request.app.state.window
    return window.app.service_trade.registry


def _editor(who: SignedIn) -> Editor:
    officer = officer_of_session(who)
    return Editor(officer=officer.officer, department=officer.department)


class RulePages(Controller):
    path = "/workbench/rules"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def worklist(self, request: AnyRequest) -> Template:
        who = require_officer(request)
        editor = _editor(who)
        context = {"revisions": _registry(request).worklist(editor), "editor": editor}
        return portal_page(request, "services/rules_worklist.html", context, who)

    @get("/new", sync_to_thread=True)
    def new(self, request: AnyRequest) -> Template:
        who = require_officer(request)
        editor = _editor(who)
        form = {"departments": editor.department, "status": "planned", "counterpart": ["HK"]}
        return _form_page(request, who, form, [])

    @post("/draft", sync_to_thread=True, status_code=303)
    def save(self, request: AnyRequest, data: Form) -> Template | Redirect:
        who = require_officer(request)
        check_csrf(request, who, data)
        problems: list[Violation] = []
        content = _content(data, problems)
        if content is None:
            return _form_page(request, who, data, problems, status=422)
        try:
            saved = _registry(request).draft(_editor(who), content)
        except Rejected as refused:
            return _form_page(request, who, data, refused.violations, status=422)
        except (Forbidden, Conflict) as refused:
            return _form_page(request, who, data, [refused.violation], status=409)
        return Redirect(path=f"/workbench/rules/{saved.item_id}", status_code=303)

    @get("/{list_code:str}/{number:str}", sync_to_thread=True)
    def item(self, request: AnyRequest, list_code: str, number: str) -> Template:
        who = require_officer(request)
        return _item_page(request, who, f"{list_code}/{number}", [])

    @get("/{list_code:str}/{number:str}/edit", sync_to_thread=True)
    def edit(self, request: AnyRequest, list_code: str, number: str) -> Template:
        who = require_officer(request)
        revision = _registry(request).open_revision(_editor(who), f"{list_code}/{number}")
        return _form_page(request, who, _as_form(revision), [])

    @post("/{list_code:str}/{number:str}/{step:str}", sync_to_thread=True, status_code=303)
    def step(
        self, request: AnyRequest, list_code: str, number: str, step: str, data: Form
    ) -> Template | Redirect:
        who = require_officer(request)
        check_csrf(request, who, data)
        registry, editor, item_id = _registry(request), _editor(who), f"{list_code}/{number}"
        note = str(data.get("note") or "")
        steps = {
            "submit": lambda: registry.submit(editor, item_id),
            "return": lambda: registry.send_back(editor, item_id, note),
            "publish": lambda: registry.publish(editor, item_id, note),
        }
        if step not in steps:
            raise NotFound("services.registry.step", f"no step {step}", f"无此操作 {step}")
        try:
            steps[step]()
        except Rejected as refused:
            return _item_page(request, who, item_id, refused.violations, status=422)
        except (Forbidden, Conflict) as refused:
            return _item_page(request, who, item_id, [refused.violation], status=409)
        return Redirect(path=f"/workbench/rules/{item_id}", status_code=303)


def _item_page(
    request: AnyRequest,
    who: SignedIn,
    item_id: str,
    problems: list[Violation],
    *,
    status: int = 200,
) -> Template:
    registry, editor = _registry(request), _editor(who)
    history = registry.history(editor, item_id)  # not found for another department
    try:
        current: Revision | None = registry.open_revision(editor, item_id)
    except NotFound:
        current = None
    if current is None:
        current = registry.item(item_id)
    context = {
        "revision": current,
        "history": history,
        "editor": editor,
        "problems": shown(request, problems),
    }
    return portal_page(request, "services/rule_item.html", context, who, status_code=status)


def _form_page(
    request: AnyRequest,
    who: SignedIn,
    form: dict[str, Any],
    problems: list[Violation],
    *,
    status: int = 200,
) -> Template:
    context = {
        "form": form,
        "fields": list(Field),
        "statuses": list(ItemStatus),
        "cities": [c for c in gba_cities() if c.mainland],
        "problems": shown(request, problems),
    }
    return portal_page(request, "services/rule_form.html", context, who, status_code=status)


def _listed(data: dict[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name)
    if isinstance(value, list):
        return tuple(str(v) for v in value if str(v).strip())
    return tuple(
        part.strip() for part in str(value or "").replace(",", " ").split() if part.strip()
    )


def _content(data: dict[str, Any], problems: list[Violation]) -> ItemContent | None:
    """The form as an item, or None with the problems the form itself has (field, status,
    milestone lines); the registry checks the rest."""
    field, status = str(data.get("field", "")), str(data.get("status", ""))
    if field not in Field.__members__.values():
        problems.append(
            Violation(
                path="field", code="services.registry.field", en="choose a field", zh="请选择领域"
            )
        )
    if status not in ItemStatus.__members__.values():
        problems.append(
            Violation(
                path="status",
                code="services.registry.status",
                en="choose a status",
                zh="请选择状态",
            )
        )
    milestones = []
    for index, line in enumerate(str(data.get("milestones") or "").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        try:
            on = date.fromisoformat(parts[0])
            state = ItemStatus(parts[1])
        except (ValueError, IndexError):
            problems.append(
                Violation(
                    path=f"milestones[{index}]",
                    code="services.registry.milestone.line",
                    en="a milestone line is a date, a status and optionally an evidence link",
                    zh="里程碑每行为日期、状态，可另加依据链接",
                )
            )
            continue
        milestones.append(
            Milestone(on=on, status=state, evidence_url=parts[2] if len(parts) > 2 else None)
        )
    if problems:
        return None
    return ItemContent(
        list_code=str(data.get("list_code", "")).strip(),
        number=str(data.get("number", "")).strip(),
        field=Field(field),
        title_en=str(data.get("title_en", "")),
        title_zh=str(data.get("title_zh", "")),
        mainland_rule=str(data.get("mainland_rule", "")),
        counterpart=_listed(data, "counterpart"),
        counterpart_rule=str(data.get("counterpart_rule", "")),
        measure_en=str(data.get("measure_en", "")),
        measure_zh=str(data.get("measure_zh", "")),
        departments=_listed(data, "departments"),
        cities=_listed(data, "cities"),
        status=ItemStatus(status),
        milestones=tuple(milestones),
    )


def _as_form(revision: Revision) -> dict[str, Any]:
    c = revision.content
    return {
        "list_code": c.list_code, "number": c.number, "field": c.field.value,
        "title_en": c.title_en, "title_zh": c.title_zh, "mainland_rule": c.mainland_rule,
        "counterpart": list(c.counterpart), "counterpart_rule": c.counterpart_rule,
        "measure_en": c.measure_en, "measure_zh": c.measure_zh,
        "departments": " ".join(c.departments), "cities": list(c.cities), "status": c.status.value,
        "milestones": "\n".join(
            " ".join(filter(None, (m.on.isoformat(), m.status.value, m.evidence_url)))
            for m in c.milestones
        ),
    }  # fmt: skip
