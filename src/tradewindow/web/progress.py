"""A background job's progress on the pages: a line under every page's header while it runs,
and the fragment ``GET /progress`` the landing page polls (htmx) until the job is done
(``web.pages.home``).

Whoever runs the job (the demo) puts its :class:`~tradewindow.progress.Progress` in the app's
state under :data:`PROGRESS_STATE`; without one, pages show nothing.
"""

from __future__ import annotations

from litestar.datastructures import State

from tradewindow.progress import Progress, ProgressView

PROGRESS_STATE = "loading_progress"


def progress_of(state: State) -> ProgressView | None:
    """The job's progress, or None when no job was ever started here."""
    found: Progress | None = state.get(PROGRESS_STATE)
    return found.snapshot() if found is not None else None
