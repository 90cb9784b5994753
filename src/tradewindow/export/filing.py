"""``FileExport``: export messages filed by a registered party, with the same steps as
``filing.use_case.FileMessages`` takes for import:

1. the sender's roles allow filing the type (the import counterpart's action: an order is
   filed by who files orders, a list by who files lists) — ``auth.forbidden``;
2. ``BaseTransfer/copCode`` is one of the sender's codes — ``auth.sender_mismatch``;
3. every principal code is the sender's own or a commissioning firm's (``filing.rights``,
   the export table) — ``auth.not_commissioned``, ``auth.agent_mismatch`` …;
4. clearance (:class:`~tradewindow.export.clearance.ClearExport`), where a guid already used
   by another party is ``CEB.guid.reused`` and a document or list of another party is
   answered as not found.

A refused message is recorded in the evidence log (sender, code, digest), nothing else.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import cast

import msgspec

from tradewindow.cbec.documents import Message
from tradewindow.export.clearance import ClearExport, Unfit
from tradewindow.export.documents import ExportMessage, OrderMessage, message_type
from tradewindow.export.model import ExportAnswer
from tradewindow.filing.ports import Commissions, Parties, RefusalEvidence, Refused
from tradewindow.filing.refusals import FilingRefused
from tradewindow.filing.rights import (
    Authority,
    code_violations,
    filer_of,
    foreign_codes,
    sender_violation,
)
from tradewindow.parties.errors import PartyError
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import FILING_ACTIONS, require
from tradewindow.violations import Violation

# the import type whose filing action (and commission scope) an export type shares
COUNTERPART = {
    "CEB303": "CEB311",
    "CEB403": "CEB411",
    "CEB505": "CEB511",
    "CEB507": "CEB711",
    "CEB509": "CEB511",
    "CEB603": "CEB621",
    "CEB605": "CEB623",
    "CEB607": "CEB621",
    "CEB701": "CEB621",
    "CEB213": "CEB625",
    "CEB215": "CEB711",
}


class FileExport:
    def __init__(
        self,
        *,
        parties: Parties,
        commissions: Commissions,
        clear: ClearExport,
        evidence: RefusalEvidence | None = None,
    ) -> None:
        self._parties = parties
        self._commissions = commissions
        self._clear = clear
        self._evidence = evidence

    def file(
        self,
        party_id: str,
        credential_id: str,
        message: ExportMessage,
        data: bytes,
        at: datetime,
        *,
        operator: bool = False,
    ) -> ExportAnswer:
        """Clear ``message`` (read from ``data``) for ``party_id``, or raise
        :class:`FilingRefused` (rights) or :class:`Unfit` (facets) with every code. The
        on-premises ``operator`` (``operator:<name>``, ``tradewindow clear`` without
        ``--as``) is no party: no party's rights apply, its refusals are recorded alike."""
        try:
            if not operator:
                self._check(party_id, credential_id, message, at)
            return self._clear(message, party_id, at)
        except (FilingRefused, Unfit) as refused:
            if self._evidence is not None:
                self._evidence.record(
                    [
                        Refused(
                            guid=message.guid,
                            digest=hashlib.sha256(data).hexdigest(),
                            actor=party_id,
                            code=refused.code,
                            at=at,
                        )
                    ]
                )
            raise

    def violations(
        self, party_id: str, credential_id: str, message: ExportMessage, at: datetime
    ) -> list[Violation]:
        """Every refusal :meth:`file` would give before clearance (roles, sender, the right to
        each code), nothing recorded: the portal's live check."""
        try:
            self._check(party_id, credential_id, message, at)
        except FilingRefused as refused:
            return refused.violations
        return []

    def _check(
        self, party_id: str, credential_id: str, message: ExportMessage, at: datetime
    ) -> None:
        party = self._parties.party(party_id)
        principal = Principal(
            party_id=party.id,
            kind=party.kind,
            roles=party.roles,
            agency=party.agency,
            credential_id=credential_id,
        )
        try:
            require(principal, FILING_ACTIONS[COUNTERPART[message_type(message)]])
        except PartyError as error:
            raise FilingRefused(error.code, error.en, error.zh, error.violations) from None
        # filing.rights reads any CEB message by its documents' heads, import or export
        generic = cast(Message, _as_rights_see_it(message))
        filer = filer_of(party)
        wrong_sender = sender_violation(generic, filer)
        if wrong_sender is not None:
            raise FilingRefused.of(wrong_sender)
        wanted = foreign_codes(generic, filer)
        authorities = {
            code: Authority(holder, tuple(given))
            for code, (holder, given) in self._commissions.principals(party, wanted).items()
        }
        found = code_violations(generic, filer, authorities, at)
        if found:
            raise FilingRefused.of(*found)


def _as_rights_see_it(message: ExportMessage) -> ExportMessage:
    """A 9810 warehouse booking (CEB303, orderType W) names the overseas warehouse as its
    ebpCode (修订说明 202205 二), which is no firm's code: the enterprise books its own
    warehouse and answers for it, so its ebcCode is the principal the rights check. The
    list's rule then checks the warehouse is one it registered."""
    if not isinstance(message, OrderMessage):
        return message
    orders = [
        msgspec.structs.replace(o, head=msgspec.structs.replace(o.head, ebp_code=o.head.ebc_code))
        if o.head.order_type == "W"
        else o
        for o in message.orders
    ]
    return msgspec.structs.replace(message, orders=orders)
