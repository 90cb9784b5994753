"""The egress policy of every outbound call (callbacks now), and the secrets callbacks are
signed with.

A destination must be ``http`` or ``https`` with a host whose every address is **globally
routable unicast** (``ipaddress.is_global``, RFC 6890), judged on the IPv4 address inside the
IPv6 forms that carry one: IPv4-mapped ``::ffff:a.b.c.d``, 6to4 ``2002::/16``, Teredo
``2001::/32`` (server and client), NAT64 ``64:ff9b::/96`` and ``64:ff9b:1::/48``; the
deprecated IPv4-compatible ``::a.b.c.d`` is refused outright. Carrier-grade NAT
(100.64.0.0/10, where cloud metadata services such as 100.100.100.200 live), link-local
(169.254.169.254), private, loopback, multicast, reserved and documentation ranges are
therefore refused. Private deployments name the networks they may call in an explicit
allow-list (``TRADEWINDOW_EGRESS_ALLOW``); loopback opens only by its own setting (tests).

The check runs when a subscription is created or replaced, and again at **every connection**:
:meth:`EgressGuard.admit` resolves the name once and answers a :class:`Destination` pinned to
the address it checked; the caller connects to that address (the name still goes in ``Host``
and as the TLS server name, so certificates are verified against it) and no second resolution
can re-point the call (DNS rebinding). Redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit, urlunsplit

import msgspec
from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tradewindow.violations import Violation

Resolver = Callable[[str], list[str]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_SHARED = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 carrier-grade NAT
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_COMPATIBLE = ipaddress.ip_network("::/96")  # RFC 4291 §2.5.5.1, deprecated


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (an address resolves to itself)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


class Destination(msgspec.Struct, frozen=True, kw_only=True):
    """Where a call may go: ``url`` as given, and the checked ``address`` to connect to."""

    url: str
    host: str
    address: str

    @property
    def pinned_url(self) -> str:
        """``url`` with the checked address in place of the name (no resolution left)."""
        parts = urlsplit(self.url)
        literal = f"[{self.address}]" if ":" in self.address else self.address
        netloc = literal if parts.port is None else f"{literal}:{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))

    @property
    def host_header(self) -> str:
        parts = urlsplit(self.url)
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if parts.port is None else f"{host}:{parts.port}"


class EgressRefused(Exception):
    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(v.en for v in violations))
        self.violations = violations


class EgressGuard:
    def __init__(
        self,
        *,
        allow_loopback: bool = False,
        allow: Sequence[Network] = (),
        resolver: Resolver = resolve,
    ) -> None:
        self.allow_loopback = allow_loopback
        self.allow = tuple(allow)
        self.resolver = resolver

    def check(self, url: str, path: str = "callbackUrl") -> list[Violation]:
        """No violation when ``url`` may be called; otherwise why not."""
        try:
            self.admit(url, path)
        except EgressRefused as refused:
            return refused.violations
        return []

    def admit(self, url: str, path: str = "callbackUrl") -> Destination:
        """Resolve ``url``'s host once and check every address; the destination is pinned to
        the first. Raises :class:`EgressRefused` with the reason."""
        parts = urlsplit(url)
        try:
            parts.port  # noqa: B018  (a malformed port raises here)
        except ValueError:
            parts = parts._replace(netloc="")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EgressRefused(
                [
                    _refused(
                        path,
                        "scheme",
                        "must be an http or https URL with a host",
                        "须为含主机名的 http 或 https 地址",
                    )
                ]
            )
        if parts.username or parts.password:
            refusal = _refused(
                path, "credentials", "must not carry credentials", "不得包含用户名或密码"
            )
            raise EgressRefused([refusal])
        host = parts.hostname
        try:
            addresses = self.resolver(host)
        except (OSError, UnicodeError):
            addresses = []
        if not addresses:
            raise EgressRefused(
                [
                    _refused(
                        path,
                        "unresolvable",
                        f"{host} does not resolve",
                        f"无法解析主机 {host}",
                    )
                ]
            )
        for address in addresses:
            if reason := self.forbidden(ipaddress.ip_address(address.split("%")[0])):
                raise EgressRefused(
                    [
                        _refused(
                            path,
                            "forbiddenAddress",
                            f"{host} resolves to {address}, a {reason} address",
                            f"{host} 解析为{reason}地址 {address}，不允许回调",
                        )
                    ]
                )
        return Destination(url=url, host=host, address=addresses[0].split("%")[0])

    def forbidden(self, address: Address) -> str | None:
        """Why ``address`` may not be called, or None when it may."""
        if any(address in network for network in self.allow if network.version == address.version):
            return None
        if isinstance(address, ipaddress.IPv6Address):
            if (embedded := _embedded_ipv4(address)) is not None:
                form, inner = embedded
                if reason := self.forbidden(inner):
                    return f"{reason} ({form} of {inner})"
                return None
            if address in _COMPATIBLE and not address.is_unspecified and not address.is_loopback:
                return "deprecated IPv4-compatible"
        if address.is_loopback:
            return None if self.allow_loopback else "loopback"
        for reason, flagged in (
            ("unspecified", address.is_unspecified),
            ("link-local", address.is_link_local),
            ("carrier-grade NAT", address in _SHARED),
            ("private", address.is_private),
            ("multicast", address.is_multicast),
            ("reserved", address.is_reserved),
            ("non-global", not address.is_global),
        ):
            if flagged:
                return reason
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    if address.ipv4_mapped is not None:
        return "IPv4-mapped", address.ipv4_mapped
    if address.sixtofour is not None:
        return "6to4", address.sixtofour
    if address.teredo is not None:
        server, client = address.teredo
        # traffic ends at the client, through the server: either one non-global is refused
        return "Teredo", server if client.is_global else client
    if any(address in network for network in _NAT64):
        return "NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
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
