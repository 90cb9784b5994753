"""Settings: typed, from the environment, failing fast on a bad value, secrets masked."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tradewindow.settings import Settings, SettingsError, mask


def test_defaults_are_the_embedded_single_process_setup() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///tradewindow.db"
    assert settings.bus_url is None
    assert settings.match_timeout == timedelta(hours=24)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("90s", timedelta(seconds=90)), ("15m", timedelta(minutes=15)), ("2d", timedelta(days=2))],
)
def test_match_timeout_takes_a_unit(raw: str, expected: timedelta) -> None:
    assert Settings.from_env({"TRADEWINDOW_MATCH_TIMEOUT": raw}).match_timeout == expected


@pytest.mark.parametrize(
    ("variable", "raw", "says"),
    [
        ("TRADEWINDOW_MATCH_TIMEOUT", "soon", "TRADEWINDOW_MATCH_TIMEOUT must look like"),
        ("TRADEWINDOW_MAX_MESSAGE_BYTES", "-5", "must be positive"),
        ("TRADEWINDOW_MAX_MESSAGE_BYTES", "ten", "must be a whole number"),
        ("TRADEWINDOW_DATABASE_URL", "mysql://x", "sqlite: or postgresql"),
        ("TRADEWINDOW_CREDENTIAL_PEPPER", "short", "at least 16 characters"),
    ],
)
def test_a_bad_value_fails_at_once_naming_the_variable(variable: str, raw: str, says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        Settings.from_env({variable: raw})


def test_secrets_never_show_in_the_representation() -> None:
    settings = Settings.from_env(
        {
            "TRADEWINDOW_DATABASE_URL": "postgresql://tw:hunter2-secret@db/tw",
            "TRADEWINDOW_CREDENTIAL_PEPPER": "pepper-0123456789abcdef",
            "TRADEWINDOW_DATA_DIR": "/srv/tw",
        }
    )
    text = repr(settings)
    assert "hunter2" not in text
    assert "pepper-0123456789abcdef" not in text
    assert "postgresql://tw:***@db/tw" in text
    assert settings.data_dir == Path("/srv/tw")


def test_mask_leaves_urls_without_password_alone() -> None:
    assert mask("postgresql://postgres@127.0.0.1:5432/test") == (
        "postgresql://postgres@127.0.0.1:5432/test"
    )


# --- the HTTP API's and the portals' limits (TRADEWINDOW_API_*, TRADEWINDOW_PORTAL_*) -------

LIMITS = [
    # variable, a good value, what it reads as, the default
    ("TRADEWINDOW_API_MAX_BODY_BYTES", "4096", ("api", "max_body_bytes", 4096), 10 * 1024 * 1024),
    ("TRADEWINDOW_API_MAX_BULK", "3", ("api", "max_bulk", 3), 500),
    ("TRADEWINDOW_API_PAGE_SIZE", "25", ("api", "page_size", 25), 100),
    ("TRADEWINDOW_API_RATE", "0.5", ("api", "rate", 0.5), 50.0),
    ("TRADEWINDOW_API_BURST", "40", ("api", "burst", 40), 200),
    ("TRADEWINDOW_PORTAL_ALLOW_HTTP", "1", ("portal", "allow_http", True), False),
    ("TRADEWINDOW_PORTAL_SESSION_MINUTES", "60",
     ("portal", "session_lifetime", timedelta(hours=1)), timedelta(hours=8)),
    ("TRADEWINDOW_PORTAL_IDLE_MINUTES", "0.5",
     ("portal", "idle_timeout", timedelta(seconds=30)), timedelta(minutes=30)),
    ("TRADEWINDOW_PORTAL_LOCKOUT_FAILURES", "3", ("portal", "lockout_failures", 3), 5),
    ("TRADEWINDOW_PORTAL_LOCKOUT_MINUTES", "90",
     ("portal", "lockout_duration", timedelta(minutes=90)), timedelta(minutes=15)),
]  # fmt: skip


def _limit(settings: Settings, group: str, field: str) -> object:
    return getattr(getattr(settings, group), field)


@pytest.mark.parametrize(("variable", "raw", "read", "default"), LIMITS)
def test_a_limit_is_read_from_its_variable(
    variable: str, raw: str, read: tuple[str, str, object], default: object
) -> None:
    group, field, expected = read
    assert _limit(Settings.from_env({variable: raw}), group, field) == expected


@pytest.mark.parametrize(("variable", "raw", "read", "default"), LIMITS)
def test_a_limit_unset_or_empty_has_its_documented_default(
    variable: str, raw: str, read: tuple[str, str, object], default: object
) -> None:
    group, field, _ = read
    assert _limit(Settings.from_env({}), group, field) == default
    assert _limit(Settings.from_env({variable: ""}), group, field) == default
    assert _limit(Settings(), group, field) == default


@pytest.mark.parametrize(
    ("variable", "raw", "says"),
    [
        ("TRADEWINDOW_API_MAX_BODY_BYTES", "10MiB", "must be a whole number, got '10MiB'"),
        ("TRADEWINDOW_API_MAX_BODY_BYTES", "0", "must be positive, got 0"),
        ("TRADEWINDOW_API_MAX_BULK", "2.5", "must be a whole number, got '2.5'"),
        ("TRADEWINDOW_API_PAGE_SIZE", "-1", "must be positive, got -1"),
        ("TRADEWINDOW_API_RATE", "fast", "must be a number, got 'fast'"),
        ("TRADEWINDOW_API_RATE", "0", "must be a positive number, got '0'"),
        ("TRADEWINDOW_API_RATE", "inf", "must be a positive number, got 'inf'"),
        ("TRADEWINDOW_API_RATE", "nan", "must be a positive number, got 'nan'"),
        ("TRADEWINDOW_API_BURST", "0.5", "must be a whole number, got '0.5'"),
        ("TRADEWINDOW_PORTAL_ALLOW_HTTP", "maybe", "must be 1 or 0, got 'maybe'"),
        ("TRADEWINDOW_PORTAL_SESSION_MINUTES", "8h", "must be a number, got '8h'"),
        ("TRADEWINDOW_PORTAL_SESSION_MINUTES", "1e300", "is too long, got '1e300' minutes"),
        ("TRADEWINDOW_PORTAL_IDLE_MINUTES", "-30", "must be a positive number, got '-30'"),
        ("TRADEWINDOW_PORTAL_LOCKOUT_FAILURES", "0", "must be positive, got 0"),
        ("TRADEWINDOW_PORTAL_LOCKOUT_FAILURES", "five", "must be a whole number, got 'five'"),
        ("TRADEWINDOW_PORTAL_LOCKOUT_MINUTES", "nan", "must be a positive number, got 'nan'"),
    ],
)
def test_a_bad_limit_fails_at_once_naming_the_variable(variable: str, raw: str, says: str) -> None:
    with pytest.raises(SettingsError, match=f"^{variable} {re.escape(says)}$"):
        Settings.from_env({variable: raw})


@pytest.mark.parametrize("raw", ["1", "true", "yes", " TRUE "])
def test_allow_http_reads_the_usual_words_for_yes(raw: str) -> None:
    assert Settings.from_env({"TRADEWINDOW_PORTAL_ALLOW_HTTP": raw}).portal.allow_http


@pytest.mark.parametrize("raw", ["0", "false", "no"])
def test_allow_http_reads_the_usual_words_for_no(raw: str) -> None:
    assert not Settings.from_env({"TRADEWINDOW_PORTAL_ALLOW_HTTP": raw}).portal.allow_http


def test_a_match_timeout_too_long_for_a_duration_fails_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"^TRADEWINDOW_MATCH_TIMEOUT is too long"):
        Settings.from_env({"TRADEWINDOW_MATCH_TIMEOUT": f"{10**20}d"})


def test_the_representation_shows_the_limits_and_masks_every_secret() -> None:
    key = "x" * 43 + "="
    settings = Settings.from_env(
        {
            "TRADEWINDOW_DATABASE_URL": "postgresql://tw:hunter2-secret@db/tw",
            "TRADEWINDOW_BUS_URL": "nats://bus:nats-secret@bus:4222",
            "TRADEWINDOW_CREDENTIAL_PEPPER": "pepper-0123456789abcdef",
            "TRADEWINDOW_CALLBACK_SECRET_KEYS": key,
            "TRADEWINDOW_API_PAGE_SIZE": "25",
            "TRADEWINDOW_PORTAL_LOCKOUT_FAILURES": "3",
        }
    )
    text = repr(settings)
    for secret in ("hunter2", "nats-secret", "pepper-0123456789abcdef", key):
        assert secret not in text
    assert str(settings) == text
    assert "page_size=25" in text
    assert "lockout_failures=3" in text


def test_evidence_settings_are_read_and_default_to_automatic_checkpoints() -> None:
    default = Settings.from_env({}).evidence
    assert (default.checkpoint_records, default.checkpoint_every) == (1000, timedelta(seconds=60))
    assert default.tsa_url is None
    assert default.trusted_keys is None
    evidence = Settings.from_env(
        {
            "TRADEWINDOW_EVIDENCE_CHECKPOINT_RECORDS": "50",
            "TRADEWINDOW_EVIDENCE_CHECKPOINT_EVERY": "5m",
            "TRADEWINDOW_EVIDENCE_TSA_URL": "https://tsa.example/rfc3161",
            "TRADEWINDOW_EVIDENCE_TSA_CERT": "/etc/tw/tsa.pem",
            "TRADEWINDOW_EVIDENCE_TRUSTED_KEYS": "/etc/tw/platform-keys",
            "TRADEWINDOW_EVIDENCE_ANCHOR_FILE": "/srv/anchors.jsonl",
        }
    ).evidence
    assert evidence.checkpoint_records == 50
    assert evidence.checkpoint_every == timedelta(minutes=5)
    assert evidence.tsa_url == "https://tsa.example/rfc3161"
    assert evidence.tsa_certificate == Path("/etc/tw/tsa.pem")
    assert evidence.trusted_keys == Path("/etc/tw/platform-keys")
    assert evidence.anchor_file == Path("/srv/anchors.jsonl")


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"TRADEWINDOW_EVIDENCE_CHECKPOINT_RECORDS": "0"}, "must be positive"),
        ({"TRADEWINDOW_EVIDENCE_CHECKPOINT_EVERY": "0s"}, "must be positive"),
        ({"TRADEWINDOW_EVIDENCE_TSA_URL": "ftp://tsa"}, "http"),
        ({"TRADEWINDOW_EVIDENCE_TSA_URL": "https://tsa.example"}, "go together"),
        ({"TRADEWINDOW_EVIDENCE_TSA_CERT": "/etc/tsa.pem"}, "go together"),
    ],
)
def test_a_bad_evidence_setting_fails_at_once(values: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        Settings.from_env(values)
