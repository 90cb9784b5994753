"""Parties and identity: the registry of enterprises and agencies across mainland, Hong Kong
and Macao identifiers; their roles and what each may do; API keys, OAuth2 clients, bearer
tokens and registered signing keys.

Rules: ``identifiers``, ``roles``, ``model``, ``principal``, ``credentials``, ``keys``,
``commissions`` (who may file for whom, and the filing rule).
Use cases: ``service`` (``PartyRegistry``) and ``commission_registry``
(``CommissionRegistry``), over the Protocols of ``ports`` (implemented in ``store/parties``).
The commands are ``cli/parties.py``; the demo parties and commissions ``demo/registry.py``.
"""

from tradewindow.parties.credentials import Credential, CredentialKind, IssuedSecret, Token
from tradewindow.parties.errors import (
    CertificateNotFound,
    CredentialExpired,
    CredentialNotFound,
    CredentialRevoked,
    Forbidden,
    IdentifierTaken,
    InvalidClient,
    InvalidIdentifier,
    InvalidKeyMaterial,
    InvalidParty,
    PartyError,
    PartyInactive,
    PartyNotFound,
)
from tradewindow.parties.identifiers import Identifier, Scheme, parse_identifier
from tradewindow.parties.keys import KeyAlgorithm, RegisteredKey
from tradewindow.parties.model import Party, RegisterParty
from tradewindow.parties.principal import PartyKind, Principal
from tradewindow.parties.roles import PERMISSIONS, Action, Basis, Role, basis, may, require

__all__ = [
    "PERMISSIONS",
    "Action",
    "Basis",
    "CertificateNotFound",
    "Credential",
    "CredentialExpired",
    "CredentialKind",
    "CredentialNotFound",
    "CredentialRevoked",
    "Forbidden",
    "Identifier",
    "IdentifierTaken",
    "InvalidClient",
    "InvalidIdentifier",
    "InvalidKeyMaterial",
    "InvalidParty",
    "IssuedSecret",
    "KeyAlgorithm",
    "Party",
    "PartyError",
    "PartyInactive",
    "PartyKind",
    "PartyNotFound",
    "Principal",
    "RegisterParty",
    "RegisteredKey",
    "Role",
    "Scheme",
    "Token",
    "basis",
    "may",
    "parse_identifier",
    "require",
]
