"""One typed settings object, read from the environment, failing fast on a bad value.

``Settings.from_env`` is the only reader of the ``TRADEWINDOW_*`` variables (but the test and
bench URLs and ``TRADEWINDOW_CEB_XSD_DIR``, which only say where to find things); ``bootstrap``
calls it and every part of the application takes its settings from the bootstrapped ``App``.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import msgspec
from cryptography.fernet import Fernet


class SettingsError(ValueError):
    """A setting has a value tradewindow cannot use; the message names the variable."""


class ApiLimits(msgspec.Struct, frozen=True, kw_only=True):
    """The HTTP API's limits (``TRADEWINDOW_API_*``)."""

    max_body_bytes: int = 10 * 1024 * 1024  # request bodies above this get 413 unread
    max_bulk: int = 500  # messages in one JSON bulk
    page_size: int = 100  # the most items one page returns
    rate: float = 50.0  # requests per second per party, sustained
    burst: int = 200  # requests a party may make at once


class PortalLimits(msgspec.Struct, frozen=True, kw_only=True):
    """The portals' sessions, lock-out and cookies (``TRADEWINDOW_PORTAL_*``)."""

    # session cookies lose ``Secure`` on plain-http requests *to a loopback host* (tests,
    # ``make demo``); never elsewhere
    allow_http: bool = False
    session_lifetime: timedelta = timedelta(hours=8)  # a session ends this long after sign-in
    idle_timeout: timedelta = timedelta(minutes=30)  # ... or after this long without a request
    # failed sign-ins, API credentials and OAuth clients are throttled, never locked: the
    # first ``lockout_failures`` of one (client address, account) are free, then each waits
    # twice as long as the one before, from 1 s up to ``lockout_duration``; one address gets
    # ten times the allowance over every account (tradewindow.parties.throttle)
    lockout_failures: int = 5
    lockout_duration: timedelta = timedelta(minutes=15)


class EvidenceSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The evidence log's checkpoints, anchors, time-stamping and trust
    (``TRADEWINDOW_EVIDENCE_*``)."""

    # every writer signs the head after this many records, or this long after it first left
    # records unsigned (a server's ticker signs a quiet tail on time too)
    checkpoint_records: int = 1000
    checkpoint_every: timedelta = timedelta(seconds=60)
    # where every checkpoint is kept outside the database (default data_dir/evidence-anchors.jsonl)
    anchor_file: Path | None = None
    # an RFC 3161 time-stamping authority stamping each checkpoint, and the PEM certificate
    # its tokens are checked against (both or neither); unset: checkpoints carry the
    # platform's own clock only
    tsa_url: str | None = None
    tsa_certificate: Path | None = None
    # the platform public keys a verifier trusts (a PEM file of one or more keys, or a folder
    # of *.pem): ``evidence verify --bundle`` / ``--published`` without ``--public-key``
    trusted_keys: Path | None = None


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str = "sqlite:///tradewindow.db"
    bus_url: str | None = None
    # how long an inventory list may wait for its order, payment and waybill before it is
    # returned with CEB621.match.timeout
    match_timeout: timedelta = timedelta(hours=24)
    max_message_bytes: int = 10 * 1024 * 1024
    max_xml_depth: int = 32
    data_dir: Path = Path("var")
    # the Ed25519 key that signs evidence checkpoints (created on first use when absent)
    platform_key_file: Path | None = None
    # the server-side key of the HMAC under which API secrets are stored; changing it
    # invalidates every key issued. Unset: the embedded default keeps one in data_dir.
    credential_pepper: str | None = None
    # DCSA callbacks: the Fernet keys subscription secrets are sealed with (the first seals,
    # every one opens, so keys rotate by putting a new one first; unset: the embedded default
    # keeps one in data_dir), loopback callback URLs (tests only) and the retry back-off
    callback_secret_keys: tuple[str, ...] = ()
    callback_allow_loopback: bool = False
    callback_retry_first: timedelta = timedelta(seconds=60)
    callback_retry_cap: timedelta = timedelta(hours=24)
    # networks outbound calls may reach although not globally routable (private deployments:
    # TRADEWINDOW_EGRESS_ALLOW, comma-separated CIDR); empty: the public internet only
    egress_allow: tuple[str, ...] = ()
    # the research-data channel: where encrypted chunks are kept (a directory, or
    # s3://ACCESS:SECRET@host/bucket/prefix; unset: data_dir/objects) and the Fernet master
    # keys its dataset keys are sealed with (the first seals; unset: one kept in data_dir)
    data_objects_url: str | None = None
    data_master_keys: tuple[str, ...] = ()
    # partitioned clearance (docs/adr/0009): N partitions by crc32(orderNo) mod N, cleared
    # side by side (by the workers of `tradewindow clearance-worker` when a bus URL is set,
    # else by N threads of this process); more than 1 needs PostgreSQL
    clearance_partitions: int = 1
    api: ApiLimits = msgspec.field(default_factory=ApiLimits)
    portal: PortalLimits = msgspec.field(default_factory=PortalLimits)
    evidence: EvidenceSettings = msgspec.field(default_factory=EvidenceSettings)

    def __repr__(self) -> str:
        return (
            f"Settings(database_url={mask(self.database_url)!r}, bus_url="
            f"{mask(self.bus_url) if self.bus_url else None!r}, match_timeout={self.match_timeout},"
            f" max_message_bytes={self.max_message_bytes}, data_dir={str(self.data_dir)!r},"
            f" credential_pepper={'***' if self.credential_pepper else None},"
            f" callback_secret_keys=<{len(self.callback_secret_keys)} masked>,"
            f" callback_allow_loopback={self.callback_allow_loopback},"
            f" callback_retry_first={self.callback_retry_first},"
            f" callback_retry_cap={self.callback_retry_cap},"
            f" egress_allow={self.egress_allow!r}, api={self.api!r},"
            f" portal={self.portal!r}, evidence={self.evidence!r})"
        )

    __str__ = __repr__

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if url := env.get("TRADEWINDOW_DATABASE_URL"):
            if not url.startswith(("sqlite:", "postgresql")):
                raise SettingsError(
                    f"TRADEWINDOW_DATABASE_URL must be a sqlite: or postgresql URL, got {mask(url)}"
                )
            values["database_url"] = url
        if url := env.get("TRADEWINDOW_BUS_URL"):
            values["bus_url"] = url
        if raw := env.get("TRADEWINDOW_MATCH_TIMEOUT"):
            values["match_timeout"] = _duration("TRADEWINDOW_MATCH_TIMEOUT", raw)
        if raw := env.get("TRADEWINDOW_MAX_MESSAGE_BYTES"):
            values["max_message_bytes"] = _positive_int("TRADEWINDOW_MAX_MESSAGE_BYTES", raw)
        if raw := env.get("TRADEWINDOW_DATA_DIR"):
            values["data_dir"] = Path(raw)
        if raw := env.get("TRADEWINDOW_CREDENTIAL_PEPPER"):
            if len(raw) < 16:
                raise SettingsError("TRADEWINDOW_CREDENTIAL_PEPPER must be at least 16 characters")
            values["credential_pepper"] = raw
        if raw := env.get("TRADEWINDOW_PLATFORM_KEY_FILE"):
            values["platform_key_file"] = Path(raw)
        if raw := env.get("TRADEWINDOW_CLEARANCE_PARTITIONS"):
            partitions = _positive_int("TRADEWINDOW_CLEARANCE_PARTITIONS", raw)
            if partitions > 1024:
                raise SettingsError("TRADEWINDOW_CLEARANCE_PARTITIONS is at most 1024")
            if partitions > 1 and not str(values.get("database_url", "")).startswith("postgres"):
                raise SettingsError("TRADEWINDOW_CLEARANCE_PARTITIONS above 1 needs PostgreSQL")
            values["clearance_partitions"] = partitions
        values.update(_callback_values(env))
        values.update(_data_channel_values(env))
        values["api"] = _api_limits(env)
        values["portal"] = _portal_limits(env)
        values["evidence"] = _evidence_settings(env)
        return cls(**values)  # type: ignore[arg-type]


def _data_channel_values(env: Mapping[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    if raw := env.get("TRADEWINDOW_DATA_OBJECTS_URL"):
        values["data_objects_url"] = raw
    if raw := env.get("TRADEWINDOW_DATA_MASTER_KEYS"):
        keys = tuple(key.strip() for key in raw.split(",") if key.strip())
        for key in keys:
            try:
                Fernet(key)
            except ValueError:
                raise SettingsError(
                    "TRADEWINDOW_DATA_MASTER_KEYS must hold Fernet keys "
                    "(32 url-safe base64-encoded bytes, comma-separated)"
                ) from None
        values["data_master_keys"] = keys
    return values


def _callback_values(env: Mapping[str, str]) -> dict[str, object]:

    values: dict[str, object] = {}
    if raw := env.get("TRADEWINDOW_CALLBACK_SECRET_KEYS"):
        keys = tuple(key.strip() for key in raw.split(",") if key.strip())
        for key in keys:
            try:
                Fernet(key)
            except ValueError:
                raise SettingsError(
                    "TRADEWINDOW_CALLBACK_SECRET_KEYS must hold Fernet keys "
                    "(32 url-safe base64-encoded bytes, comma-separated)"
                ) from None
        values["callback_secret_keys"] = keys
    if raw := env.get("TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK"):
        values["callback_allow_loopback"] = _flag("TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK", raw)
    if raw := env.get("TRADEWINDOW_EGRESS_ALLOW"):
        networks = tuple(n.strip() for n in raw.split(",") if n.strip())
        for network in networks:
            try:
                ipaddress.ip_network(network)
            except ValueError:
                raise SettingsError(
                    f"TRADEWINDOW_EGRESS_ALLOW must hold CIDR networks (got {network!r})"
                ) from None
        values["egress_allow"] = networks
    first = timedelta(seconds=60)
    if raw := env.get("TRADEWINDOW_CALLBACK_RETRY_FIRST"):
        first = values["callback_retry_first"] = _duration("TRADEWINDOW_CALLBACK_RETRY_FIRST", raw)
    if raw := env.get("TRADEWINDOW_CALLBACK_RETRY_CAP"):
        cap = values["callback_retry_cap"] = _duration("TRADEWINDOW_CALLBACK_RETRY_CAP", raw)
        if cap < first:
            raise SettingsError(
                "TRADEWINDOW_CALLBACK_RETRY_CAP must not be shorter than "
                "TRADEWINDOW_CALLBACK_RETRY_FIRST"
            )
    return values


def _evidence_settings(env: Mapping[str, str]) -> EvidenceSettings:
    values: dict[str, object] = {}
    if raw := env.get("TRADEWINDOW_EVIDENCE_CHECKPOINT_RECORDS"):
        values["checkpoint_records"] = _positive_int("TRADEWINDOW_EVIDENCE_CHECKPOINT_RECORDS", raw)
    if raw := env.get("TRADEWINDOW_EVIDENCE_CHECKPOINT_EVERY"):
        every = _duration("TRADEWINDOW_EVIDENCE_CHECKPOINT_EVERY", raw)
        if not every:
            raise SettingsError("TRADEWINDOW_EVIDENCE_CHECKPOINT_EVERY must be positive")
        values["checkpoint_every"] = every
    for name, field in (
        ("TRADEWINDOW_EVIDENCE_ANCHOR_FILE", "anchor_file"),
        ("TRADEWINDOW_EVIDENCE_TSA_CERT", "tsa_certificate"),
        ("TRADEWINDOW_EVIDENCE_TRUSTED_KEYS", "trusted_keys"),
    ):
        if raw := env.get(name):
            values[field] = Path(raw)
    if raw := env.get("TRADEWINDOW_EVIDENCE_TSA_URL"):
        if not raw.startswith(("http://", "https://")):
            raise SettingsError(f"TRADEWINDOW_EVIDENCE_TSA_URL must be an http(s) URL, got {raw!r}")
        values["tsa_url"] = raw
    if ("tsa_url" in values) != ("tsa_certificate" in values):
        raise SettingsError(
            "TRADEWINDOW_EVIDENCE_TSA_URL and TRADEWINDOW_EVIDENCE_TSA_CERT go together: "
            "a time-stamp is only worth what the TSA's certificate proves"
        )
    return EvidenceSettings(**values)  # type: ignore[arg-type]


def _api_limits(env: Mapping[str, str]) -> ApiLimits:
    values: dict[str, object] = {}
    for name, field in (
        ("TRADEWINDOW_API_MAX_BODY_BYTES", "max_body_bytes"),
        ("TRADEWINDOW_API_MAX_BULK", "max_bulk"),
        ("TRADEWINDOW_API_PAGE_SIZE", "page_size"),
        ("TRADEWINDOW_API_BURST", "burst"),
    ):
        if raw := env.get(name):
            values[field] = _positive_int(name, raw)
    if raw := env.get("TRADEWINDOW_API_RATE"):
        values["rate"] = _positive_number("TRADEWINDOW_API_RATE", raw)
    return ApiLimits(**values)  # type: ignore[arg-type]


def _portal_limits(env: Mapping[str, str]) -> PortalLimits:
    values: dict[str, object] = {}
    if raw := env.get("TRADEWINDOW_PORTAL_ALLOW_HTTP"):
        values["allow_http"] = _flag("TRADEWINDOW_PORTAL_ALLOW_HTTP", raw)
    for name, field in (
        ("TRADEWINDOW_PORTAL_SESSION_MINUTES", "session_lifetime"),
        ("TRADEWINDOW_PORTAL_IDLE_MINUTES", "idle_timeout"),
        ("TRADEWINDOW_PORTAL_LOCKOUT_MINUTES", "lockout_duration"),
    ):
        if raw := env.get(name):
            values[field] = _minutes(name, raw)
    if raw := env.get("TRADEWINDOW_PORTAL_LOCKOUT_FAILURES"):
        values["lockout_failures"] = _positive_int("TRADEWINDOW_PORTAL_LOCKOUT_FAILURES", raw)
    return PortalLimits(**values)  # type: ignore[arg-type]


def mask(url: str) -> str:
    """The URL with any password replaced by ``***``, for logs and errors."""
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _positive_number(name: str, raw: str) -> float:
    """A finite number above zero (``0.5``, ``50``)."""
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise SettingsError(f"{name} must be a positive number, got {raw!r}")
    return value


def _minutes(name: str, raw: str) -> timedelta:
    """A positive number of minutes (``0.5``, ``480``)."""
    try:
        return timedelta(minutes=_positive_number(name, raw))
    except OverflowError:
        raise SettingsError(f"{name} is too long, got {raw!r} minutes") from None


def _flag(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word not in ("1", "true", "yes", "0", "false", "no"):
        raise SettingsError(f"{name} must be 1 or 0, got {raw!r}")
    return word in ("1", "true", "yes")


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _duration(name: str, raw: str) -> timedelta:
    """``90s``, ``15m``, ``24h`` or ``2d``."""
    match = re.fullmatch(r"(\d+)([smhd])", raw.strip())
    if not match:
        raise SettingsError(f"{name} must look like 90s, 15m, 24h or 2d, got {raw!r}")
    try:
        return timedelta(seconds=int(match[1]) * _UNITS[match[2]])
    except OverflowError:
        raise SettingsError(f"{name} is too long, got {raw!r}") from None
