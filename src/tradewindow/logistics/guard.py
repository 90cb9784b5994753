"""Callback URLs against server-side request forgery, and the secrets callbacks are signed with.

A callback URL must be ``http`` or ``https`` with a host whose every address is public:
private (RFC 1918, ULA), loopback, link-local (incl. cloud metadata 169.254.169.254),
multicast, reserved and unspecified addresses are refused; loopback is allowed only when
the setting says so (tests). The check runs when a subscription is written and again before
every delivery, since a name can be re-pointed (DNS rebinding) after it was accepted.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tradewindow.violations import Violation

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (an address resolves to itself)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


class CallbackGuard:
    def __init__(self, *, allow_loopback: bool = False, resolver: Resolver = resolve) -> None:
        self.allow_loopback = allow_loopback
        self.resolver = resolver

    def check(self, url: str, path: str = "callbackUrl") -> list[Violation]:
        """No violation when ``url`` may be called back; otherwise why not."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return [
                _refused(
                    path,
                    "scheme",
                    "must be an http or https URL with a host",
                    "须为含主机名的 http 或 https 地址",
                )
            ]
        if parts.username or parts.password:
            return [
                _refused(path, "credentials", "must not carry credentials", "不得包含用户名或密码")
            ]
        try:
            addresses = self.resolver(parts.hostname)
        except (OSError, UnicodeError):
            addresses = []
        if not addresses:
            return [
                _refused(
                    path,
                    "unresolvable",
                    f"{parts.hostname} does not resolve",
                    f"无法解析主机 {parts.hostname}",
                )
            ]
        for address in addresses:
            if reason := self._forbidden(ipaddress.ip_address(address.split("%")[0])):
                return [
                    _refused(
                        path,
                        "forbiddenAddress",
                        f"{parts.hostname} resolves to {address}, a {reason} address",
                        f"{parts.hostname} 解析为{reason}地址 {address}，不允许回调",
                    )
                ]
        return []

    def _forbidden(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address.is_loopback:
            return None if self.allow_loopback else "loopback"
        for reason, flagged in (
            ("unspecified", address.is_unspecified),
            ("link-local", address.is_link_local),
            ("private", address.is_private),
            ("multicast", address.is_multicast),
            ("reserved", address.is_reserved),
        ):
            if flagged:
                return reason
        return None


def _refused(path: str, rule: str, en: str, zh: str) -> Violation:
    return Violation(
        path=path, code=f"TNT.callbackUrl.{rule}", en=f"callbackUrl {en}", zh=f"回调地址{zh}"
    )


class SecretBox:
    """Subscription secrets encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256). The
    platform must keep the secret itself, not a hash, because it signs every callback."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("SecretBox needs at least one key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    @classmethod
    def generate(cls) -> SecretBox:
        return cls([Fernet.generate_key()])

    def seal(self, secret: bytes) -> bytes:
        return self._fernet.encrypt(secret)

    def open(self, sealed: bytes) -> bytes:
        try:
            return self._fernet.decrypt(sealed)
        except InvalidToken:
            raise ValueError("the secret was sealed with a key that is no longer set") from None
