"""Every module of the package imports on its own, first: an import cycle that only the
app's usual import order hides (``web.window`` → ``web.portal`` → … → ``web.window``) fails
here instead of in whichever test happens to import the module first."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import importlib, pkgutil, sys
import tradewindow
names = sorted(
    m.name for m in pkgutil.walk_packages(tradewindow.__path__, "tradewindow.")
    # a program, not a module; alembic's scripts run only inside alembic
    if not m.name.endswith(".__main__") and ".migrations." not in m.name
)
failed = []
for name in names:
    for loaded in [m for m in sys.modules if m == "tradewindow" or m.startswith("tradewindow.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as error:  # noqa: BLE001 - each failure is reported by name
        failed.append(f"{name}: {type(error).__name__}: {error}")
print("\n".join(failed))
print(f"checked {len(names)}")
"""


def test_every_module_imports_on_its_own() -> None:
    run = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600, check=True
    )
    *failures, checked = run.stdout.strip().splitlines()
    assert int(checked.split()[1]) > 300
    assert failures == []
