"""How agencies read a filing, shared by the work queue (:mod:`.queue`) and the informed
agencies' notices (:mod:`.notices`): the stored documents of one filing, cut to one agency's
share by the policy in force now, with the personal-data paths the share holds.

A task or a notice stores the filing's reference only; its documents are read from the store
and cut each time an agency looks, so a tightened policy applies at once and no field the
agency is not granted is ever stored for it.
"""

from __future__ import annotations

from typing import Any

from tradewindow.agencies.sharing_policy import Policy
from tradewindow.agencies.views import agency_view, personal_data_in

MAX_PAGE_SIZE = 100  # rows of one listing page, whatever a caller asks for


def page_bounds(page: int, size: int) -> tuple[int, int]:
    """``page`` (1-based) and ``size`` brought into range: at least 1, size at most
    :data:`MAX_PAGE_SIZE`."""
    return max(page, 1), min(max(size, 1), MAX_PAGE_SIZE)


def agency_share(
    policy: Policy, agency: str, stored: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The views ``agency`` may have of the ``stored`` documents (kind → view; a kind it is
    not granted is absent) and the personal-data paths they hold, sorted."""
    views = {}
    for kind, document in stored.items():
        view = agency_view(policy, agency, kind, document)
        if view is not None:
            views[kind] = view
    personal = sorted({p for view in views.values() for p in personal_data_in(policy, view)})
    return views, personal
