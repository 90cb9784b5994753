"""Roles, actions and the one permission table that says which role may do what.

Who may send each CEB message is what the 202205 import XSD says of its root element
(``xs:documentation`` of ``CEB311Message`` etc., 海关跨境进口业务节点报文定义202205.xsd):

* CEB311 电子订单 — 电商企业或电商平台或受委托的快件运营人、邮政企业
* CEB411 支付凭证 — 支付企业或受委托的快件运营人、邮政企业
* CEB511 物流运单, CEB513 运单状态 — 物流企业
* CEB621 进口清单, CEB623 撤销申请单, CEB625 退货申请单 — 电商企业或其代理人
* CEB711 入库明细单 — 海关监管作业场所经营企业

Express operators and postal enterprises are logistics firms here; they file orders and
payments only *as commissioned* (受委托), so those grants are marked ``commissioned``: the
role may file, and the intake must also find the commission of the platform, enterprise or
payment firm it files for (``basis`` tells which). An e-commerce enterprise's agents are its
domestic agent (``declaring_agent``, 境内代理人) and the customs broker it engages (``broker``,
报关企业); a logistics firm that declares its own parcels holds the ``broker`` role as well.
Their commissions are registered in ``parties.commission_registry``: an agent's CEB621 for an
enterprise is refused unless that enterprise's live commission covers it (``web.filing``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

import msgspec

from tradewindow.parties.errors import Forbidden
from tradewindow.parties.principal import PartyKind, Principal


class Role(StrEnum):
    # enterprises
    ECOMMERCE_PLATFORM = "ecommerce_platform"  # 电商平台
    ECOMMERCE_ENTERPRISE = "ecommerce_enterprise"  # 电商企业
    PAYMENT_FIRM = "payment_firm"  # 支付企业
    LOGISTICS_FIRM = "logistics_firm"  # 物流企业 (incl. express operators, postal enterprises)
    DECLARING_AGENT = "declaring_agent"  # 境内代理人 of an overseas e-commerce enterprise
    GUARANTOR = "guarantor"  # 担保企业 (assureCode)
    TERMINAL_OPERATOR = "terminal_operator"  # 海关监管作业场所经营企业, port / terminal
    CARRIER = "carrier"  # 承运人: airline, shipping line, trucking
    BROKER = "broker"  # 报关企业, customs broker
    # agencies
    CUSTOMS = "customs"
    INSPECTION_QUARANTINE = "inspection_quarantine"
    BORDER_CONTROL = "border_control"
    TAXATION = "taxation"
    FOREIGN_EXCHANGE = "foreign_exchange"


STANDARD_AGENCIES = frozenset(
    {
        Role.CUSTOMS,
        Role.INSPECTION_QUARANTINE,
        Role.BORDER_CONTROL,
        Role.TAXATION,
        Role.FOREIGN_EXCHANGE,
    }
)
ENTERPRISE_ROLES = frozenset(Role) - STANDARD_AGENCIES
AGENCY_CODE = re.compile(r"[a-z][a-z0-9_]{1,31}")  # of agencies added by configuration


class Action(StrEnum):
    FILE_ORDER = "file.CEB311"
    FILE_PAYMENT = "file.CEB411"
    FILE_WAYBILL = "file.CEB511"
    FILE_WAYBILL_STATUS = "file.CEB513"
    FILE_INVENTORY = "file.CEB621"
    FILE_CANCELLATION = "file.CEB623"
    FILE_RETURN = "file.CEB625"
    FILE_DELIVERY = "file.CEB711"
    READ_OWN_FILINGS = "filings.read_own"
    READ_TAX_BILLS = "tax_bills.read_own"
    PUBLISH_EVENTS = "events.publish"  # shipment / transport / equipment events
    VIEW_QUEUE = "queue.view"  # an agency's work queue, policy-filtered
    DECIDE = "decide"  # release / hold / inspect / refuse
    MANAGE_KEYS = "keys.manage"  # one's own API keys, clients and certificates
    GRANT_COMMISSIONS = "commissions.grant"  # commission (and revoke) an agent to file for it
    READ_COMMISSIONS = "commissions.read"  # the commissions one has given or holds


class Basis(StrEnum):
    DIRECT = "direct"  # in its own name
    COMMISSIONED = "commissioned"  # only for a party that commissioned it


class Grant(msgspec.Struct, frozen=True):
    direct: frozenset[Role] = frozenset()
    commissioned: frozenset[Role] = frozenset()
    agencies: bool = False  # every agency, standard or configured


_R = Role
_EVERY_ENTERPRISE = ENTERPRISE_ROLES
_DECLARANTS = frozenset({_R.DECLARING_AGENT, _R.BROKER})

# fmt: off
PERMISSIONS: dict[Action, Grant] = {
    Action.FILE_ORDER: Grant(frozenset({_R.ECOMMERCE_ENTERPRISE, _R.ECOMMERCE_PLATFORM}),
                             frozenset({_R.LOGISTICS_FIRM})),
    Action.FILE_PAYMENT: Grant(frozenset({_R.PAYMENT_FIRM}), frozenset({_R.LOGISTICS_FIRM})),
    Action.FILE_WAYBILL: Grant(frozenset({_R.LOGISTICS_FIRM})),
    Action.FILE_WAYBILL_STATUS: Grant(frozenset({_R.LOGISTICS_FIRM})),
    Action.FILE_INVENTORY: Grant(frozenset({_R.ECOMMERCE_ENTERPRISE}), _DECLARANTS),
    Action.FILE_CANCELLATION: Grant(frozenset({_R.ECOMMERCE_ENTERPRISE}), _DECLARANTS),
    Action.FILE_RETURN: Grant(frozenset({_R.ECOMMERCE_ENTERPRISE}), _DECLARANTS),
    Action.FILE_DELIVERY: Grant(frozenset({_R.TERMINAL_OPERATOR})),
    Action.READ_OWN_FILINGS: Grant(_EVERY_ENTERPRISE),
    Action.READ_TAX_BILLS: Grant(frozenset({_R.ECOMMERCE_ENTERPRISE, _R.GUARANTOR}), _DECLARANTS),
    Action.PUBLISH_EVENTS: Grant(frozenset({_R.TERMINAL_OPERATOR, _R.CARRIER})),
    Action.VIEW_QUEUE: Grant(agencies=True),
    Action.DECIDE: Grant(agencies=True),
    Action.MANAGE_KEYS: Grant(_EVERY_ENTERPRISE, agencies=True),
    Action.GRANT_COMMISSIONS: Grant(frozenset({_R.ECOMMERCE_ENTERPRISE})),
    Action.READ_COMMISSIONS: Grant(_EVERY_ENTERPRISE),
}
# fmt: on

# the message type each filing action is for, e.g. "CEB621" → Action.FILE_INVENTORY
FILING_ACTIONS = {a.value.removeprefix("file."): a for a in Action if a.value.startswith("file.")}


def basis(principal: Principal, action: Action) -> Basis | None:
    """On what footing ``principal`` may take ``action``: in its own name, only as
    commissioned by another party, or (None) not at all."""
    grant = PERMISSIONS[action]
    if principal.kind is PartyKind.AGENCY:
        return Basis.DIRECT if grant.agencies else None
    roles = set(principal.roles)
    if roles & grant.direct:
        return Basis.DIRECT
    if roles & grant.commissioned:
        return Basis.COMMISSIONED
    return None


def may(principal: Principal, action: Action) -> bool:
    """Whether any role of ``principal`` allows ``action`` (directly or as commissioned)."""
    return basis(principal, action) is not None


def require(principal: Principal, action: Action) -> Basis:
    """The basis of ``action`` for ``principal``; raises ``Forbidden`` (auth.forbidden)."""
    found = basis(principal, action)
    if found is None:
        raise Forbidden(principal.party_id, action.value)
    return found


def is_agency_code(code: str, configured: Iterable[str] = ()) -> bool:
    """A standard agency or one added by configuration."""
    return code in STANDARD_AGENCIES or code in set(configured)


def check_agency_codes(configured: Iterable[str]) -> frozenset[str]:
    """Configured agency codes, validated: lower-case words that are not enterprise roles."""
    codes = frozenset(configured)
    for code in codes:
        if not AGENCY_CODE.fullmatch(code) or code in ENTERPRISE_ROLES:
            raise ValueError(f"agency code {code!r} must be a-z0-9_ (2-32) and not a role")
    return codes
