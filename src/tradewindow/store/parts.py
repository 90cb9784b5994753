"""Which adapter serves each part of a transaction (``tradewindow.transaction.Part``): the
one table from a capability's part to the store's adapter of its Protocol. A new part is one
line here."""

from __future__ import annotations

from tradewindow.agencies.ports import AGENCY_ROUTING
from tradewindow.cbec.ports import CBEC_LIFECYCLE
from tradewindow.evidence.ports import EVIDENCE_CHAIN
from tradewindow.filing.ports import FILING_CLAIMS, FILING_REQUESTS
from tradewindow.store.agencies.desk import SqlRouting
from tradewindow.store.cbec.lifecycle import SqlLifecycleRecords
from tradewindow.store.evidence.chain import SqlChainRecords
from tradewindow.store.filing.claims import SqlClaimRecords
from tradewindow.store.filing.requests import SqlRequestRecords
from tradewindow.store.transaction import PartAdapters

PARTS: PartAdapters = {
    AGENCY_ROUTING.name: SqlRouting,
    CBEC_LIFECYCLE.name: SqlLifecycleRecords,
    EVIDENCE_CHAIN.name: SqlChainRecords,
    FILING_CLAIMS.name: SqlClaimRecords,
    FILING_REQUESTS.name: SqlRequestRecords,
}
