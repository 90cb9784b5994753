"""Settings: typed, from the environment, failing fast on a bad value, secrets masked."""

from __future__ import annotations

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
