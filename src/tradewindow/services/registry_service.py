"""``RuleRegistry``: the rule-integration registry's use cases (editors' workflow, public reads).

An item has at most one open revision (a draft or one in review). Publishing supersedes the
item's previous published revision, appends the evidence record in the same transaction and
writes the history; the public sees published revisions only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import msgspec

from tradewindow.clock import utc_now
from tradewindow.services.errors import NotFound
from tradewindow.services.ports import (
    RegistryQuery,
    RegistryRecords,
    RegistryStore,
    ServiceEvidence,
)
from tradewindow.services.registry import (
    Action,
    Editor,
    HistoryEntry,
    ItemContent,
    Revision,
    Workflow,
    content_violations,
    require_other_reviewer,
    require_responsible,
    require_state,
    status_change_violations,
)
from tradewindow.violations import Rejected, Violation


class RuleRegistry:
    def __init__(
        self,
        store: RegistryStore,
        *,
        evidence: ServiceEvidence,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._evidence = evidence
        self._clock = clock

    # --- the editors' workflow -------------------------------------------------------------

    def draft(self, editor: Editor, content: ItemContent) -> Revision:
        """Save a draft: a new item, a new revision of a published one, or a change of the
        item's draft (a revision in review is sent back before it changes)."""
        _check(content)
        require_responsible(editor, content)
        with self._store.writing() as records:
            revisions = records.revisions(content.key)
            current = _published(revisions)
            if revisions:
                _require_mine(editor, revisions[-1])
            if current is not None:
                _check_status(current, content)
            open_revision = next(
                (r for r in revisions if r.state in (Workflow.DRAFT, Workflow.IN_REVIEW)), None
            )
            if open_revision is not None:
                require_state(open_revision, Workflow.DRAFT)
                changed = msgspec.structs.replace(open_revision, content=content)
                records.update_revision(changed)
                self._history(records, changed, Action.EDITED, editor, "")
                return changed
            revision = Revision(
                item_id=content.key,
                revision=len(revisions) + 1,
                content=content,
                state=Workflow.DRAFT,
                author=editor.officer,
                author_department=editor.department,
                created_at=self._clock(),
            )
            records.insert_revision(revision)
            self._history(records, revision, Action.DRAFTED, editor, "")
            return revision

    def submit(self, editor: Editor, item_id: str) -> Revision:
        """Send the draft for review."""
        return self._move(editor, item_id, Workflow.DRAFT, Workflow.IN_REVIEW, Action.SUBMITTED, "")

    def send_back(self, editor: Editor, item_id: str, note: str) -> Revision:
        """Return a revision in review to its draft, saying why."""
        return self._move(
            editor, item_id, Workflow.IN_REVIEW, Workflow.DRAFT, Action.RETURNED, note
        )

    def publish(self, editor: Editor, item_id: str, note: str = "") -> Revision:
        """Publish the revision in review (by a reviewer other than its author)."""
        with self._store.writing() as records:
            revisions = records.revisions(item_id)
            revision = _open(revisions, item_id)
            _require_mine(editor, revision)
            require_state(revision, Workflow.IN_REVIEW)
            require_other_reviewer(editor, revision)
            now = self._clock()
            current = _published(revisions)
            if current is not None:
                records.update_revision(msgspec.structs.replace(current, state=Workflow.SUPERSEDED))
            published = msgspec.structs.replace(
                revision, state=Workflow.PUBLISHED, reviewer=editor.officer, published_at=now
            )
            records.update_revision(published)
            self._history(records, published, Action.PUBLISHED, editor, note)
            self._evidence.published(records, published, editor.officer)
            return published

    def _move(
        self,
        editor: Editor,
        item_id: str,
        before: Workflow,
        after: Workflow,
        action: Action,
        note: str,
    ) -> Revision:
        with self._store.writing() as records:
            revision = _open(records.revisions(item_id), item_id)
            _require_mine(editor, revision)
            require_state(revision, before)
            if action is Action.RETURNED and not note.strip():
                raise Rejected(
                    [
                        _violation(
                            "note",
                            "services.registry.note",
                            "say why it goes back",
                            "请说明退回理由",
                        )
                    ]
                )
            changed = msgspec.structs.replace(revision, state=after)
            records.update_revision(changed)
            self._history(records, changed, action, editor, note)
            return changed

    def _history(
        self,
        records: RegistryRecords,
        revision: Revision,
        action: Action,
        editor: Editor,
        note: str,
    ) -> None:
        records.insert_history(
            HistoryEntry(
                item_id=revision.item_id,
                revision=revision.revision,
                action=action,
                actor=editor.officer,
                department=editor.department,
                at=self._clock(),
                note=note,
            )
        )

    # --- reads ------------------------------------------------------------------------------

    def search(self, query: RegistryQuery) -> tuple[list[Revision], int]:
        """Published items matching ``query`` (a page of them) and how many match."""
        with self._store.reading() as records:
            return records.published(query)

    def item(self, item_id: str) -> Revision:
        """The published revision of an item; NotFound when none is published."""
        with self._store.reading() as records:
            found = _published(records.revisions(item_id))
        if found is None:
            raise NotFound("services.registry.not_found", f"no item {item_id}", f"无事项 {item_id}")
        return found

    def published_revisions(self, item_id: str) -> list[Revision]:
        """Every revision of the item that was published, oldest first (its public history)."""
        with self._store.reading() as records:
            found = [
                r
                for r in records.revisions(item_id)
                if r.state in (Workflow.PUBLISHED, Workflow.SUPERSEDED)
            ]
        if not found:
            raise NotFound("services.registry.not_found", f"no item {item_id}", f"无事项 {item_id}")
        return found

    def history(self, editor: Editor, item_id: str) -> list[HistoryEntry]:
        """The full history, for an officer of a responsible department."""
        with self._store.reading() as records:
            revisions = records.revisions(item_id)
            if not revisions:
                raise NotFound(
                    "services.registry.not_found", f"no item {item_id}", f"无事项 {item_id}"
                )
            _require_mine(editor, revisions[-1])
            return records.history(item_id)

    def open_revision(self, editor: Editor, item_id: str) -> Revision:
        with self._store.reading() as records:
            revision = _open(records.revisions(item_id), item_id)
        _require_mine(editor, revision)
        return revision

    def worklist(self, editor: Editor) -> list[Revision]:
        """Drafts and revisions in review of the editor's department's items."""
        with self._store.reading() as records:
            return records.unpublished(editor.department)

    def counts(self) -> list[tuple[str, str, int]]:
        with self._store.reading() as records:
            return records.published_counts()

    def publications(self) -> list[tuple[datetime, str, str]]:
        with self._store.reading() as records:
            return records.publications()


def _check(content: ItemContent) -> None:
    problems = content_violations(content)
    if problems:
        raise Rejected(problems)


def _check_status(current: Revision, content: ItemContent) -> None:
    problems = status_change_violations(current.content.status, content.status)
    if problems:
        raise Rejected(problems)


def _require_mine(editor: Editor, revision: Revision) -> None:
    """An item's workflow is its departments' business: to any other it is not there."""
    if editor.department not in revision.content.departments:
        raise _no_item(revision.item_id)


def _no_item(item_id: str) -> NotFound:
    return NotFound("services.registry.not_found", f"no item {item_id}", f"无事项 {item_id}")


def _published(revisions: list[Revision]) -> Revision | None:
    return next((r for r in reversed(revisions) if r.state is Workflow.PUBLISHED), None)


def _open(revisions: list[Revision], item_id: str) -> Revision:
    found = next((r for r in revisions if r.state in (Workflow.DRAFT, Workflow.IN_REVIEW)), None)
    if found is None:
        raise NotFound(
            "services.registry.no_open_revision",
            f"item {item_id} has no draft or revision in review",
            f"事项 {item_id} 没有草稿或待审修订",
        )
    return found


def _violation(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=code, en=en, zh=zh)
