"""Filing over HTTP: the checks the edge owes the core, then clearance, evidence and routing.

For each message, in this order (the first failure answers):

1. read it (hardened XML, optionally XSD-checked, or JSON): 422 ``CEB900.*``;
2. the party's roles allow filing its type (``parties.roles``): 403 ``auth.forbidden``;
3. its ``BaseTransfer/copCode`` is one of the party's identifiers: 403 ``auth.sender_mismatch``;
   and each list it files for an e-commerce enterprise (``ebcCode`` not the party's own) it
   files as that enterprise's agent under a live commission (see **commission rule**): 403
   ``auth.agent_mismatch``, ``auth.ebc_unregistered`` or ``auth.not_commissioned``;
4. its signature holds (see **signature rule**): ``signature.*``;
5. its guid is not another party's and none of its documents was filed by another party
   (409 ``CEB.guid.reused`` / 403 ``auth.not_owner``); the party is recorded as their owner;
6. clearance: one unit of work for the whole request, in which the engine also appends every
   accepted message (with the party as actor and the verified signature) and every receipt to
   the evidence log, and routes every concluded list to the agencies that must decide on it.

**Signature rule.** A signature is required on every submission of a party that has any
registered key, and always on CEB621 inventory lists (the 202205 XSD requires ds:Signature):
XML carries ``ds:Signature`` checked against the party's registered certificates, JSON the
Ed25519 headers of ``evidence.signatures`` over the exact request body (a bulk is signed once,
as a whole).

**Commission rule** (``parties.commissions.filing_violation``). A CEB621 list whose ebcCode
is not the filing party's is filed as the enterprise's agent: its agentCode must be the
party's own, the enterprise must be a registered party (an unregistered one has commissioned
no one), and a commission from it to the party covering CEB621 must be live (registered, not
revoked, within its validity) at the message's receipt time. Every list of the message is
checked; the violations name each refused ebcCode or agentCode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import msgspec

from tradewindow.cbec.clearance import Answer, Submission
from tradewindow.cbec.documents import InventoryMessage, Message, message_type
from tradewindow.cbec.keys import identity, kind_of
from tradewindow.evidence.signatures import SubmissionFormat, Verified, verify_submission
from tradewindow.formats.ceb_xml import FormatError
from tradewindow.intake import Incoming, Refusal
from tradewindow.parties.commission_registry import Declared
from tradewindow.parties.commissions import Scope
from tradewindow.parties.errors import PartyError
from tradewindow.parties.model import Party
from tradewindow.parties.principal import Principal
from tradewindow.parties.roles import FILING_ACTIONS, require
from tradewindow.violations import Violation
from tradewindow.web.auth import signing_keys
from tradewindow.web.filings import Claim
from tradewindow.web.problems import ApiError, as_api_error
from tradewindow.web.window import Window

SIGNED_ALWAYS = frozenset({"CEB621"})


class Filed(msgspec.Struct, frozen=True, kw_only=True):
    """One message's outcome: its answer, or the error that refused it."""

    answer: Answer | None = None
    error: ApiError | None = None


def file_messages(
    window: Window,
    principal: Principal,
    body: bytes,
    parts: Sequence[bytes],
    fmt: SubmissionFormat,
    headers: Mapping[str, str],
    request_id: str | None,
) -> list[Filed]:
    """File ``parts`` (the messages of ``body``: one, or a bulk's items) for ``principal``."""
    now = window.clock()
    party = window.registry.party(principal.party_id)
    own_codes = {identifier.value.upper() for identifier in party.identifiers}
    outcomes = [
        _commissioned(window, party, _permitted(principal, own_codes, _decode(window, p, fmt, now)))
        for p in parts
    ]
    keys = signing_keys(window, principal.party_id)
    admitted = [o for o in outcomes if isinstance(o, Submission)]
    verified: Verified | None = None
    if admitted and (keys or any(message_type(s.message) in SIGNED_ALWAYS for s in admitted)):
        # one signature covers the whole body: when it fails, the request fails
        verified = verify_submission(
            body, fmt, headers, keys, now=now, seen=window.seen, request_id=request_id
        )
    outcomes = [_claimed(window, principal, o, fmt.value) for o in outcomes]
    signature = verified.signature if verified else None
    submissions = [
        msgspec.structs.replace(o, actor=principal.party_id, signature=signature)
        for o in outcomes
        if isinstance(o, Submission)
    ]
    answers = iter(_cleared(window, submissions) if submissions else [])
    return [o if isinstance(o, Filed) else _filed(next(answers)) for o in outcomes]


def file_vouched(window: Window, principal: Principal, message: bytes, channel: str) -> Filed:
    """File one JSON message for a signed-in person of ``principal``'s party: the API's steps
    but the signature, which the authenticated session (password + CSRF token) stands in for
    (a browser holds no signing key). ``channel`` (e.g. ``"portal"``) is recorded as how the
    documents were filed; the evidence log records the message with the party as actor and
    no signature."""
    now = window.clock()
    party = window.registry.party(principal.party_id)
    own_codes = {identifier.value.upper() for identifier in party.identifiers}
    item = _decode(window, message, SubmissionFormat.JSON, now)
    item = _commissioned(window, party, _permitted(principal, own_codes, item))
    item = _claimed(window, principal, item, channel)
    if isinstance(item, Filed):
        return item
    submission = msgspec.structs.replace(item, actor=principal.party_id, signature=None)
    return _filed(_cleared(window, [submission])[0])


def _cleared(window: Window, submissions: list[Submission]) -> list[Answer]:
    """Clearance of ``submissions``. Two processes clearing the same guid (or declaring the
    same document) at once: ``Clearance.submit`` itself runs the loser's batch again, which
    then sees the winner's commit and answers as a replay would."""
    return window.app.clearance.submit(submissions)


def _decode(
    window: Window, data: bytes, fmt: SubmissionFormat, now: datetime
) -> Filed | Submission:
    decoded = window.decoder.decode(
        Incoming("api", data, "xml" if fmt is SubmissionFormat.XML else "json"), now
    )
    if isinstance(decoded, Refusal):
        return Filed(error=_format_error(decoded.error))
    return decoded


def _format_error(error: FormatError) -> ApiError:
    first = error.violations[0]
    return ApiError(422, error.code, first.en, first.zh, violations=error.violations)


def _permitted(
    principal: Principal, own_codes: set[str], item: Filed | Submission
) -> Filed | Submission:
    """The message when the party may file its type under its sender code; else why not."""
    if isinstance(item, Filed):
        return item
    message = item.message
    try:
        require(principal, FILING_ACTIONS[message_type(message)])
    except PartyError as error:
        return Filed(error=as_api_error(error))
    sender = message.base_transfer.cop_code
    if sender.upper() in own_codes:
        return item
    return Filed(
        error=ApiError(
            403,
            "auth.sender_mismatch",
            f"BaseTransfer/copCode {sender} is not an identifier of party {principal.party_id}",
            f"BaseTransfer/copCode {sender} 不是主体 {principal.party_id} 的登记编码",
            violations=[
                Violation(
                    path="BaseTransfer/copCode",
                    code="auth.sender_mismatch",
                    en="the sender code must be an identifier of the authenticated party",
                    zh="传输企业代码须为已认证主体的登记编码",
                )
            ],
        )
    )


def _commissioned(window: Window, party: Party, item: Filed | Submission) -> Filed | Submission:
    """The message when each list in it is the party's own or filed under a live commission
    of its e-commerce enterprise (see **commission rule**); else every reason why not."""
    if isinstance(item, Filed):
        return item
    found = commission_violations(window, party, item.message, item.received_at)
    if not found:
        return item
    first = found[0]
    return Filed(error=ApiError(403, first.code, first.en, first.zh, violations=found))


def commission_violations(
    window: Window, party: Party, message: Message, at: datetime
) -> list[Violation]:
    """Every list of ``message`` that ``party`` may not file at ``at`` by the **commission
    rule** (none for other message types); also what the portal's live check shows."""
    if not isinstance(message, InventoryMessage):
        return []
    declared = [
        Declared(
            path=f"Inventory[{index}]/InventoryHead",
            ebc_code=inventory.head.ebc_code,
            agent_code=inventory.head.agent_code,
        )
        for index, inventory in enumerate(message.inventories, start=1)
    ]
    return window.commissions.filing_violations(party, declared, Scope.INVENTORY, at)


def _claimed(
    window: Window, principal: Principal, item: Filed | Submission, fmt: str
) -> Filed | Submission:
    """The message once its guid and documents are recorded as the party's; else why not."""
    if isinstance(item, Filed):
        return item
    message = item.message
    kind = message_type(message)
    sub = item
    refused = window.filings.claim(
        Claim(
            guid=message.guid,
            party_id=principal.party_id,
            credential_id=principal.credential_id,
            message_type=kind,
            format=fmt,
            digest=sub.digest,
            received_at=sub.received_at,
            documents=_documents(message),
        )
    )
    if refused is None:
        return item
    if refused.guid_taken:
        return Filed(
            error=ApiError(
                409,
                "CEB.guid.reused",
                "this message guid was already used for a message with different content",
                "报文编号已被内容不同的报文使用",
            )
        )
    return Filed(
        error=ApiError(
            403,
            "auth.not_owner",
            "a document of this message was filed by another party",
            "本报文中的单证已由其他主体申报",
            violations=[
                Violation(
                    path=f"{kind}/{key}",
                    code="auth.not_owner",
                    en="filed by another party",
                    zh="已由其他主体申报",
                )
                for kind, key in refused.foreign
            ],
        )
    )


def _documents(message: Message) -> list[tuple[str, str]]:
    return list(dict.fromkeys((kind_of(d).value, identity(d)) for d in message.documents))


def _filed(answer: Answer) -> Filed:
    if answer.refused:
        first = answer.refused[0]
        return Filed(error=ApiError(409, first.code, first.en, first.zh, violations=answer.refused))
    return Filed(answer=answer)
