"""The single window's agencies: data-sharing policy, agency views, routing, decisions and the
combined status.

Pure core: :mod:`.fields`, :mod:`.sharing_policy`, :mod:`.views`, :mod:`.routing`, :mod:`.status`.
Adapters: :mod:`.policy_file` (reads ``policy.toml``), :mod:`.tables`, :mod:`.queue` (the work
queue over SQLAlchemy Core), :mod:`.notices` (informed agencies' notices) and :mod:`.reading`
(a filing's stored documents cut to an agency's share, for both).
"""

from tradewindow.agencies.routing import informed_agencies, required_agencies
from tradewindow.agencies.sharing_policy import AgencyPolicy, Policy, PolicyInvalid, parse_policy
from tradewindow.agencies.status import (
    AgencyOutcome,
    CombinedStatus,
    Decision,
    FilingStatus,
    combine,
    return_info,
)
from tradewindow.agencies.views import agency_view, personal_data_in

__all__ = [
    "AgencyOutcome",
    "AgencyPolicy",
    "CombinedStatus",
    "Decision",
    "FilingStatus",
    "Policy",
    "PolicyInvalid",
    "agency_view",
    "combine",
    "informed_agencies",
    "parse_policy",
    "personal_data_in",
    "required_agencies",
    "return_info",
]
