"""Commissions (委托关系): an e-commerce enterprise commissions a domestic agent to declare for it.

An overseas e-commerce enterprise (境外电商企业) files its import lists through a domestic agent
(境内代理人) or a customs broker (报关企业) it commissions, and customs registers that relationship
(海关总署公告2018年第194号, 企业管理: 境外跨境电子商务企业应委托境内代理人向该代理人所在地海关
办理注册登记). The 202205 XSD says of CEB621/623/625 who may send them: "电商企业或其代理人".

A commission names its **principal** (the party who commissions), its **agent**, its **scope**
(the messages the agent may file for the principal), when it takes effect and when it ends; the
principal may revoke it. Nothing is deleted: a revoked or lapsed commission stays as history.

Pure: ``prepare_commission`` checks a ``GrantCommission`` and returns every violation at once;
``Commission.live_at`` and :func:`filing_violation` are the rule the filing check applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from datetime import UTC, datetime
from enum import StrEnum

import msgspec

from tradewindow.parties.errors import InvalidCommission
from tradewindow.parties.model import Party
from tradewindow.parties.roles import FILING_ACTIONS, PERMISSIONS, Role
from tradewindow.violations import Violation


class Scope(StrEnum):
    """What a commission lets the agent file for the principal, per message type: every code
    of a filed document that names a firm must be the sender's own or a principal's whose
    live commission covers that type (``filing.rights``). CEB623 and CEB625 can be granted
    already and are checked when those messages are filed."""

    ORDER = "CEB311"  # 电子订单: a platform or enterprise commissions e.g. an express operator
    PAYMENT = "CEB411"  # 支付凭证: a payment firm commissions e.g. a postal enterprise
    WAYBILL = "CEB511"  # 物流运单: a logistics firm commissions another (e.g. its line-haul)
    INVENTORY = "CEB621"  # 进口清单
    CANCELLATION = "CEB623"  # 撤销申请单
    RETURN = "CEB625"  # 退货申请单


class CommissionState(StrEnum):
    PENDING = "pending"  # granted, not yet in force
    LIVE = "live"
    EXPIRED = "expired"  # past valid_until
    REVOKED = "revoked"


class Commission(msgspec.Struct, frozen=True, kw_only=True):
    """A registered commission, as it stands (revoked or not)."""

    id: str
    principal_id: str
    agent_id: str
    scope: tuple[Scope, ...]
    valid_from: datetime
    valid_until: datetime | None
    granted_at: datetime
    granted_by: str  # the principal's party id, or ``operator`` for the CLI
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    def live_at(self, at: datetime) -> bool:
        """In force at ``at``: from ``valid_from`` (inclusive) until ``valid_until`` or the
        revocation (each exclusive), whichever comes first."""
        if at < self.valid_from:
            return False
        if self.valid_until is not None and at >= self.valid_until:
            return False
        return self.revoked_at is None or at < self.revoked_at

    def state(self, at: datetime) -> CommissionState:
        """Where the commission stands at ``at`` (revocation first: it ends every state)."""
        if self.revoked_at is not None and at >= self.revoked_at:
            return CommissionState.REVOKED
        if self.valid_until is not None and at >= self.valid_until:
            return CommissionState.EXPIRED
        return CommissionState.LIVE if at >= self.valid_from else CommissionState.PENDING

    def covers(self, scope: Scope, at: datetime) -> bool:
        """Live at ``at`` and granted for ``scope``."""
        return scope in self.scope and self.live_at(at)


class GrantCommission(msgspec.Struct, frozen=True, kw_only=True):
    """Command: the principal commissions ``agent`` (a party id, or a registration code such
    as the one the agent writes as agentCode) for ``scope`` (message types as written, e.g.
    ``"CEB621"``)."""

    agent: str
    scope: tuple[str, ...]
    valid_from: datetime | None = None  # now when not given
    valid_until: datetime | None = None  # open-ended when not given


def _violation(path: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=f"commission.{rule}", en=en, zh=zh)


def prepare_commission(
    command: GrantCommission,
    principal: Party,
    agent: Party | None,
    *,
    commission_id: str,
    now: datetime,
    granted_by: str,
) -> Commission:
    """The commission the command describes; raises ``InvalidCommission`` with every
    violation. ``agent`` is the party ``command.agent`` names, None when none does."""
    violations: list[Violation] = []
    scope: list[Scope] = []
    if not command.scope:
        violations.append(
            _violation(
                "scope",
                "scope.missing",
                f"name what the agent may file: {', '.join(s.value for s in Scope)}",
                f"须注明代理申报的报文：{', '.join(s.value for s in Scope)}",
            )
        )
    for index, raw in enumerate(command.scope, start=1):
        try:
            scope.append(Scope(raw))
        except ValueError:
            violations.append(
                _violation(
                    f"scope[{index}]",
                    "scope.invalid",
                    f"{raw!r} is not one of {', '.join(s.value for s in Scope)}",
                    f"{raw!r} 不是 {', '.join(s.value for s in Scope)} 之一",
                )
            )
    violations += _principal_violations(principal, scope)
    violations += _agent_violations(principal.id, agent, command.agent, scope)
    violations += _validity_violations(command.valid_from, command.valid_until, now)
    if violations or agent is None:
        raise InvalidCommission(violations)
    return Commission(
        id=commission_id,
        principal_id=principal.id,
        agent_id=agent.id,
        scope=tuple(sorted(set(scope))),
        valid_from=(command.valid_from or now).astimezone(UTC),  # stored and shown in UTC
        valid_until=command.valid_until.astimezone(UTC) if command.valid_until else None,
        granted_at=now,
        granted_by=granted_by,
    )


def _principal_violations(principal: Party, scope: Iterable[Scope]) -> list[Violation]:
    """Only a party that may file a message in its own name can commission another to."""
    roles = set(principal.roles)
    return [
        _violation(
            "principal",
            "principal.role",
            f"party {principal.id} may not file {s.value} in its own name, so it cannot"
            " commission an agent to (ecommerce_enterprise)",
            f"主体 {principal.id} 无权以自身名义申报 {s.value}，不能委托代理人申报（须为电商企业）",
        )
        for s in scope
        if not roles & PERMISSIONS[FILING_ACTIONS[s.value]].direct
    ]


def _agent_violations(
    principal_id: str, agent: Party | None, reference: str, scope: Iterable[Scope]
) -> list[Violation]:
    if agent is None:
        return [
            _violation(
                "agent",
                "agent.unknown",
                f"no registered party {reference}: the agent must be registered first",
                f"未找到登记主体 {reference}：代理人须先办理登记",
            )
        ]
    if agent.id == principal_id:
        return [
            _violation(
                "agent", "agent.self", "a party cannot commission itself", "主体不能委托自身"
            )
        ]
    roles = set(agent.roles)
    return [
        _violation(
            "agent",
            "agent.role",
            f"party {agent.id} holds no role that may file {s.value}"
            " (for CEB621: declaring_agent or broker)",
            f"主体 {agent.id} 无申报 {s.value} 的角色（进口清单：境内代理人或报关企业）",
        )
        for s in scope
        if not roles & _may_file(s)
    ]


def _may_file(scope: Scope) -> frozenset[Role]:
    """The roles that may be commissioned for ``scope``: those the XSD lets file it as
    commissioned (受委托: CEB311/411 express and postal firms, CEB621 declarants); for a type
    no role files only as commissioned (CEB511), those that file it in their own name (a
    logistics firm's line-haul partner)."""
    grant = PERMISSIONS[FILING_ACTIONS[scope.value]]
    return grant.commissioned or grant.direct


def _validity_violations(
    valid_from: datetime | None, valid_until: datetime | None, now: datetime
) -> list[Violation]:
    violations = [
        _violation(
            name,
            f"{name}.naive",
            f"{name} must carry a time zone (e.g. 2026-03-01T00:00:00+08:00)",
            f"{name} 须带时区（如 2026-03-01T00:00:00+08:00）",
        )
        for name, at in (("valid_from", valid_from), ("valid_until", valid_until))
        if at is not None and at.utcoffset() is None
    ]
    if violations:
        return violations
    start = valid_from or now
    if valid_from is not None and valid_from < now:
        violations.append(
            _violation(
                "valid_from",
                "valid_from.past",
                "a commission takes effect no earlier than it is registered",
                "委托关系的生效时间不得早于登记时间",
            )
        )
    if valid_until is not None and valid_until <= start:
        violations.append(
            _violation(
                "valid_until",
                "valid_until.before_start",
                "valid_until must be after the commission takes effect",
                "委托截止时间须晚于生效时间",
            )
        )
    return violations


# --- the filing rule ----------------------------------------------------------------------


def filing_violation(
    *,
    path: str,
    ebc_code: str,
    agent_code: str,
    filer_id: str,
    filer_codes: Set[str],
    ebc_party: Party | None,
    commissions: Iterable[Commission],
    scope: Scope,
    at: datetime,
) -> Violation | None:
    """Whether the filer may file this document (``path`` points at its head) for the
    e-commerce enterprise ``ebc_code``; None when it may, else the one violation:

    * the filer holds ``ebc_code``: it files in its own name, no commission needed;
    * otherwise it files as the enterprise's agent, so ``agent_code`` must be its own
      (``auth.agent_mismatch``): the declarant is the one who answers for the declaration;
    * an enterprise that is not registered has commissioned no one (``auth.ebc_unregistered``):
      customs registers the principal before its agent may declare for it;
    * a commission from that enterprise to the filer, live at ``at`` (the message's receipt
      time) and covering ``scope``, must be registered (``auth.not_commissioned``).

    ``filer_codes`` are the filer's identifier values in upper case; ``commissions`` any of
    the filer's (those of other principals or agents are ignored).
    """
    if ebc_code.upper() in filer_codes:
        return None
    if agent_code.upper() not in filer_codes:
        return Violation(
            path=f"{path}/agentCode",
            code="auth.agent_mismatch",
            en=f"ebcCode {ebc_code} is not party {filer_id}'s, so it files as the agent:"
            f" agentCode {agent_code} must be its own",
            zh=f"ebcCode {ebc_code} 不是主体 {filer_id} 的编码，须以代理人身份申报：agentCode"
            f" {agent_code} 须为其自身编码",
        )
    if ebc_party is None:
        return Violation(
            path=f"{path}/ebcCode",
            code="auth.ebc_unregistered",
            en=f"e-commerce enterprise {ebc_code} is not registered, so it has commissioned"
            " no agent",
            zh=f"电商企业 {ebc_code} 未登记，不存在其委托的代理人",
        )
    if any(
        c.principal_id == ebc_party.id and c.agent_id == filer_id and c.covers(scope, at)
        for c in commissions
    ):
        return None
    return Violation(
        path=f"{path}/ebcCode",
        code="auth.not_commissioned",
        en=f"party {filer_id} holds no live commission from e-commerce enterprise {ebc_code}"
        f" to file {scope.value}",
        zh=f"主体 {filer_id} 未获电商企业 {ebc_code} 有效委托申报 {scope.value}",
    )
