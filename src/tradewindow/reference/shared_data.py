"""Where the project's shared reference data (``shared/data``) lives, if anywhere.

Some sources may be read but not shipped inside the package (GPL-licensed copies of the
UN/CEFACT code lists, for instance). They are looked up at run time here:

1. ``TRADEWINDOW_SHARED_DATA`` names the ``data`` folder itself, when set;
2. otherwise the first ``shared/data`` folder found walking up from the current directory,
   then from this package's own location.

``None`` means the data is not available on this machine; callers degrade gracefully.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "TRADEWINDOW_SHARED_DATA"


def shared_data_dir(env: Mapping[str, str] | None = None, start: Path | None = None) -> Path | None:
    """The ``shared/data`` folder, or None when there is none to be found."""
    env = os.environ if env is None else env
    if configured := env.get(ENV_VAR):
        path = Path(configured)
        return path if path.is_dir() else None
    starts = [start] if start is not None else [Path.cwd(), Path(__file__).resolve().parent]
    for origin in starts:
        for folder in (origin, *origin.parents):
            candidate = folder / "shared" / "data"
            if candidate.is_dir():
                return candidate
    return None
