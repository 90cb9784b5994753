"""The identity every request carries once its credential is checked."""

from __future__ import annotations

from enum import StrEnum

import msgspec


class PartyKind(StrEnum):
    ENTERPRISE = "enterprise"
    AGENCY = "agency"


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is acting: the party, its kind and roles, the agency it is (agencies only) and the
    credential that proved it (an API key id, an OAuth client id, or ``cli`` for the operator's
    local commands). Ask ``roles.may(principal, action)`` before acting."""

    party_id: str
    kind: PartyKind
    roles: tuple[str, ...]
    agency: str | None
    credential_id: str
