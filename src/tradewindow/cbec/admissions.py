"""Admissions (``ports.Admission``) of several filers judging one unit of work together."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from tradewindow.cbec.clearance import Answer
from tradewindow.cbec.documents import Message
from tradewindow.cbec.ports import Admission, DocRef, UnitOfWork
from tradewindow.violations import Violation

_T = TypeVar("_T")


class Answering(Protocol):
    """An admission that also records something of its requests' answers in the unit of work
    that made them, before it commits (the filing use case keeps an API request's answer
    under its Idempotency-Key there). Optional: ``Clearance`` looks it up by name."""

    def answered(self, uow: UnitOfWork, answers: Sequence[Answer]) -> None:
        """The answers to the messages this admission judged, in submission order."""
        ...


def by_guid(judges: Mapping[str, Admission]) -> Admission:
    """Each message judged (and claimed) by its own filer's admission: ``judges`` maps a
    message guid to it; a message it does not name is cleared unjudged, as without one."""
    return _ByGuid(judges)


class _ByGuid:
    def __init__(self, judges: Mapping[str, Admission]) -> None:
        self._judges = judges

    def refused(self, uow: UnitOfWork, messages: Sequence[Message]) -> dict[str, list[Violation]]:
        found: dict[str, list[Violation]] = {}
        for judge, mine in self._grouped(messages, lambda m: m.guid):
            found.update(judge.refused(uow, mine))
        return found

    def accepted(self, uow: UnitOfWork, accepted: Sequence[tuple[Message, list[DocRef]]]) -> None:
        for judge, mine in self._grouped(accepted, lambda pair: pair[0].guid):
            judge.accepted(uow, mine)

    def answered(self, uow: UnitOfWork, answers: Sequence[Answer]) -> None:
        for judge, mine in self._grouped(answers, lambda answer: answer.guid):
            if (hook := getattr(judge, "answered", None)) is not None:
                hook(uow, mine)

    def _grouped(
        self, items: Sequence[_T], guid_of: Callable[[_T], str]
    ) -> list[tuple[Admission, list[_T]]]:
        groups: dict[int, tuple[Admission, list[_T]]] = {}
        for item in items:
            judge = self._judges.get(guid_of(item))
            if judge is not None:
                groups.setdefault(id(judge), (judge, []))[1].append(item)
        return list(groups.values())
