"""Who may file what: every code of a document that names a firm, per message type (pure).

Each code that names a firm is one of:

* **sender** — ``BaseTransfer/copCode``: one of the filing party's own identifiers;
* **principal** — the firm the document is filed for (CEB311 ``ebpCode``, CEB411 ``payCode``,
  CEB511 and CEB513 ``logisticsCode``, CEB621 / 623 / 625 ``ebcCode``, CEB711
  ``operatorCode``): the sender's own code, or the code of a registered firm whose commission
  to the sender is live at the receipt time and covers the message type
  (``parties.commissions.Scope``);
* **agent** — CEB621 / 623 / 625 ``agentCode``: when the principal code is not the sender's,
  the sender files as the agent and must write its own code here (the declarant answers for
  it; a cancellation or return is then refused unless it is the list's own declarant);
* **named** — a firm the document is *about*, not one that files it (the e-commerce
  enterprise selling on a platform's order, the platform of a payment, the guarantor):
  not checked here; matching checks that the documents of one parcel agree.

A list's key is its order's (``ebpCode|orderNo``) while its principal code is the enterprise's:
:func:`list_squatted` says when a genuine enterprise's list takes the key back from another's
(and :func:`payment_squatted` the same of a payment, whose principal is the payment firm).

The table :data:`CODE_RULES` is the one place this is written; ``docs/filing-rights.md``
shows it. Codes are compared in upper case, as registration codes are stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import cast

import msgspec

from tradewindow.cbec.documents import (
    Document,
    Inventory,
    InvtCancel,
    LifecycleDocument,
    LogisticsStatus,
    Message,
    Order,
    Payment,
    message_type,
)
from tradewindow.cbec.ports import DocStatus, StoredDocument
from tradewindow.parties.commissions import Commission, Scope, filing_violation
from tradewindow.parties.model import Party
from tradewindow.violations import Violation


class Need(StrEnum):
    PRINCIPAL = "principal"  # the sender's own, or a firm that commissioned it for the type
    AGENT = "agent"  # the sender's own whenever the principal code is not
    NAMED = "named"  # a firm the document is about; not checked


class CodeRule(msgspec.Struct, frozen=True):
    element: str  # as in the XSD, e.g. "ebpCode"
    attribute: str  # of the document head, e.g. "ebp_code"
    need: Need


def _rule(element: str, need: Need) -> CodeRule:
    attribute = "".join(f"_{c.lower()}" if c.isupper() else c for c in element)
    return CodeRule(element, attribute, need)


_P, _A, _N = Need.PRINCIPAL, Need.AGENT, Need.NAMED

# message type → the codes of its document heads that name a firm, and whose each must be
CODE_RULES: dict[str, tuple[CodeRule, ...]] = {
    "CEB311": (_rule("ebpCode", _P), _rule("ebcCode", _N), _rule("payCode", _N)),
    "CEB411": (_rule("payCode", _P), _rule("ebpCode", _N)),
    "CEB511": (_rule("logisticsCode", _P),),
    "CEB621": (
        _rule("ebcCode", _P),
        _rule("agentCode", _A),
        _rule("ebpCode", _N),
        _rule("logisticsCode", _N),
        _rule("assureCode", _N),
    ),
    "CEB623": (
        _rule("ebcCode", _P),
        _rule("agentCode", _A),
        _rule("ebpCode", _N),
        _rule("logisticsCode", _N),
    ),
    "CEB625": (
        _rule("ebcCode", _P),
        _rule("agentCode", _A),
        _rule("ebpCode", _N),
        _rule("logisticsCode", _N),
    ),
    "CEB513": (_rule("logisticsCode", _P),),
    "CEB711": (_rule("operatorCode", _P), _rule("logisticsCode", _N)),
}

# export (issue 13), in a table of its own so the import types' table stays as it is: the
# platform files the order (for 9810 the warehouse booking), the payment firm the receipt of
# payment, the logistics firm waybill and departure, the supervised site's operator the
# arrival and the returned parcels' tally; the consignor (or its declaring agent) the list,
# cancellation, summary application and return; the declaring agent the master/house waybill
# link under its own code
EXPORT_CODE_RULES: dict[str, tuple[CodeRule, ...]] = {
    "CEB303": (_rule("ebpCode", _P), _rule("ebcCode", _N)),
    "CEB403": (_rule("payCode", _P), _rule("ebpCode", _N), _rule("ebcCode", _N)),
    "CEB505": (_rule("logisticsCode", _P), _rule("ebcCode", _N)),
    "CEB507": (_rule("operatorCode", _P), _rule("logisticsCode", _N)),
    "CEB509": (_rule("logisticsCode", _P),),
    "CEB603": (
        _rule("ebcCode", _P),
        _rule("agentCode", _A),
        _rule("ebpCode", _N),
        _rule("logisticsCode", _N),
        _rule("ownerCode", _N),
    ),
    "CEB605": (_rule("ebcCode", _P), _rule("agentCode", _A)),
    "CEB607": (_rule("agentCode", _P), _rule("logisticsCode", _N)),
    "CEB701": (_rule("ebcCode", _P), _rule("agentCode", _A), _rule("declAgentCode", _N)),
    "CEB213": (
        _rule("ebcCode", _P),
        _rule("agentCode", _A),
        _rule("ebpCode", _N),
        _rule("logisticsCode", _N),
    ),
    "CEB215": (_rule("operatorCode", _P), _rule("logisticsCode", _N)),
}


# message type → the commission scope that lets an agent file it for a principal: a waybill
# status is the waybill's business (a firm commissioned for a logistics firm's waybills
# reports their signatures too); nothing commissions a warehouse delivery (CEB711): the
# supervised site's operator files it under its own code
SCOPES: dict[str, Scope | None] = {
    "CEB311": Scope.ORDER,
    "CEB411": Scope.PAYMENT,
    "CEB511": Scope.WAYBILL,
    "CEB621": Scope.INVENTORY,
    "CEB623": Scope.CANCELLATION,
    "CEB625": Scope.RETURN,
    "CEB513": Scope.WAYBILL,
    "CEB711": None,
}
# export: until commissions name export types of their own, the commission for the
# import counterpart covers the export message (an order is an order, a list a list);
# arrival, tally and the waybill link are filed under the filer's own code only
EXPORT_SCOPES: dict[str, Scope | None] = {
    "CEB303": Scope.ORDER,
    "CEB403": Scope.PAYMENT,
    "CEB505": Scope.WAYBILL,
    "CEB507": None,
    "CEB509": Scope.WAYBILL,
    "CEB603": Scope.INVENTORY,
    "CEB605": Scope.CANCELLATION,
    "CEB607": None,
    "CEB701": Scope.INVENTORY,
    "CEB213": Scope.RETURN,
    "CEB215": None,
}


def _rules_of(kind: str) -> tuple[CodeRule, ...]:
    return CODE_RULES.get(kind) or EXPORT_CODE_RULES.get(kind, ())


class Authority(msgspec.Struct, frozen=True):
    """What the registry knows of a code that is not the sender's: the party holding it (None:
    no registered party, or an ambiguous code) and the commissions it gave the sender."""

    party: Party | None
    commissions: tuple[Commission, ...] = ()


class Filer(msgspec.Struct, frozen=True):
    """The filing party: its id and its identifier values in upper case."""

    party_id: str
    codes: frozenset[str]


def sender_violation(message: Message, filer: Filer) -> Violation | None:
    """``BaseTransfer/copCode`` must be one of the filer's own codes."""
    sender = message.base_transfer.cop_code
    if sender.upper() in filer.codes:
        return None
    return Violation(
        path="BaseTransfer/copCode",
        code="auth.sender_mismatch",
        en=f"BaseTransfer/copCode {sender} is not an identifier of party {filer.party_id}:"
        " the sender code must be an identifier of the authenticated party",
        zh=f"BaseTransfer/copCode {sender} 不是主体 {filer.party_id} 的登记编码：传输企业代码须为"
        "已认证主体的登记编码",
    )


def foreign_codes(message: Message, filer: Filer) -> set[str]:
    """The principal codes of ``message`` that are not the filer's: the registry looks these
    up (:class:`Authority`) before :func:`code_violations` can judge."""
    return {
        code
        for _, document in _documents(message)
        for rule in _rules_of(message_type(message))
        if rule.need is Need.PRINCIPAL
        and (code := _code(document, rule))
        and code.upper() not in filer.codes
    }


def code_violations(
    message: Message, filer: Filer, authorities: Mapping[str, Authority], at: datetime
) -> list[Violation]:
    """Every code of ``message`` the filer may not write at ``at`` (the receipt time), one
    violation per document at most, in document order. ``authorities``: by
    :func:`foreign_codes` (a code missing from it is taken as unregistered)."""
    kind = message_type(message)
    rules = _rules_of(kind)
    principal = next((r for r in rules if r.need is Need.PRINCIPAL), None)
    if principal is None:
        return []
    agent = next((r for r in rules if r.need is Need.AGENT), None)
    scope = SCOPES[kind] if kind in SCOPES else EXPORT_SCOPES.get(kind)
    found: list[Violation] = []
    for path, document in _documents(message):
        code = _code(document, principal)
        # a type no commission covers (CEB711) is filed under the sender's own code only
        authority = authorities.get(code, Authority(None)) if scope else Authority(None)
        if agent is not None and scope is not None:
            violation = filing_violation(
                path=path,
                ebc_code=code,
                agent_code=_code(document, agent),
                filer_id=filer.party_id,
                filer_codes=filer.codes,
                ebc_party=authority.party,
                commissions=authority.commissions,
                scope=scope,
                at=at,
            )
        else:
            violation = _principal_violation(
                f"{path}/{principal.element}", code, filer, authority, kind, scope, at
            )
        if violation is not None:
            found.append(violation)
    return found


def _principal_violation(
    path: str,
    code: str,
    filer: Filer,
    authority: Authority,
    kind: str,
    scope: Scope | None,
    at: datetime,
) -> Violation | None:
    if code.upper() in filer.codes:
        return None
    party = authority.party
    if (
        party is not None
        and scope is not None
        and any(
            c.principal_id == party.id and c.agent_id == filer.party_id and c.covers(scope, at)
            for c in authority.commissions
        )
    ):
        return None
    element = path.rsplit("/", 1)[-1]
    # the same answer whether or not a firm holds the code: it tells nobody who is registered
    return Violation(
        path=path,
        code="auth.not_commissioned",
        en=f"{element} {code} is not party {filer.party_id}'s own, and no firm holding it has"
        f" commissioned party {filer.party_id} to file {kind}",
        zh=f"{element} {code} 不是主体 {filer.party_id} 的登记编码，主体 {filer.party_id} 未获"
        f" {code} 有效委托申报 {kind}",
    )


def _documents(message: Message) -> Iterator[tuple[str, Document | LifecycleDocument]]:
    documents: Sequence[Document | LifecycleDocument] = message.documents
    for index, document in enumerate(documents, start=1):
        element = type(document).element
        # export's flat documents (receipt of payment, waybill, cancellation, tally) are
        # their own head too
        if isinstance(document, InvtCancel | LogisticsStatus) or document.head is cast(
            object, document
        ):
            yield f"{element}[{index}]", document  # one flat element, no head
        else:
            yield f"{element}[{index}]/{element}Head", document


def _code(document: Document | LifecycleDocument, rule: CodeRule) -> str:
    value = getattr(document.head, rule.attribute, None)
    return value if isinstance(value, str) else ""


_ORDER = msgspec.json.Decoder(Order)
_INVENTORY = msgspec.json.Decoder(Inventory)
_NOT_LIVE = (DocStatus.RETURNED, DocStatus.DELETED)


def list_squatted(newcomer: str, stored: StoredDocument, order: StoredDocument | None) -> bool:
    """Whether a list filed under key ``ebpCode|orderNo`` may take the key from the party that
    claimed it first: the list on file (``stored``) is no longer live (returned — matching
    returns a list naming another enterprise than the order — or withdrawn), and the
    platform's order on file names the newcomer's enterprise (``newcomer``), not the
    stored list's. So a declarant that squatted an order number with its own enterprise's
    list never locks out the enterprise the platform sold for."""
    if order is None or stored.status not in _NOT_LIVE:
        return False
    ordered = _ORDER.decode(order.body).head.ebc_code.upper()
    squatter = _INVENTORY.decode(stored.body).head.ebc_code.upper()
    return newcomer.upper() == ordered != squatter


_PAYMENT = msgspec.json.Decoder(Payment)


def payment_squatted(newcomer: str, stored: StoredDocument, order: StoredDocument | None) -> bool:
    """The same for a payment (its key is its order's too, its principal the payment firm):
    the platform's order on file names the newcomer as its payment firm (``payCode``) and
    the payment on file names another. The genuine payment firm then changes it (appType 2;
    a new declaration while the squatter's is live is answered as a duplicate) and takes the
    key; matching would return every list against the squatter's payment meanwhile."""
    if order is None:
        return False
    ordered = _ORDER.decode(order.body).head.pay_code
    squatter = _PAYMENT.decode(stored.body).head.pay_code.upper()
    return ordered is not None and newcomer.upper() == ordered.upper() != squatter


def filer_of(party: Party) -> Filer:
    return Filer(party.id, frozenset(i.value.upper() for i in party.identifiers))
