"""The party: an enterprise or agency, its roles and identifiers in several jurisdictions.

``prepare_party`` checks a ``RegisterParty`` command and returns every violation at once;
it is pure (the registry adds the id, the clock and the uniqueness check against the store).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import msgspec

from tradewindow.parties.errors import InvalidParty
from tradewindow.parties.identifiers import (
    JURISDICTIONS,
    Identifier,
    Scheme,
    identifier_violations,
    normalise,
)
from tradewindow.parties.principal import PartyKind
from tradewindow.parties.roles import ENTERPRISE_ROLES, is_agency_code
from tradewindow.text import forbidden_violations
from tradewindow.violations import Violation

PARTY_ID = r"[a-z0-9][a-z0-9-]{1,63}"


class Party(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name_zh: str
    name_en: str
    kind: PartyKind
    roles: tuple[str, ...]  # enterprise roles, or the one agency code of an agency
    identifiers: tuple[Identifier, ...]
    jurisdictions: tuple[str, ...]  # ISO 3166 alpha-2: CN (mainland), HK, MO
    city: str | None  # a reference.gba key (e.g. "shenzhen") for GBA parties
    sector: str | None
    registered_at: datetime
    active: bool = True

    @property
    def agency(self) -> str | None:
        return self.roles[0] if self.kind is PartyKind.AGENCY else None

    def identifier(self, scheme: Scheme) -> Identifier | None:
        return next((i for i in self.identifiers if i.scheme is scheme), None)


class RegisterParty(msgspec.Struct, frozen=True, kw_only=True):
    """Command: register a party. Identifiers are ``(scheme, value)`` as typed by the user."""

    name_zh: str
    name_en: str
    kind: str
    roles: tuple[str, ...]
    identifiers: tuple[tuple[str, str], ...] = ()
    jurisdictions: tuple[str, ...] = ()
    city: str | None = None
    sector: str | None = None
    id: str | None = None  # chosen by the registry when not given


def _violation(path: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=f"party.{rule}", en=en, zh=zh)


def prepare_party(
    command: RegisterParty,
    party_id: str,
    registered_at: datetime,
    agencies: Iterable[str] = (),
) -> Party:
    """The party the command describes; raises ``InvalidParty`` with every violation.

    No text may hold a character CEB XML or PostgreSQL cannot (``text.character``: NUL and
    the other C0 controls, surrogates, noncharacters), whatever channel registers the party:
    a name is written into receipts and documents, and used to be accepted with a NUL."""
    violations: list[Violation] = forbidden_violations(
        [
            ("name_zh", command.name_zh),
            ("name_en", command.name_en),
            ("city", command.city),
            ("sector", command.sector),
            *((f"roles[{n}]", role) for n, role in enumerate(command.roles, start=1)),
            *(
                (f"identifiers[{n}]", f"{scheme}:{value}")
                for n, (scheme, value) in enumerate(command.identifiers, start=1)
            ),
        ]
    )
    if not re.fullmatch(PARTY_ID, party_id):
        violations.append(
            _violation(
                "id",
                "id.invalid",
                f"a party id is 2-64 of a-z, 0-9 and -, not {party_id!r}",
                f"主体标识须为2至64位小写字母、数字或连字符，而非 {party_id!r}",
            )
        )
    if not command.name_zh.strip() and not command.name_en.strip():
        violations.append(
            _violation(
                "name",
                "name.missing",
                "a Chinese or English name is required",
                "须填写中文或英文名称",
            )
        )
    try:
        kind = PartyKind(command.kind)
    except ValueError:
        kind = None
        violations.append(
            _violation(
                "kind",
                "kind.invalid",
                f"kind must be enterprise or agency, not {command.kind!r}",
                f"主体类别须为 enterprise 或 agency，而非 {command.kind!r}",
            )
        )
    if kind is not None:
        violations += role_violations(kind, command.roles, agencies)
    identifiers, found = _identifiers(command.identifiers)
    violations += found
    if kind is PartyKind.ENTERPRISE and not command.identifiers:
        violations.append(
            _violation(
                "identifiers",
                "identifier.missing",
                "an enterprise needs at least one registration identifier",
                "企业须至少有一个登记编码",
            )
        )
    for index, code in enumerate(command.jurisdictions, start=1):
        if code not in JURISDICTIONS:
            violations.append(
                _violation(
                    f"jurisdictions[{index}]",
                    "jurisdiction.invalid",
                    f"jurisdiction must be one of {sorted(JURISDICTIONS)}, not {code!r}",
                    f"法域须为 {sorted(JURISDICTIONS)} 之一，而非 {code!r}",
                )
            )
    jurisdictions = sorted(set(command.jurisdictions) | {i.jurisdiction for i in identifiers})
    if not jurisdictions:
        violations.append(
            _violation(
                "jurisdictions",
                "jurisdiction.missing",
                "name a jurisdiction (CN, HK or MO) or give an identifier",
                "须注明法域（CN、HK 或 MO）或提供登记编码",
            )
        )
    if violations or kind is None:
        raise InvalidParty(violations)
    return Party(
        id=party_id,
        name_zh=command.name_zh.strip(),
        name_en=command.name_en.strip(),
        kind=kind,
        roles=tuple(sorted(set(command.roles))),
        identifiers=tuple(sorted(identifiers, key=lambda i: (i.scheme.value, i.value))),
        jurisdictions=tuple(jurisdictions),
        city=command.city,
        sector=command.sector,
        registered_at=registered_at,
    )


def role_violations(
    kind: PartyKind, roles: Iterable[str], agencies: Iterable[str] = ()
) -> list[Violation]:
    """An enterprise holds one or more enterprise roles; an agency exactly one agency code."""
    roles = list(roles)
    configured = frozenset(agencies)
    if kind is PartyKind.AGENCY:
        if len(roles) == 1 and is_agency_code(roles[0], configured):
            return []
        return [
            _violation(
                "roles",
                "role.invalid",
                f"an agency holds exactly one agency code (standard or configured), not {roles}",
                f"机构须且只能有一个机构代码，而非 {roles}",
            )
        ]
    if not roles:
        return [
            _violation("roles", "role.missing", "at least one role is required", "须至少有一个角色")
        ]
    return [
        _violation(
            f"roles[{index}]",
            "role.invalid",
            f"{role!r} is not an enterprise role ({', '.join(sorted(ENTERPRISE_ROLES))})",
            f"{role!r} 不是企业角色",
        )
        for index, role in enumerate(roles, start=1)
        if role not in ENTERPRISE_ROLES
    ]


def _identifiers(raw: Iterable[tuple[str, str]]) -> tuple[list[Identifier], list[Violation]]:
    identifiers: list[Identifier] = []
    violations: list[Violation] = []
    for index, (scheme, value) in enumerate(raw, start=1):
        path = f"identifiers[{index}]"
        found = identifier_violations(scheme, value, path)
        if found:
            violations += found
            continue
        identifier = Identifier(Scheme(scheme), normalise(Scheme(scheme), value))
        if identifier in identifiers:
            violations.append(
                _violation(
                    path,
                    "identifier.duplicate",
                    f"{identifier} is listed twice",
                    f"{identifier} 重复",
                )
            )
            continue
        identifiers.append(identifier)
    return identifiers, violations
