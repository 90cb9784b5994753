"""Filing from the portal, through the filing use case as the API (``tradewindow.filing``).

* A **form** is read into a CEB JSON message (:mod:`.forms`), decoded by the API's reader,
  checked by the role table, sender rule and the rights to every role code (an agent's
  list needs its enterprise's live commission), claimed and cleared exactly as an API message.
  It is not signed: the signed-in session (password, CSRF token) attests the sender, and the
  evidence log records the message with the party as actor and the portal account as its
  credential (``portal:<username>``), without a signature.
* An **upload** is a CEB XML or JSON file handed to :func:`web.filing.file_messages` as the
  API's ``POST /v1/cbec/messages`` does, signature rule included (a CEB621 list must carry
  its ``ds:Signature``).
* :func:`check_form` is the live check: the same reader and :func:`check_message` with the
  same code tables, spec and clock as clearance, nothing stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import msgspec

from tradewindow.cbec.documents import SpecVersion
from tradewindow.cbec.rules import check_message
from tradewindow.evidence.signatures import SubmissionFormat
from tradewindow.intake import Incoming, Refusal
from tradewindow.parties.principal import Principal
from tradewindow.reference import ReferenceCodeTables
from tradewindow.violations import Violation
from tradewindow.web.filing import Filed, file_messages, file_vouched, rights_violations
from tradewindow.web.portal.forms import FormRead, FormSpec, read_form
from tradewindow.web.problems import ApiError
from tradewindow.web.window import Window

PORTAL_FORMAT = "portal-form"


class Checked(msgspec.Struct, frozen=True, kw_only=True):
    read: FormRead
    violations: list[Violation]  # the form's own, then the reader's or the rules'


@cache
def _codes() -> ReferenceCodeTables:
    return ReferenceCodeTables()


def check_form(
    window: Window, principal: Principal, spec: FormSpec, form: Mapping[str, str]
) -> Checked:
    """Every violation of the form's message, as the API would find them; nothing stored."""
    now = window.clock()
    party = window.registry.party(principal.party_id)
    read = read_form(spec, form, party, now)
    violations = list(read.violations)
    decoded = window.decoder.decode(Incoming("portal", read.message, "json"), now)
    if isinstance(decoded, Refusal):
        return Checked(read=read, violations=violations + decoded.error.violations)
    checked = check_message(decoded.message, codes=_codes(), spec=SpecVersion.V202205, now=now)
    refused_inputs = {v.path for v in read.violations}  # their stand-in zeros say nothing
    found = [
        *checked.message,
        *(v for i in sorted(checked.documents) for v in checked.documents[i]),
    ]
    found += rights_violations(window, principal, decoded.message, now)
    violations += [v for v in found if v.path not in refused_inputs]
    return Checked(read=read, violations=violations)


def file_form(window: Window, principal: Principal, message: bytes) -> Filed:
    """File one form's message for ``principal`` (see the module docstring)."""
    return file_vouched(window, principal, message, PORTAL_FORMAT)


def file_upload(
    window: Window, principal: Principal, body: bytes, filename: str, content_type: str
) -> Filed:
    """File one uploaded CEB message as ``POST /v1/cbec/messages`` would."""
    fmt = _format(filename, content_type)
    if fmt is None:
        return Filed(
            error=ApiError(
                415,
                "http.unsupported_media_type",
                "upload CEB XML (.xml) or CEB JSON (.json) files",
                "请上传 CEB XML（.xml）或 CEB JSON（.json）文件",
            )
        )
    if len(body) > window.limits.max_body_bytes:
        return Filed(
            error=ApiError(
                413,
                "limits.body_too_large",
                f"a file holds at most {window.limits.max_body_bytes} bytes",
                f"文件不得超过 {window.limits.max_body_bytes} 字节",
            )
        )
    filed, _ = file_messages(window, principal, body, [body], fmt, {}, None)
    return filed[0]


def _format(filename: str, content_type: str) -> SubmissionFormat | None:
    name = filename.lower()
    media = content_type.split(";")[0].strip().lower()
    if name.endswith(".xml") or media in ("application/xml", "text/xml"):
        return SubmissionFormat.XML
    if name.endswith(".json") or media == "application/json":
        return SubmissionFormat.JSON
    return None
