"""Demo and test parties: every enterprise the demo workload names, a few cross-border ones,
and the five agencies, each with a fresh API key (for ``make demo`` to print).

Codes: the customs registration codes are the demo generator's own (``demo.parties``: made
up, ``DM`` in positions 5–6). Each mainland party also gets a Unified Social Credit Code made
up the same way — ``91`` (market regulation, enterprise), the 6-digit region, an
organisation code ``DM`` + province + serial with its GB 11714 check, and the GB 32100 check
character — so it is valid but belongs to no real company. Hong Kong BR and Macao
registration numbers are made up likewise.

Commissions: every demo e-commerce enterprise commissions every declaring agent of the demo
routes (carriers that declare their own parcels, and the brokers) to file its CEB621 lists,
as the generated workload has any agent declare for any store; the Hong Kong enterprise
commissions its domestic agent (境内代理人).
"""

from __future__ import annotations

import msgspec

from tradewindow.clock import utc_now
from tradewindow.demo import parties as demo
from tradewindow.parties.commission_registry import OPERATOR, CommissionRegistry
from tradewindow.parties.commissions import Commission, GrantCommission, Scope
from tradewindow.parties.credentials import IssuedSecret
from tradewindow.parties.errors import PartyNotFound
from tradewindow.parties.identifiers import (
    Scheme,
    organisation_check_character,
    uscc_check_character,
)
from tradewindow.parties.model import Party, RegisterParty
from tradewindow.parties.roles import Role
from tradewindow.parties.service import PartyRegistry

SEED_LABEL = "seed"
CBEC = "cross-border e-commerce"


class SeededParty(msgspec.Struct, frozen=True, kw_only=True):
    party: Party
    key: IssuedSecret

    @property
    def api_key(self) -> str:
        return self.key.api_key


def demo_uscc(customs_code: str) -> str:
    """A valid, made-up USCC for a demo party with this (made-up) customs code."""
    organisation = f"DM{customs_code[:2]}{customs_code[6:10]}"
    organisation += organisation_check_character(organisation)
    first17 = f"91{customs_code[:4]}00{organisation}"
    return first17 + uscc_check_character(first17)


def _enterprise(
    party_id: str,
    code: demo.Party,
    name_en: str,
    roles: tuple[Role, ...],
    city: str,
    sector: str = CBEC,
    extra: tuple[tuple[str, str], ...] = (),
) -> RegisterParty:
    return RegisterParty(
        id=party_id,
        name_zh=code.name,
        name_en=name_en,
        kind="enterprise",
        roles=tuple(r.value for r in roles),
        identifiers=((Scheme.CUSTOMS, code.code), (Scheme.USCC, demo_uscc(code.code)), *extra),
        city=city,
        sector=sector,
    )


_P, _S = demo.PLATFORMS, [p.stores for p in demo.PLATFORMS]
_R = Role
# fmt: off
ENTERPRISES: tuple[RegisterParty, ...] = (
    _enterprise("tmall-global", _P[0].party, "Tmall Global", (_R.ECOMMERCE_PLATFORM,), "hangzhou"),
    _enterprise("jd-worldwide", _P[1].party, "JD Worldwide", (_R.ECOMMERCE_PLATFORM,), "beijing"),
    _enterprise("douyin-ecommerce", _P[2].party, "Douyin E-commerce", (_R.ECOMMERCE_PLATFORM,),
                "beijing"),
    _enterprise("pinduoduo", _P[3].party, "Pinduoduo", (_R.ECOMMERCE_PLATFORM,), "shanghai"),
    _enterprise("vipshop", _P[4].party, "Vipshop", (_R.ECOMMERCE_PLATFORM,), "guangzhou"),
    _enterprise("tmall-import-export", _S[0][0], "Hangzhou Tmall Global Import & Export Co., Ltd.",
                (_R.ECOMMERCE_ENTERPRISE, _R.GUARANTOR), "hangzhou"),
    _enterprise("qianhai-overseas-goods", _S[0][1], "Shenzhen Qianhai Overseas Goods Trading Co.,"
                " Ltd.", (_R.ECOMMERCE_ENTERPRISE,), "shenzhen"),
    _enterprise("jd-overseas-trading", _S[1][0], "Beijing JD Overseas Trading Co., Ltd.",
                (_R.ECOMMERCE_ENTERPRISE, _R.GUARANTOR), "beijing"),
    _enterprise("nansha-global-select", _S[1][1], "Guangzhou Nansha Global Select Trading"
                " Co., Ltd.",
                (_R.ECOMMERCE_ENTERPRISE,), "guangzhou"),
    _enterprise("bay-area-global-buy", _S[2][0], "Shenzhen Bay Area Global Buy E-commerce"
                " Co., Ltd.",
                (_R.ECOMMERCE_ENTERPRISE,), "shenzhen"),
    _enterprise("xunmeng-haitao", _S[3][0], "Shanghai Xunmeng Haitao Trading Co., Ltd.",
                (_R.ECOMMERCE_ENTERPRISE,), "shanghai"),
    _enterprise("vip-international", _S[4][0], "Guangzhou Vip International Import & Export Co.,"
                " Ltd.", (_R.ECOMMERCE_ENTERPRISE, _R.GUARANTOR), "guangzhou"),
    _enterprise("alipay", demo.ALIPAY, "Alipay (China) Network Technology Co., Ltd.",
                (_R.PAYMENT_FIRM,), "hangzhou", "payment"),
    _enterprise("tenpay", demo.TENPAY, "Tenpay Payment Technology Co., Ltd.", (_R.PAYMENT_FIRM,),
                "shenzhen", "payment"),
    _enterprise("chinaums", demo.UNIONPAY, "China UMS (UnionPay Merchant Services) Co., Ltd.",
                (_R.PAYMENT_FIRM,), "shanghai", "payment"),
    _enterprise("chinabank-payments", demo.JDPAY, "Chinabank Payments (Beijing) Technology Co.,"
                " Ltd.", (_R.PAYMENT_FIRM,), "beijing", "payment"),
    _enterprise("ucfpay", demo.DOUYINPAY, "Hezhong Yibao (Shenzhen) Payment Co., Ltd.",
                (_R.PAYMENT_FIRM,), "shenzhen", "payment"),
    # carriers that declare their own parcels are customs brokers too (demo routes' agents)
    _enterprise("sf-express", demo.SF, "SF Express Co., Ltd.",
                (_R.LOGISTICS_FIRM, _R.BROKER, _R.CARRIER), "shenzhen", "logistics",
                ((Scheme.HK_BR, "31000001"),)),
    _enterprise("cainiao", demo.CAINIAO, "Cainiao Supply Chain Management Co., Ltd.",
                (_R.LOGISTICS_FIRM,), "hangzhou", "logistics"),
    _enterprise("ems", demo.EMS, "China Post Express & Logistics Co., Ltd. (EMS)",
                (_R.LOGISTICS_FIRM, _R.BROKER), "beijing", "logistics"),
    _enterprise("jd-logistics", demo.JDL, "JD Logistics Supply Chain Co., Ltd.",
                (_R.LOGISTICS_FIRM, _R.BROKER), "beijing", "logistics"),
    _enterprise("zto-international", demo.ZTO, "ZTO International Freight Forwarding Co., Ltd.",
                (_R.LOGISTICS_FIRM, _R.BROKER), "shanghai", "logistics"),
    _enterprise("qianhai-bay-customs-broker", demo.BROKERS[0], "Shenzhen Qianhai Bay Customs"
                " Brokerage Co., Ltd.", (_R.BROKER,), "shenzhen", "customs brokerage"),
    _enterprise("nansha-gangtong-customs-broker", demo.BROKERS[1], "Guangzhou Nansha Gangtong"
                " Customs Brokerage Co., Ltd.", (_R.BROKER,), "guangzhou", "customs brokerage"),
    _enterprise("hengqin-clearance-services", demo.BROKERS[2], "Zhuhai Hengqin Clearance Services"
                " Co., Ltd.", (_R.BROKER,), "zhuhai", "customs brokerage"),
    # bonded-zone warehouse operators: the customs-supervised places of the 1210 routes
    *(
        _enterprise(f"bonded-warehouse-{route.area.code[-3:]}", route.area, name_en,
                    (_R.TERMINAL_OPERATOR,), city, "bonded warehousing")
        for route, name_en, city in zip(
            [r for r in demo.ROUTES if r.area is not None],
            ("Shenzhen Qianhai Bay Bonded Port Cross-border Warehousing Co., Ltd.",
             "Guangzhou Nansha Bonded Port Cross-border Logistics Co., Ltd.",
             "Huangpu Comprehensive Bonded Zone CBEC Warehousing Co., Ltd.",
             "Zhuhai Hengqin New Area Cross-border Warehousing Co., Ltd.",
             "Jiangmen Comprehensive Bonded Zone Cross-border Logistics Co., Ltd.",
             "Shantou Comprehensive Bonded Zone Cross-border Warehousing Co., Ltd."),
            ("shenzhen", "guangzhou", "guangzhou", "zhuhai", "jiangmen", "shantou"),
            strict=True,
        )
        if route.area is not None
    ),
)
# CBEC export (demo.exports): the sellers, the platforms they sell abroad on, the export
# supervised sites at Shenzhen and Guangzhou Baiyun airports
EXPORTERS: tuple[RegisterParty, ...] = (
    _enterprise("shenzhen-bay-outbound", demo.SHENZHEN_SELLER, "Shenzhen Bay Outbound"
                " Electronics Co., Ltd.", (_R.ECOMMERCE_ENTERPRISE,), "shenzhen"),
    _enterprise("guangzhou-flower-city-apparel", demo.GUANGZHOU_SELLER, "Guangzhou Flower City"
                " Apparel Export Co., Ltd.", (_R.ECOMMERCE_ENTERPRISE,), "guangzhou"),
    _enterprise("aliexpress", demo.ALIEXPRESS, "AliExpress", (_R.ECOMMERCE_PLATFORM,),
                "hangzhou"),
    _enterprise("shein", demo.SHEIN, "SHEIN", (_R.ECOMMERCE_PLATFORM,), "guangzhou"),
    _enterprise("shenzhen-airport-export-site", demo.SHENZHEN_EXPORT_SITE, "Shenzhen Airport"
                " CBEC Export Supervision Centre", (_R.TERMINAL_OPERATOR,), "shenzhen",
                "supervised sites"),
    _enterprise("baiyun-airport-export-site", demo.BAIYUN_EXPORT_SITE, "Guangzhou Baiyun"
                " Airport CBEC Export Supervision Centre", (_R.TERMINAL_OPERATOR,), "guangzhou",
                "supervised sites"),
)
# Parties of the other side of the border, each recognised on both sides by its identifiers.
CROSS_BORDER: tuple[RegisterParty, ...] = (
    RegisterParty(
        id="hk-goods-select", name_zh="港货优选（香港）有限公司", name_en="HK Goods Select Limited",
        kind="enterprise", roles=(_R.ECOMMERCE_ENTERPRISE.value,),
        identifiers=((Scheme.HK_BR, "31000002"),), city="hong-kong", sector=CBEC,
    ),
    RegisterParty(
        id="qianhai-cbec-agent", name_zh="深圳前海跨境电商境内代理服务有限公司",
        name_en="Shenzhen Qianhai CBEC Domestic Agency Services Co., Ltd.", kind="enterprise",
        roles=(_R.DECLARING_AGENT.value,),
        identifiers=((Scheme.CUSTOMS, "4403DM3101"), (Scheme.USCC, demo_uscc("4403DM3101"))),
        city="shenzhen", sector="agency services",
    ),
    RegisterParty(
        id="hzmb-cross-border-transport", name_zh="港珠澳跨境运输有限公司",
        name_en="HZMB Cross-border Transport Company Limited", kind="enterprise",
        roles=(_R.CARRIER.value, _R.LOGISTICS_FIRM.value),
        identifiers=((Scheme.HK_BR, "31000003"), (Scheme.CUSTOMS, "4404DM2101"),
                     (Scheme.USCC, demo_uscc("4404DM2101"))),
        city="hong-kong", sector="road transport",
    ),
    RegisterParty(
        id="macao-cbec-logistics", name_zh="澳门跨境电商物流有限公司",
        name_en="Macao CBEC Logistics Company Limited", kind="enterprise",
        roles=(_R.LOGISTICS_FIRM.value,),
        identifiers=((Scheme.MO_CR, "81001"), (Scheme.CUSTOMS, "4404DM2102")),
        city="macao", sector="logistics",
    ),
)
# fmt: on


def _agency(party_id: str, role: str, name_zh: str, name_en: str, city: str) -> RegisterParty:
    return RegisterParty(
        id=party_id,
        name_zh=name_zh,
        name_en=name_en,
        kind="agency",
        roles=(str(role),),
        jurisdictions=("CN",),
        city=city,
        sector="government",
    )


AGENCIES: tuple[RegisterParty, ...] = (
    _agency(
        "gacc-guangdong",
        Role.CUSTOMS,
        "海关总署广东分署",
        "Guangdong Sub-Administration of the General Administration of Customs",
        "guangzhou",
    ),
    _agency(
        "gacc-guangdong-quarantine",
        Role.INSPECTION_QUARANTINE,
        "海关总署广东分署卫生检疫与动植物检疫",
        "Health and Animal & Plant Quarantine, Guangdong Sub-Administration of Customs",
        "guangzhou",
    ),
    _agency(
        "shenzhen-border-inspection",
        Role.BORDER_CONTROL,
        "深圳出入境边防检查总站",
        "Shenzhen General Station of Exit and Entry Frontier Inspection",
        "shenzhen",
    ),
    _agency(
        "guangdong-tax",
        Role.TAXATION,
        "国家税务总局广东省税务局",
        "Guangdong Provincial Tax Service, State Taxation Administration",
        "guangzhou",
    ),
    _agency(
        "safe-guangdong",
        Role.FOREIGN_EXCHANGE,
        "国家外汇管理局广东省分局",
        "Guangdong Branch of the State Administration of Foreign Exchange",
        "guangzhou",
    ),
    _agency(  # an agency of the policy file, not a standard role: informed of market sales
        "guangdong-commerce",
        "commerce",
        "广东省商务厅",
        "Department of Commerce of Guangdong Province",
        "guangzhou",
    ),
)

SEED = ENTERPRISES + CROSS_BORDER + AGENCIES + EXPORTERS


def seed_parties(registry: PartyRegistry) -> list[SeededParty]:
    """Register every seed party not yet registered and give each a fresh API key labelled
    ``seed`` (revoking earlier ones), so running it twice is safe."""
    return issue_seed_keys(registry, register_seed_parties(registry))


def register_seed_parties(registry: PartyRegistry) -> list[Party]:
    """Every seed party, registered now when it is not yet (no key is issued or revoked)."""
    return [_registered(registry, command) for command in SEED]


def issue_seed_keys(registry: PartyRegistry, parties: list[Party]) -> list[SeededParty]:
    """A fresh ``seed`` API key for each party, revoking its earlier seed keys: call it once
    per run and print what it returns (a key printed before a second call stops working)."""
    seeded = []
    for party in parties:
        for credential in registry.credentials_of(party.id):
            if credential.label == SEED_LABEL and credential.revoked_at is None:
                registry.revoke_key(credential.id)
        seeded.append(SeededParty(party=party, key=registry.issue_key(party.id, label=SEED_LABEL)))
    return seeded


def _registered(registry: PartyRegistry, command: RegisterParty) -> Party:
    try:
        return registry.party(command.id or "")
    except PartyNotFound:
        return registry.register(command)


def commissioned_pairs() -> list[tuple[str, str]]:
    """(principal, agent) of the demo: codes of stores and route agents, ids of the rest."""
    agents = list(dict.fromkeys(agent.code for route in demo.ROUTES for agent in route.agents))
    stores = [store.code for platform in demo.PLATFORMS for store in platform.stores]
    return [(store, agent) for store in stores for agent in agents] + [
        ("hk-goods-select", "qianhai-cbec-agent")
    ]


def seed_commissions(commissions: CommissionRegistry) -> list[Commission]:
    """Register the demo's commissions (module docstring) that are not live already, granted
    by the operator; returns those registered now, so running it twice is safe. Call after
    ``seed_parties``."""
    granted = []
    now = utc_now()
    for principal_ref, agent_ref in commissioned_pairs():
        principal = commissions.resolve(principal_ref)
        agent = commissions.resolve(agent_ref)
        if any(
            c.agent_id == agent.id and c.covers(Scope.INVENTORY, now)
            for c in commissions.given(principal.id)
        ):
            continue
        command = GrantCommission(agent=agent.id, scope=(Scope.INVENTORY.value,))
        granted.append(commissions.grant(principal.id, command, by=OPERATOR))
    return granted
