"""Callback settings in ``Settings``: fail fast, keys masked, the embedded key shared by every
process over the same data_dir."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tradewindow.logistics.settings import CallbackSettings
from tradewindow.settings import Settings, SettingsError


def test_callback_variables_are_read_and_the_keys_masked() -> None:
    keys = [Fernet.generate_key().decode() for _ in range(2)]
    settings = Settings.from_env(
        {
            "TRADEWINDOW_CALLBACK_SECRET_KEYS": ",".join(keys),
            "TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK": "1",
            "TRADEWINDOW_CALLBACK_RETRY_FIRST": "30s",
            "TRADEWINDOW_CALLBACK_RETRY_CAP": "2h",
        }
    )
    assert settings.callback_secret_keys == tuple(keys)
    assert settings.callback_allow_loopback is True
    assert (settings.callback_retry_first, settings.callback_retry_cap) == (
        timedelta(seconds=30),
        timedelta(hours=2),
    )
    for shown in (repr(settings), repr(CallbackSettings.from_settings(settings))):
        assert "<2 masked>" in shown
        assert all(key not in shown for key in keys)


@pytest.mark.parametrize(
    ("variables", "says"),
    [
        ({"TRADEWINDOW_CALLBACK_SECRET_KEYS": "not-a-key"}, "Fernet keys"),
        ({"TRADEWINDOW_CALLBACK_ALLOW_LOOPBACK": "maybe"}, "1 or 0"),
        ({"TRADEWINDOW_CALLBACK_RETRY_FIRST": "soon"}, "must look like"),
        (
            {"TRADEWINDOW_CALLBACK_RETRY_FIRST": "2h", "TRADEWINDOW_CALLBACK_RETRY_CAP": "1h"},
            "must not be shorter",
        ),
    ],
)
def test_a_bad_callback_value_fails_at_once(variables: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        Settings.from_env(variables)


def test_without_keys_every_process_shares_the_key_kept_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = CallbackSettings.from_settings(settings)
    second = CallbackSettings.from_settings(settings)
    assert first.secret_keys == second.secret_keys
    Fernet(first.secret_keys[0])  # a usable key
    assert (tmp_path / "callback-secret-key").stat().st_mode & 0o077 == 0
    assert [p.name for p in tmp_path.iterdir()] == ["callback-secret-key"]
