"""Keys: the party's API keys (create, shown once; revoke) and signing certificates
(register). Each action is the registry's own call behind the ``keys.manage`` grant."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tradewindow.parties.credentials import CredentialKind
from tradewindow.parties.errors import PartyError
from tradewindow.parties.keys import KeyAlgorithm
from tradewindow.parties.roles import Action, require
from tradewindow.web.pages.shell import language_of
from tradewindow.web.portal.pages import coded_text, portal_page
from tradewindow.web.portal.session import SignedIn, check_csrf, require_enterprise
from tradewindow.web.problems import not_found
from tradewindow.web.window import Window

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
LABEL_LIMIT = 80


class KeysPages(Controller):
    path = "/portal/keys"
    include_in_schema = False

    @get("/", sync_to_thread=True)
    def keys(self, request: Request[Any, Any, Any]) -> Template:
        who = _manager(request)
        return _keys_page(request, who)

    @post("/", sync_to_thread=True, status_code=201)
    def create(self, request: Request[Any, Any, Any], data: Form) -> Template:
        """A new API key; its secret is on this page once and nowhere else."""
        who = _manager(request)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        label = (data.get("label") or "").strip()[:LABEL_LIMIT]
        issued = window.registry.issue_key(who.principal.party_id, label=label)
        return _keys_page(request, who, issued=issued.api_key, status=201)

    @post("/{credential_id:str}/revoke", sync_to_thread=True, status_code=303)
    def revoke(self, request: Request[Any, Any, Any], credential_id: str, data: Form) -> Redirect:
        who = _manager(request)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        own = {c.id for c in window.registry.credentials_of(who.principal.party_id)}
        if credential_id not in own:
            raise not_found("credential")
        window.registry.revoke_key(credential_id)
        return Redirect(path="/portal/keys", status_code=303)

    @post("/certificates", sync_to_thread=True, status_code=303)
    def register(self, request: Request[Any, Any, Any], data: Form) -> Template | Redirect:
        who = _manager(request)
        check_csrf(request, who, data)
        window: Window = request.app.state.window
        algorithm = data.get("algorithm", "")
        material = _material(algorithm, data.get("material", ""))
        try:
            window.registry.register_certificate(
                who.principal.party_id,
                algorithm,
                material,
                label=(data.get("label") or "").strip()[:LABEL_LIMIT],
            )
        except PartyError as error:
            text = coded_text(language_of(request), error.en, error.zh)
            return _keys_page(request, who, error=(error.code, text), status=422)
        return Redirect(path="/portal/keys", status_code=303)


def _manager(request: Request[Any, Any, Any]) -> SignedIn:
    who = require_enterprise(request)
    require(who.principal, Action.MANAGE_KEYS)
    return who


def _keys_page(
    request: Request[Any, Any, Any],
    who: SignedIn,
    *,
    issued: str | None = None,
    error: tuple[str, str] | None = None,
    status: int = 200,
) -> Template:
    window: Window = request.app.state.window
    party_id = who.principal.party_id
    credentials = [
        c for c in window.registry.credentials_of(party_id) if c.kind is CredentialKind.API_KEY
    ]
    context = {
        "credentials": sorted(credentials, key=lambda c: c.created_at, reverse=True),
        "certificates": window.registry.certificates_of(party_id),
        "algorithms": [a.value for a in KeyAlgorithm],
        "issued": issued,
        "error": error,
    }
    return portal_page(request, "portal/keys.html", context, who, status_code=status)


def _material(algorithm: str, text: str) -> bytes:
    """The key as the registry takes it: PEM as pasted; an Ed25519 key as its 32 raw bytes,
    from a PEM public key or base64 (anything else is passed on for the registry to refuse)."""
    text = text.strip()
    if algorithm != KeyAlgorithm.ED25519.value:
        return text.encode() + b"\n"
    if text.startswith("-----BEGIN PUBLIC KEY-----"):
        try:
            key = load_pem_public_key(text.encode())
        except ValueError:
            return text.encode()
        if isinstance(key, ed25519.Ed25519PublicKey):
            return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return text.encode()
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        return text.encode()
