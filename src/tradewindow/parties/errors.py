"""Typed errors of the party registry, each with a stable code and English and Chinese text.

The HTTP layer maps them to problem+json in one place: ``code`` is the problem type,
``violations`` (when present) the field errors, all of them at once.
"""

from __future__ import annotations

from tradewindow.violations import Violation


class PartyError(Exception):
    """Base of every registry error: ``code`` (stable), ``en`` and ``zh`` messages."""

    code = "party.error"

    def __init__(self, en: str, zh: str, violations: list[Violation] | None = None) -> None:
        self.en = en
        self.zh = zh
        self.violations = violations or []
        super().__init__(f"[{self.code}] {en}")


class InvalidParty(PartyError):
    """A registration (or change) with field errors; ``violations`` lists every one."""

    code = "party.invalid"

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__(
            "; ".join(f"{v.path}: {v.en}" for v in violations),
            "；".join(f"{v.path}：{v.zh}" for v in violations),
            violations,
        )


class InvalidIdentifier(InvalidParty):
    code = "party.identifier.invalid"


class IdentifierTaken(PartyError):
    """The identifier already names another party (the owner is not disclosed)."""

    code = "party.identifier.taken"

    def __init__(self, identifier: str) -> None:
        self.identifier = identifier
        super().__init__(
            f"identifier {identifier} is already registered to another party",
            f"编码 {identifier} 已登记于其他主体",
        )


class PartyNotFound(PartyError):
    code = "party.not_found"

    def __init__(self, reference: str) -> None:
        super().__init__(f"no party {reference}", f"未找到主体 {reference}")


class PartyInactive(PartyError):
    code = "party.inactive"

    def __init__(self, party_id: str) -> None:
        super().__init__(f"party {party_id} is deactivated", f"主体 {party_id} 已停用")


class CredentialNotFound(PartyError):
    code = "credential.not_found"

    def __init__(self, credential_id: str) -> None:
        super().__init__(f"no credential {credential_id}", f"未找到凭证 {credential_id}")


class CredentialRevoked(PartyError):
    code = "credential.revoked"

    def __init__(self, credential_id: str) -> None:
        super().__init__(f"credential {credential_id} is revoked", f"凭证 {credential_id} 已吊销")


class CredentialExpired(PartyError):
    code = "credential.expired"

    def __init__(self, credential_id: str) -> None:
        super().__init__(f"credential {credential_id} has expired", f"凭证 {credential_id} 已过期")


class InvalidCredential(InvalidParty):
    """A key or client that may not be issued as asked (``credential.expiry.*``)."""

    code = "credential.invalid"


class InvalidKeyMaterial(PartyError):
    code = "certificate.invalid"


class CertificateNotFound(PartyError):
    code = "certificate.not_found"

    def __init__(self, key_id: str) -> None:
        super().__init__(f"no registered key {key_id}", f"未找到登记的密钥 {key_id}")


class InvalidCommission(InvalidParty):
    """A commission that cannot be granted; ``violations`` lists every reason."""

    code = "commission.invalid"


class CommissionNotFound(PartyError):
    """No such commission, or one the asking party is not a side of (never a hint which)."""

    code = "commission.not_found"

    def __init__(self, commission_id: str) -> None:
        super().__init__(f"no commission {commission_id}", f"未找到委托关系 {commission_id}")


class Forbidden(PartyError):
    """The principal's roles do not allow the action (HTTP 403)."""

    code = "auth.forbidden"

    def __init__(self, party_id: str, action: str) -> None:
        self.party_id = party_id
        self.action = action
        super().__init__(
            f"party {party_id} holds no role that may {action}",
            f"主体 {party_id} 无权执行 {action}",
        )


class InvalidClient(PartyError):
    """OAuth2 ``invalid_client``: unknown, revoked or expired client, or a wrong secret. One
    code for all so the answer is no oracle of which (HTTP 401)."""

    code = "credential.invalid_client"

    def __init__(self) -> None:
        super().__init__("client authentication failed", "客户端认证失败")
