"""Reading the data-sharing policy file (the adapter; :mod:`.sharing_policy` stays free of I/O)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

from tradewindow.agencies.sharing_policy import Policy, PolicyInvalid, parse_policy
from tradewindow.violations import Violation

POLICY_FILE = "policy.toml"


@cache
def shipped_policy() -> Policy:
    """The policy file shipped with this version of tradewindow."""
    text = resources.files("tradewindow.agencies").joinpath(POLICY_FILE).read_text("utf-8")
    return policy_from_text(text)


def load_policy(path: Path) -> Policy:
    """The policy in the TOML file at ``path`` (a deployment's own, reviewed copy)."""
    return policy_from_text(path.read_text("utf-8"))


def policy_from_text(text: str) -> Policy:
    """Parse and validate policy TOML; :class:`PolicyInvalid` on a syntax or content error."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyInvalid(
            [
                Violation(
                    path="",
                    code="policy.toml.invalid",
                    en=f"not valid TOML: {error}",
                    zh=f"不是有效的 TOML：{error}",
                )
            ]
        ) from error
    return parse_policy(data)
