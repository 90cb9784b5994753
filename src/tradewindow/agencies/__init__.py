"""The single window's agencies: data-sharing policy, agency views, routing, decisions and the
combined status.

Rules: :mod:`.fields`, :mod:`.sharing_policy` (the data-sharing policy, read from
``policy.toml`` by :mod:`.policy_file`), :mod:`.views`, :mod:`.routing`, :mod:`.status`.
Use cases: :mod:`.queue` (the work queue, ``AgencyDesk``), :mod:`.notices` (informed
agencies' notices), :mod:`.reading` (a filing's documents cut to an agency's share, for both)
and :mod:`.release_gate` (the CBEC release gate over them). What they need stored is declared
in :mod:`.ports` and implemented in ``store/agencies``.
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
