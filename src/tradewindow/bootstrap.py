"""The composition root: picks implementations from settings and wires the services."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import msgspec
from cryptography.fernet import Fernet

from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.queue import AgencyDesk
from tradewindow.agencies.release_gate import AgencyGate
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.analytics.rates import MissingRate, RateTable, shipped_rates
from tradewindow.cbec.clearance import Clearance
from tradewindow.clock import utc_now
from tradewindow.datachannel.channel import Channel
from tradewindow.datachannel.ports import ObjectStore
from tradewindow.datachannel.sealing import MasterKeys
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.market_procurement import MarketProcurementRecords
from tradewindow.evidence.platform_key import load_platform_key, platform_key_path
from tradewindow.evidence.recorder import ClearanceEvidence, CommissionRecords, FilingRefusals
from tradewindow.evidence.service_trade import ServiceRecords
from tradewindow.export.clearance import ClearExport
from tradewindow.export.filing import FileExport
from tradewindow.export.routing import inspection_controls, inspection_routing
from tradewindow.export.rules import CnyRate, ExportContext
from tradewindow.filing.use_case import FileMessages
from tradewindow.formats import xmldsig_sm2  # noqa: F401 - registers SM2/SM3 with xmldsig
from tradewindow.logistics.parcels import FollowParcels
from tradewindow.logistics.services import Logistics, open_logistics
from tradewindow.parties.commission_registry import CommissionRegistry
from tradewindow.parties.identifiers import Scheme
from tradewindow.parties.service import PartyRegistry
from tradewindow.procurement.platform import MarketProcurement, open_market_procurement
from tradewindow.reference import ReferenceCodeTables
from tradewindow.reference.currencies import customs_currency
from tradewindow.reference.tariff import TariffRates
from tradewindow.services.departments import departments
from tradewindow.services.disclosure import shipped_disclosure
from tradewindow.services.documents import EicarScanner
from tradewindow.services.hk_register import SimulatedRegister
from tradewindow.services.recognition_service import Recognitions
from tradewindow.services.registry_service import RuleRegistry
from tradewindow.services.trade import ServiceTrade
from tradewindow.settings import Settings
from tradewindow.store import SqlStore, open_store
from tradewindow.store.datachannel.objects import LocalObjects
from tradewindow.store.datachannel.records import SqlChannelRecords
from tradewindow.store.datachannel.s3 import S3Objects


class App(msgspec.Struct, frozen=True, kw_only=True):
    settings: Settings
    store: SqlStore
    clearance: Clearance
    desk: AgencyDesk
    policy: Policy
    evidence: EvidenceLog
    filing: FileMessages  # every channel files through it (API, portal, ``clear``)
    parties: PartyRegistry
    commissions: CommissionRegistry  # who may file for whom (委托关系)
    logistics: Logistics  # events, subscriptions, customs last mile (the bus: ``bus.open_bus``)
    service_trade: ServiceTrade  # rule-integration registry, qualification recognition
    market_procurement: MarketProcurement  # market procurement trade (1039)
    export: ClearExport  # CBEC export: 9610 lists and summaries, 9710, 9810 (issue 13)
    export_filing: FileExport  # export messages filed by a registered party (its rights)
    data: Channel  # the cross-border research-data channel

    def close(self) -> None:
        self.store.close()


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime] = utc_now,
    store: SqlStore | None = None,
) -> App:
    """Build the application from settings (the environment when not given). With ``store``
    it works on that open store (e.g. two services over one database with their own clocks:
    the demo loads yesterday while it serves today); closing either App closes it."""
    settings = settings or Settings.from_env()
    store = store or open_store(settings.database_url)
    policy = shipped_policy()
    desk = AgencyDesk(store.agencies, policy, clock=clock)
    platform_key = load_platform_key(platform_key_path(settings), create=True)
    parties = PartyRegistry(
        store.parties,
        pepper=credential_pepper(settings),
        # the registries' departments are agencies too: their officers' accounts name them
        agencies=(*policy.agencies, *departments()),
        clock=clock,
    )
    evidence = EvidenceLog(store.evidence, platform_key=platform_key)
    commissions = CommissionRegistry(
        store.parties, evidence=CommissionRecords(evidence), clock=clock
    )
    logistics = open_logistics(
        store.logistics, settings, clock=clock, party_of=_party_by_customs_code(parties)
    )
    clearance = Clearance(
        store,
        codes=ReferenceCodeTables(),
        rates=TariffRates(),
        match_timeout=settings.match_timeout,
        clock=clock,
        gate=AgencyGate(desk, policy),
        evidence=ClearanceEvidence(evidence),
        on_decided=logistics.follow_clearance,
        on_parcels=FollowParcels(logistics.events, party_of=_party_by_customs_code(parties)),
    )
    export = open_export(store, policy)
    return App(
        settings=settings,
        store=store,
        clearance=clearance,
        desk=desk,
        policy=policy,
        evidence=evidence,
        filing=FileMessages(
            parties=parties,
            commissions=commissions,
            clearance=clearance,
            evidence=FilingRefusals(evidence),
        ),
        parties=parties,
        commissions=commissions,
        logistics=logistics,
        service_trade=open_service_trade(store, evidence, clock=clock),
        market_procurement=open_market_procurement(
            store.procurement,
            shipped_rates(),
            policy,
            MarketProcurementRecords(evidence),
            clock=clock,
        ),
        export=export,
        export_filing=FileExport(
            parties=parties,
            commissions=commissions,
            clear=export,
            evidence=FilingRefusals(evidence),
        ),
        data=Channel(
            SqlChannelRecords(store.engine),
            data_objects(settings),
            data_master_keys(settings),
            platform_key,
            clock=clock,
        ),
    )


def open_export(store: SqlStore, policy: Policy) -> ClearExport:
    """Export clearance: lists routed to inspection & quarantine by the policy's HS prefixes,
    values converted to CNY by the shipped monthly rates."""
    return ClearExport(
        store.export,
        export_context(policy),
        inspection_routing("inspection_quarantine", _inspection_prefixes(policy)),
    )


def export_context(policy: Policy) -> ExportContext:
    """What the export rules consult: code tables, the inspection prefixes as 涉检 controls,
    the shipped rates. The warehouse registry is ClearExport's own (in its transaction); this
    context alone says no warehouse is registered."""
    return ExportContext(
        codes=ReferenceCodeTables(),
        controls=inspection_controls(_inspection_prefixes(policy)),
        cny_rate=_customs_rates(shipped_rates()),
        warehouse_valid=lambda *_: False,
    )


def _inspection_prefixes(policy: Policy) -> tuple[str, ...]:
    inspection = policy.agency("inspection_quarantine")
    return inspection.only_lines.values if inspection and inspection.only_lines else ()


def _customs_rates(table: RateTable) -> CnyRate:
    """CNY per unit of a customs currency code (``502``) on a day, None when not known."""

    def rate(code: str, day: date) -> Decimal | None:
        currency = customs_currency(code)
        if currency is None:
            return None
        try:
            return table.rate(currency.iso_alpha3, day)
        except MissingRate:
            return None

    return rate


def data_objects(settings: Settings) -> ObjectStore:
    """The research-data channel's object store: S3-compatible for an ``s3://`` URL, else the
    local content-addressed directory (``data_dir/objects`` by default)."""
    url = settings.data_objects_url
    if url and url.startswith("s3://"):
        return S3Objects.from_url(url)
    return LocalObjects(Path(url) if url else settings.data_dir / "objects")


def data_master_keys(settings: Settings) -> MasterKeys:
    """The master keys from settings or, embedded, one kept in ``data_dir`` (as the callback
    secrets' key is: created on first use, readable by the owner only)."""
    if settings.data_master_keys:
        return MasterKeys([key.encode() for key in settings.data_master_keys])
    path = settings.data_dir / "data-master-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # written whole under a private name, then linked into place: of two processes
        # starting at once, one key wins and both read it
        draft = path.with_name(f".data-master-key.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(Fernet.generate_key())
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return MasterKeys([path.read_bytes().strip()])


def open_service_trade(
    store: SqlStore, evidence: EvidenceLog, *, clock: Callable[[], datetime] = utc_now
) -> ServiceTrade:
    """The rule-integration registry and qualification recognition over ``store``, verifying
    licences against the simulated Hong Kong and Macao registers (``services.hk_register``)."""
    records = ServiceRecords(evidence)
    registers = {"HK": SimulatedRegister("hk-simulated"), "MO": SimulatedRegister("mo-simulated")}
    return ServiceTrade(
        registry=RuleRegistry(store.rule_registry, evidence=records, clock=clock),
        recognitions=Recognitions(
            store.recognitions,
            registers=dict(registers),
            scanner=EicarScanner(),
            evidence=records,
            disclosure=shipped_disclosure(),
            clock=clock,
        ),
        registers=registers,
    )


def credential_pepper(settings: Settings) -> bytes:
    """The pepper from settings or, for the embedded default, one kept in ``data_dir``
    (created on first use, readable by the owner only)."""
    if settings.credential_pepper:
        return settings.credential_pepper.encode()
    path = settings.data_dir / "credential-pepper"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _party_by_customs_code(parties: PartyRegistry) -> Callable[[str], str | None]:
    def party_of(code: str) -> str | None:
        party = parties.find(Scheme.CUSTOMS, code) or parties.find(Scheme.USCC, code)
        return None if party is None else party.id

    return party_of
