"""Filing rights of the export message types (``filing.rights``), pure: the principal code of
each type, refused at its path when it is another firm's that commissioned nobody."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import export_set as s
import msgspec
import pytest

from tradewindow.cbec.documents import Message
from tradewindow.filing.rights import (
    CODE_RULES,
    EXPORT_CODE_RULES,
    EXPORT_SCOPES,
    Authority,
    Filer,
    Need,
    code_violations,
    foreign_codes,
)
from tradewindow.parties.identifiers import Identifier, Scheme
from tradewindow.parties.model import Party
from tradewindow.parties.principal import PartyKind

AT = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
ME = "4403970001"
THEM = "4403970002"
# the principal element of each type and the path it is reported at
PRINCIPAL = {
    "CEB303": ("ebp_code", "Order[1]/OrderHead/ebpCode"),
    "CEB403": ("pay_code", "Receipts[1]/payCode"),
    "CEB505": ("logistics_code", "Logistics[1]/logisticsCode"),
    "CEB507": ("operator_code", "Arrival[1]/ArrivalHead/operatorCode"),
    "CEB509": ("logistics_code", "Departure[1]/DepartureHead/logisticsCode"),
    "CEB603": ("ebc_code", "Inventory[1]/InventoryHead/ebcCode"),
    "CEB605": ("ebc_code", "InvtCancel[1]/ebcCode"),
    "CEB607": ("agent_code", "WayBill[1]/WayBillHead/agentCode"),
    "CEB701": ("ebc_code", "SummaryApply[1]/SummaryApplyHead/ebcCode"),
    "CEB213": ("ebc_code", "InvtRefund[1]/InvtRefundHead/ebcCode"),
    "CEB215": ("operator_code", "InvtRefundDetail[1]/operatorCode"),
}
AGENT_TYPES = {"CEB603", "CEB605", "CEB701", "CEB213"}


def message(kind: str, principal: str) -> Message:
    built = s.message(kind)
    document = built.documents[0]
    attribute, _ = PRINCIPAL[kind]
    fields: dict[str, Any] = {attribute: principal}
    if kind in AGENT_TYPES:
        fields["agent_code"] = ME
    if document.head is document:
        changed: Any = msgspec.structs.replace(document, **fields)
    else:
        changed = msgspec.structs.replace(
            document, head=msgspec.structs.replace(document.head, **fields)
        )
    documents_field = next(
        f.name
        for f in msgspec.structs.fields(built)
        if f.name not in ("guid", "version", "base_transfer")
    )
    # filing.rights reads any CEB message by its heads' codes, import or export
    return cast(Message, msgspec.structs.replace(built, **{documents_field: [changed]}))


def party(code: str) -> Party:
    return Party(
        id="them", name_zh="them", name_en="them", kind=PartyKind.ENTERPRISE,
        roles=("ecommerce_enterprise",), identifiers=(Identifier(Scheme.CUSTOMS, code),),
        jurisdictions=("CN",), city=None, sector=None, registered_at=AT,
    )  # fmt: skip


def test_every_export_type_has_one_principal_and_is_apart_from_import() -> None:
    assert set(EXPORT_CODE_RULES) == set(PRINCIPAL) == set(EXPORT_SCOPES)
    assert not set(EXPORT_CODE_RULES) & set(CODE_RULES)
    for kind, rules in EXPORT_CODE_RULES.items():
        assert [r.need for r in rules].count(Need.PRINCIPAL) == 1, kind
        assert ([r.need for r in rules].count(Need.AGENT) == 1) == (kind in AGENT_TYPES), kind


@pytest.mark.parametrize("kind", sorted(PRINCIPAL))
def test_ones_own_code_needs_no_commission(kind: str) -> None:
    filer = Filer("me", frozenset({ME}))
    assert foreign_codes(message(kind, ME), filer) == set()
    assert code_violations(message(kind, ME), filer, {}, AT) == []


@pytest.mark.parametrize("kind", sorted(PRINCIPAL))
def test_anothers_code_without_a_commission_is_refused_at_its_path(kind: str) -> None:
    filer = Filer("me", frozenset({ME}))
    filed = message(kind, THEM)
    assert foreign_codes(filed, filer) == {THEM}
    (violation,) = code_violations(filed, filer, {THEM: Authority(party(THEM))}, AT)
    assert violation.path == PRINCIPAL[kind][1]
    assert violation.code == "auth.not_commissioned"
