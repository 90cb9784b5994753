"""The composition root: picks implementations from settings and wires the services."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric import ed25519

from tradewindow.agencies.export_gate import ExportAgencyGate
from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.agencies.queue import AgencyDesk
from tradewindow.agencies.release_gate import AgencyGate
from tradewindow.agencies.routing import required_agencies
from tradewindow.agencies.sharing_policy import Policy
from tradewindow.analytics.rates import MissingRate, RateTable, shipped_rates
from tradewindow.bus.clearance import BusDispatch
from tradewindow.cbec.clearance import Clearance
from tradewindow.cbec.group_commit import GroupCommit
from tradewindow.cbec.partitioned import Dispatch, LocalDispatch, PartitionedClearance, PartRunner
from tradewindow.clock import utc_now
from tradewindow.datachannel.channel import Channel
from tradewindow.datachannel.ports import ObjectStore
from tradewindow.datachannel.sealing import MasterKeys
from tradewindow.evidence.log import CheckpointPolicy, EvidenceLog
from tradewindow.evidence.market_procurement import MarketProcurementRecords
from tradewindow.evidence.partitions import PartitionEvidence
from tradewindow.evidence.platform_key import load_platform_key, platform_key_path
from tradewindow.evidence.ports import Egress
from tradewindow.evidence.recorder import (
    ClearanceEvidence,
    CommissionRecords,
    FilingRefusals,
    KeyRecords,
)
from tradewindow.evidence.service_trade import ServiceRecords
from tradewindow.evidence.tsa_client import tsa_stamper
from tradewindow.export.clearance import ClearExport
from tradewindow.export.filing import FileExport
from tradewindow.export.model import ListsDeparted
from tradewindow.export.partitioned import PartitionedExport
from tradewindow.export.ports import ExportGate
from tradewindow.export.routing import inspection_controls
from tradewindow.export.rules import CnyRate, ExportContext
from tradewindow.export.sharing import policy_routing
from tradewindow.filing.use_case import FileMessages, claims_from
from tradewindow.formats import xmldsig_sm2  # noqa: F401 - registers SM2/SM3 with xmldsig
from tradewindow.logistics.departures import FollowDepartures
from tradewindow.logistics.guard import EgressGuard
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
from tradewindow.store.evidence.anchor_file import AnchorFile, anchor_file_path
from tradewindow.store.export.partitioned import SqlExportPartitions
from tradewindow.store.partition import PartitionStore, SqlInbox, SqlPartitionChains


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
    # what clears one partition's parts (tradewindow clearance-worker), when partitioned
    partitions: PartRunner | None = None

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
    evidence = evidence_log(settings, store, platform_key)
    parties = PartyRegistry(
        store.parties,
        pepper=credential_pepper(settings),
        agencies=agency_codes(policy),
        clock=clock,
        key_evidence=KeyRecords(evidence),
    )
    logistics = open_logistics(
        store.logistics, settings, clock=clock, parties_of=_parties_by_customs_code(parties)
    )
    commissions = CommissionRegistry(
        store.parties, evidence=CommissionRecords(evidence), clock=clock
    )
    clearance_parts: dict[str, Any] = {
        "codes": ReferenceCodeTables(),
        "rates": TariffRates(),
        "match_timeout": settings.match_timeout,
        "clock": clock,
        "gate": AgencyGate(desk, policy),
        "evidence": ClearanceEvidence(evidence),
        "on_decided": logistics.follow_clearance,
        "on_parcels": FollowParcels(logistics.events, parties_of=_parties_by_customs_code(parties)),
    }
    clearance, partition_runner = open_clearance(store, settings, clearance_parts)
    export = open_export(
        store,
        policy,
        on_departed=FollowDepartures(logistics.events, _parties_by_customs_code(parties)),
        gate=ExportAgencyGate(desk, policy),
        parted=(clearance, partition_runner),
    )
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
            # concurrent filers (API requests) share units of work: cbec.group_commit
            clearance=GroupCommit(clearance),
            evidence=FilingRefusals(evidence),
            one_writer=settings.clearance_partitions == 1,  # filing.requests
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
        partitions=partition_runner,
    )


def evidence_log(
    settings: Settings,
    store: SqlStore,
    platform_key: ed25519.Ed25519PrivateKey,
    guard: Egress | None = None,
) -> EvidenceLog:
    """The evidence log every writer appends to: it signs its head by itself (settings
    ``evidence.checkpoint_*``), keeps every checkpoint in the anchor file too and, with a TSA
    configured, has the checkpoints it signs alone time-stamped (RFC 3161)."""
    config = settings.evidence
    return EvidenceLog(
        store.evidence,
        platform_key=platform_key,
        checkpoints=CheckpointPolicy(
            every_records=config.checkpoint_records, every=config.checkpoint_every
        ),
        anchor_sink=AnchorFile(anchor_file_path(settings)),
        stamper=tsa_stamper(settings, guard or egress_guard(settings)),
        # partitioned clearance: the partitions' heads are signed into the platform's chain
        # before each checkpoint of it, so their records are anchored too
        before_sign=(
            PartitionEvidence(SqlPartitionChains(store.engine), platform_key).sign_moved_heads
            if settings.clearance_partitions > 1
            else None
        ),
    )


def egress_guard(settings: Settings) -> EgressGuard:
    """The egress policy of outbound calls, from settings (what ``open_logistics`` builds)."""
    return EgressGuard(
        allow_loopback=settings.callback_allow_loopback,
        allow=[ipaddress.ip_network(network) for network in settings.egress_allow],
    )


def open_clearance(
    store: SqlStore, settings: Settings, parts: dict[str, Any]
) -> tuple[Clearance, PartRunner | None]:
    """Clearance as settings say: one writer (the default), or ``clearance_partitions``
    partitions (docs/adr/0009) cleared by N threads here, or by the workers of
    ``tradewindow clearance-worker`` over the bus when ``bus_url`` is set; with the runner
    that clears a partition's parts (what a worker runs)."""
    partitions = settings.clearance_partitions
    if partitions == 1:
        return Clearance(store, **parts), None
    inbox = SqlInbox(store.engine)
    runner = PartRunner(
        lambda partition: Clearance(PartitionStore(store, partition), **parts),
        inbox,
        clock=parts["clock"],
        claims=claims_from,
    )
    dispatch: Dispatch = (
        BusDispatch(settings.bus_url, inbox)
        if settings.bus_url
        else LocalDispatch(runner, threads=partitions)
    )
    clearance = PartitionedClearance(
        store, partitions=partitions, inbox=inbox, dispatch=dispatch, **parts
    )
    return clearance, runner


def open_export(
    store: SqlStore,
    policy: Policy,
    *,
    on_departed: Callable[[Sequence[ListsDeparted]], None] | None = None,
    gate: ExportGate | None = None,
    parted: tuple[Clearance | None, PartRunner | None] = (None, None),
) -> ClearExport:
    """Export clearance: each accepted list waits for the agencies the data-sharing policy
    requires on it and its documents (export inspection by the policy's HS prefixes, foreign
    exchange for a large or foreign-currency receipt of payment), its tasks and notices on the
    agencies' desk (``gate``), values converted to CNY by the shipped monthly rates;
    departures told to ``on_departed`` (the DCSA events) after each commit. ``parted``:
    import clearance and its runner; partitioned, orders, receipts, waybills and lists are
    cleared by partition (export.partitioned), their parts sent by import's dispatch."""
    routing = policy_routing(lambda documents: required_agencies(policy, documents))
    given = (store.export, export_context(policy), routing)
    clearance, runner = parted
    if isinstance(clearance, PartitionedClearance) and runner is not None:
        export = PartitionedExport(
            *given, on_departed=on_departed, gate=gate, partitions=clearance.partitions,
            parts=SqlExportPartitions(store.engine), dispatch=clearance.dispatch,
        )  # fmt: skip
        runner.entries = export.run_entries  # a partition's holder clears export's parts
        return export
    return ClearExport(*given, on_departed=on_departed, gate=gate)


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


def agency_codes(policy: Policy) -> tuple[str, ...]:
    """Every agency a party may be: the policy's (commerce included) and the registries'
    departments, whose officers' accounts name them too."""
    return (*policy.agencies, *departments())


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


def _parties_by_customs_code(
    parties: PartyRegistry,
) -> Callable[[Collection[str]], Mapping[str, str | None]]:
    """The party holding each code as its customs code, else as its USCC, in one read."""
    return lambda codes: parties.ids_by_code(codes, (Scheme.CUSTOMS, Scheme.USCC))
