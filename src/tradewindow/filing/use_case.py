"""``FileMessages``: the one use case that files CEB messages for a sender, whatever the
channel (the API, the portal's form and upload, ``tradewindow clear``).

For each message, in this order (the first failure answers, with a stable code):

1. it was read (the channel decodes: hardened XML, optionally XSD-checked, or JSON):
   ``CEB900.*``;
2. the sender's roles allow filing its type (``parties.roles``): ``auth.forbidden``;
3. its ``BaseTransfer/copCode`` is one of the sender's codes: ``auth.sender_mismatch``;
4. every code naming a firm is the sender's own or a principal's that commissioned it for
   this message type (``filing.rights``): ``auth.agent_mismatch``, ``auth.ebc_unregistered``,
   ``auth.not_commissioned`` — so a stranger is refused here, before anything could tell it
   whether a document under another firm's code exists;
5. the signature, where the channel requires one (``signature.*``, raised: one signature
   covers a whole request);
6. clearance, in one unit of work in which the guid and documents are checked against their
   owners (``CEB.guid.reused``: the guid is another party's; ``auth.not_owner``: a document
   is another party's — only a party with the right to the document's codes gets this far)
   and, once cleared, the guid and the documents it stored are claimed for the sender:
   nothing is claimed for a refused message or a refused document. A refused message is
   recorded in the evidence log (``message_refused``: sender, code, digest), nothing else.
   An API request's own records (replay guard, Idempotency-Key) join it: ``filing.requests``.

The **operator** (``tradewindow clear`` without ``--as``: an on-premises platform clearing
for many firms) files with no party's rights checked; its documents are claimed by
``operator:<name>``, so no party can read them, and the evidence log records that actor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime

import msgspec

from tradewindow.cbec.clearance import Answer, Submission
from tradewindow.cbec.documents import (
    CancelMessage,
    InventoryMessage,
    Message,
    PaymentMessage,
    RefundMessage,
    WaybillStatusMessage,
    message_type,
)
from tradewindow.cbec.keys import identity, kind_of, list_key, waybill_orders
from tradewindow.cbec.ports import Admission, DocKind, DocRef, UnitOfWork
from tradewindow.filing.ports import (
    FILING_CLAIMS,
    Claim,
    Clearing,
    Commissions,
    Parties,
    RefusalEvidence,
    Refused,
)
from tradewindow.filing.refusals import FilingRefused
from tradewindow.filing.requests import Request, keep_answer, request_stopped
from tradewindow.filing.rights import (
    Authority,
    Filer,
    code_violations,
    filer_of,
    foreign_codes,
    list_squatted,
    payment_squatted,
    sender_violation,
)
from tradewindow.parties.errors import PartyError
from tradewindow.parties.model import Party
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import FILING_ACTIONS, require
from tradewindow.violations import Violation

# the XSDs (both versions) require ds:Signature on these
SIGNED_ALWAYS = frozenset({"CEB621", "CEB623", "CEB625", "CEB711"})
OPERATOR_PREFIX = "operator:"


class Sender(msgspec.Struct, frozen=True, kw_only=True):
    """Who files: a registered party (``operator`` False) or the on-premises operator (then
    ``party_id`` is ``operator:<name>`` and no party's rights apply); the credential that
    proved it; the channel recorded with each message (``xml``, ``json``, ``portal-form``,
    ``cli-xml`` …)."""

    party_id: str
    credential_id: str
    channel: str
    operator: bool = False

    @classmethod
    def of_operator(cls, name: str, channel: str) -> Sender:
        return cls(
            party_id=f"{OPERATOR_PREFIX}{name}",
            credential_id="cli",
            channel=channel,
            operator=True,
        )


class Filed(msgspec.Struct, frozen=True, kw_only=True):
    """One message's outcome: its answer, or the refusal that stopped it."""

    answer: Answer | None = None
    refusal: FilingRefused | None = None


# the channel's signature check, given whether the message types require one; returns the
# verified signature value (None: nothing to verify) or raises the signature's error
SignatureCheck = Callable[[bool], str | None]


class FileMessages:
    """See the module docstring. ``evidence`` records every decoded message it refuses (the
    sender, the code, the digest of the bytes): nothing else of it is stored."""

    def __init__(
        self,
        *,
        parties: Parties,
        commissions: Commissions,
        clearance: Clearing,
        evidence: RefusalEvidence | None = None,
        one_writer: bool = False,
    ) -> None:
        self._parties = parties
        self._commissions = commissions
        self._clearance = clearance
        self._evidence = evidence
        self._one_writer = one_writer

    @property
    def records_requests(self) -> bool:
        """Whether a request's records commit with its clearance (``filing.requests``)."""
        return self._one_writer

    def file(
        self,
        sender: Sender,
        items: Sequence[Submission | FilingRefused],
        *,
        signature: SignatureCheck | None = None,
        channel: str | None = None,
        request: Request | None = None,
        party: Party | None = None,
    ) -> list[Filed]:
        """File ``items`` (decoded messages, or the channel's refusal of one it could not read)
        for ``sender``; one outcome per item, in order. ``channel``: as recorded (``xml``, …),
        else the sender's; ``request``: above; ``party``: the sender's, if the channel read it."""
        checked = list(items) if sender.operator else self._checked(sender, items, party)
        admitted = [s for s in checked if isinstance(s, Submission)]
        verified = None
        if admitted and signature is not None:
            verified = signature(any(message_type(s.message) in SIGNED_ALWAYS for s in admitted))
        submissions = [
            msgspec.structs.replace(s, actor=sender.party_id, signature=verified) for s in admitted
        ]
        joined = request if self._one_writer else None
        if joined is not None and verified is not None:
            joined.signature_digest = hashlib.sha256(verified.encode("ascii")).hexdigest()
        claims = _Claims(sender, channel or sender.channel, submissions, joined, checked)
        answers = iter(self._clearance.submit(submissions, admission=claims) if submissions else [])
        filed = [
            _filed(next(answers)) if isinstance(c, Submission) else Filed(refusal=c)
            for c in checked
        ]
        self._record_refusals(sender, items, filed)
        return filed

    def _record_refusals(
        self, sender: Sender, items: Sequence[Submission | FilingRefused], filed: Sequence[Filed]
    ) -> None:
        """The evidence of each decoded message refused (one the channel could not read has
        its CEB900 answer only: it names no guid one could trust)."""
        if self._evidence is None:
            return
        refused = [
            Refused(
                guid=item.message.guid,
                digest=item.digest,
                actor=sender.party_id,
                code=outcome.refusal.code,
                at=item.received_at,
            )
            for item, outcome in zip(items, filed, strict=True)
            if isinstance(item, Submission) and outcome.refusal is not None
        ]
        if refused:
            self._evidence.record(refused)

    def violations(self, party_id: str, message: Message, at: datetime) -> list[Violation]:
        """Every code of ``message`` that ``party_id`` may not write at ``at`` (step 4 alone;
        the portal's live check of a form). Nothing is stored."""
        filer = filer_of(party := self._parties.party(party_id))
        return code_violations(message, filer, self._authorities(party, [message], filer), at)

    def _authorities(
        self, party: Party, messages: Sequence[Message], filer: Filer
    ) -> dict[str, Authority]:
        wanted = {code for message in messages for code in foreign_codes(message, filer)}
        return {
            code: Authority(holder, tuple(given))
            for code, (holder, given) in self._commissions.principals(party, wanted).items()
        }

    def _checked(
        self, sender: Sender, items: Sequence[Submission | FilingRefused], party: Party | None
    ) -> list[Submission | FilingRefused]:
        party = party if party is not None else self._parties.party(sender.party_id)
        principal = Principal(
            party_id=party.id,
            kind=party.kind,
            roles=party.roles,
            agency=party.agency,
            credential_id=sender.credential_id,
        )
        filer = filer_of(party)
        messages = [item.message for item in items if isinstance(item, Submission)]
        authorities = self._authorities(party, messages, filer)
        return [
            item
            if isinstance(item, FilingRefused)
            else _judged(item, principal, filer, authorities)
            for item in items
        ]


def _judged(
    item: Submission, principal: Principal, filer: Filer, authorities: dict[str, Authority]
) -> Submission | FilingRefused:
    message = item.message
    try:
        require(principal, FILING_ACTIONS[message_type(message)])
    except PartyError as error:
        return FilingRefused(error.code, error.en, error.zh, error.violations)
    wrong_sender = sender_violation(message, filer)
    if wrong_sender is not None:
        return FilingRefused.of(wrong_sender)
    found = code_violations(message, filer, authorities, item.received_at)
    if found:
        return FilingRefused.of(*found)
    return item


class _Claims:
    """The clearance unit of work's admission (``cbec.ports.Admission``) for one sender, and
    its ``request``'s records (``filing.requests``)."""

    def __init__(
        self,
        sender: Sender,
        channel: str,
        submissions: Sequence[Submission],
        request: Request | None = None,
        checked: Sequence[Submission | FilingRefused] = (),
    ) -> None:
        self._sender = sender
        self._channel = channel
        self._by_guid = {s.message.guid: s for s in submissions}
        self._taking: set[DocRef] = set()  # lists squatted by another party, taken back
        self._request = request
        self._checked = checked
        self._answers: dict[str, list[Answer]] = {}  # by guid, as units of work answer them

    def portable(self) -> bytes:
        """Who files and how, for a partition's writer in another process to judge the
        parts of these messages alike (``claims_from``; ``cbec.partitioned``)."""
        return msgspec.json.encode(_Claimant(sender=self._sender, channel=self._channel))

    def refused(self, uow: UnitOfWork, messages: Sequence[Message]) -> dict[str, list[Violation]]:
        if self._request is not None:
            stopped = request_stopped(uow, self._request, self._sender.party_id)
            if stopped is not None:
                return {message.guid: [stopped] for message in messages}
        records = uow.part(FILING_CLAIMS)
        me = self._sender.party_id
        senders = records.senders([m.guid for m in messages])
        owners = records.owners({d for m in messages for d in _documents(m)})
        found: dict[str, list[Violation]] = {}
        for message in messages:
            if senders.get(message.guid, me) != me:
                found[message.guid] = [_guid_taken()]
                continue
            foreign = [d for d in _documents(message) if owners.get(d, me) != me]
            if foreign and _squatted(uow, message, foreign):
                self._taking.update(foreign)
            elif foreign:
                found[message.guid] = [_not_owner(kind, key) for kind, key in foreign]
        return found

    def accepted(self, uow: UnitOfWork, accepted: Sequence[tuple[Message, list[DocRef]]]) -> None:
        sender = self._sender
        claims = []
        for message, stored in accepted:
            submission = self._by_guid[message.guid]
            claims.append(
                Claim(
                    guid=message.guid,
                    party_id=sender.party_id,
                    credential_id=sender.credential_id,
                    message_type=message_type(message),
                    format=self._channel,
                    digest=submission.digest,
                    received_at=submission.received_at,
                    documents=stored,
                    waybill_orders=waybill_orders(message.documents),
                )
            )
        records = uow.part(FILING_CLAIMS)
        records.record(claims)
        for claim in claims:
            taken = [d for d in claim.documents if d in self._taking]
            if taken:
                records.reassign(msgspec.structs.replace(claim, documents=taken))

    def answered(self, uow: UnitOfWork, answers: Sequence[Answer]) -> None:
        """Keep the request's answer once its last message is answered (``filing.requests``);
        a unit of work run again answers anew."""
        fresh: dict[str, list[Answer]] = {}
        for answer in answers:
            fresh.setdefault(answer.guid, []).append(answer)
        self._answers.update(fresh)
        if self._request is None or any(g not in self._answers for g in self._by_guid):
            return  # no request, or its other messages are answered by a later unit of work
        queues = {guid: iter(found) for guid, found in self._answers.items()}
        outcomes = [
            _filed(next(queues[c.message.guid])) if isinstance(c, Submission) else Filed(refusal=c)
            for c in self._checked
        ]
        keep_answer(uow, self._request, self._sender.party_id, outcomes)


class _Claimant(msgspec.Struct, frozen=True, kw_only=True):
    sender: Sender
    channel: str


def claims_from(portable: bytes, submissions: Sequence[Submission]) -> Admission:
    """The admission ``_Claims.portable`` describes, for ``submissions`` (parts of the
    messages it was made for)."""
    claimant = msgspec.json.decode(portable, type=_Claimant)
    return _Claims(claimant.sender, claimant.channel, submissions)


def _squatted(uow: UnitOfWork, message: Message, foreign: Sequence[DocRef]) -> bool:
    """Every foreign document of ``message`` is a list or payment the sender may take back
    from a squatter (``filing.rights.list_squatted``, ``payment_squatted``)."""
    if isinstance(message, InventoryMessage):
        kind, rule = DocKind.INVENTORY, list_squatted
        principal = {identity(i): i.head.ebc_code for i in message.inventories}
    elif isinstance(message, PaymentMessage):
        kind, rule = DocKind.PAYMENT, payment_squatted
        principal = {identity(p): p.head.pay_code for p in message.payments}
    else:
        return False
    keys = [key for _, key in foreign]
    stored = uow.documents(kind, keys)
    orders = uow.documents(DocKind.ORDER, keys)
    return all(
        each == kind.value and key in stored and rule(principal[key], stored[key], orders.get(key))
        for each, key in foreign
    )


def _documents(message: Message) -> list[DocRef]:
    """The documents whose owner must be the sender: the message's own and, for a
    cancellation, return or waybill status, the list or waybill it is about (only the party
    that filed a list cancels or returns it)."""
    found = [(kind_of(d).value, identity(d)) for d in message.documents]
    if isinstance(message, CancelMessage | RefundMessage):
        found += [(DocKind.INVENTORY.value, list_key(d)) for d in message.documents]
    elif isinstance(message, WaybillStatusMessage):
        found += [(DocKind.WAYBILL.value, identity(d)) for d in message.documents]
    return list(dict.fromkeys(found))


def _guid_taken() -> Violation:
    # the same words as a guid the sender itself used for other bytes: nothing about whose
    return Violation(
        path="@guid",
        code="CEB.guid.reused",
        en="this message guid was already used for a message with different content",
        zh="报文编号已被内容不同的报文使用",
    )


def _not_owner(kind: str, key: str) -> Violation:
    return Violation(
        path=f"{kind}/{key}",
        code="auth.not_owner",
        en="a document of this message was filed by another party",
        zh="本报文中的单证已由其他主体申报",
    )


def _filed(answer: Answer) -> Filed:
    if answer.refused:
        return Filed(refusal=FilingRefused.of(*answer.refused))
    return Filed(answer=answer)
