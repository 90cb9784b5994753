"""The demo's market procurement day: Guangdong's six market procurement pilots on one platform.

Six recognised markets (the province's pilots, names as published: Guangzhou Huadu Shiling
leather goods, Foshan Asia International Furniture, Zhongshan Guzhen lighting, Shantou Chenghai
toys, Dongguan Dalang woollen knitwear, Jieyang Zhongde metal), a few hundred operators with
valid (made-up) Unified Social Credit Codes, foreign buyers from the province's real trading
partners, two agents per market. The buyers buy over the day, most sales are confirmed, agents
consolidate them into shipments under the USD 150,000 cap by sea via Nansha or Huangpu, customs
decides, operators record their foreign-exchange receipts (some still short). Everything goes
through the use cases, so every rule applies; the figures are illustrative.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from tradewindow.analytics.rates import shipped_rates
from tradewindow.bootstrap import App
from tradewindow.evidence.market_procurement import MarketProcurementRecords
from tradewindow.parties.identifiers import (
    USCC_CHARSET,
    organisation_check_character,
    uscc_check_character,
)
from tradewindow.procurement.consolidation import VALUE_CAP_USD, ShipmentForm, container_check_digit
from tradewindow.procurement.model import (
    Buyer,
    BuyerDocument,
    LicenceKind,
    Line,
    Operator,
    Transaction,
)
from tradewindow.procurement.platform import MarketProcurement, open_market_procurement
from tradewindow.procurement.registry import AgentForm, BuyerForm, MarketForm, OperatorForm
from tradewindow.procurement.sales import SaleForm
from tradewindow.procurement.service import FxForm

# (id, name_zh, name_en, region code, operators, goods: (HS code, name, unit, USD price range))
MARKETS = (
    (
        "gz-shiling",
        "广州花都狮岭皮革皮具市场",
        "Guangzhou Huadu Shiling leather goods market",
        "440114",
        150,
        (
            ("4202221000", "PU手提包", "011", 4, 18),
            ("4202210000", "真皮手提包", "011", 15, 60),
            ("4202129000", "拉杆箱", "011", 12, 40),
            ("4203300000", "皮带", "011", 1, 6),
            ("6403990000", "皮鞋", "025", 6, 25),
            ("4205009000", "皮革制品", "035", 3, 9),
        ),
    ),
    (
        "fs-furniture",
        "佛山亚洲国际家具材料交易中心",
        "Foshan Asia International Furniture Materials Centre",
        "440606",
        40,
        (
            ("9403609990", "木制家具", "011", 40, 300),
            ("9401610000", "软垫座椅", "011", 25, 120),
            ("8302420000", "家具五金", "035", 2, 8),
        ),
    ),
    (
        "zs-lighting",
        "中山古镇灯饰市场",
        "Zhongshan Guzhen lighting market",
        "442000",
        40,
        (
            ("9405119000", "LED吊灯", "011", 10, 80),
            ("9405210000", "台灯", "011", 4, 20),
            ("8539520000", "LED灯泡", "011", 0.5, 2),
        ),
    ),
    (
        "st-toys",
        "汕头澄海宝奥国际玩具城",
        "Shantou Chenghai Baoao international toy city",
        "440515",
        40,
        (
            ("9503002100", "玩具车", "011", 1, 8),
            ("9503008900", "塑料玩具", "011", 0.5, 5),
            ("9504500000", "电子游戏机", "011", 8, 30),
        ),
    ),
    (
        "dg-dalang",
        "东莞大朗毛织贸易中心",
        "Dongguan Dalang woollen knitwear trade centre",
        "441900",
        20,
        (
            ("6110200099", "针织毛衣", "011", 3, 15),
            ("6110110000", "羊毛衫", "011", 10, 40),
            ("6117100000", "针织围巾", "011", 1, 5),
        ),
    ),
    (
        "jy-metal",
        "揭阳中德金属生态城",
        "Jieyang Sino-German metal eco-city",
        "445200",
        20,
        (
            ("8215200000", "不锈钢餐具", "035", 3, 10),
            ("7323930000", "不锈钢厨具", "011", 2, 12),
            ("8211910000", "餐刀", "011", 0.3, 2),
        ),
    ),
)
# Guangdong's trading partners in market procurement (ISO 3166-1) and their buyers' names
BUYER_COUNTRIES = (
    ("NG", "Okafor Trading"), ("GH", "Mensah Imports"), ("KE", "Wanjiru Supplies"),
    ("AE", "Al Noor General Trading"), ("SA", "Al Qahtani Est."), ("RU", "Volga Opt"),
    ("BR", "Comercial Paulista"), ("MX", "Importadora del Bajío"), ("CL", "Importadora Andes"),
    ("TH", "Siam Wholesale"), ("VN", "Thanh Dat Trading"), ("MY", "Kedai Borong Jaya"),
    ("PK", "Karachi Traders"), ("KZ", "Almaty Market"), ("IQ", "Baghdad Bazaar"),
)  # fmt: skip
PORTS = ("CNNSA", "CNHUA")  # Nansha, Huangpu


@dataclass
class ProcurementDemo:
    markets: int = 0
    operators: int = 0
    buyers: int = 0
    agents: int = 0
    sales: int = 0
    shipments: int = 0
    released: int = 0
    receipts: int = 0


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def demo_uscc(rng: random.Random, region: str, kind: str = "92") -> str:
    """A made-up Unified Social Credit Code in ``region`` with valid check characters (GB 11714
    and GB 32100): ``kind`` 92 an individual business, 91 a company."""
    body = "".join(rng.choice(USCC_CHARSET) for _ in range(8))
    first17 = f"{kind}{region}{body}{organisation_check_character(body)}"
    return first17 + uscc_check_character(first17)


def demo_container(rng: random.Random) -> str:
    first10 = rng.choice(("CSQU", "COSU", "OOLU", "MSKU")) + f"{rng.randrange(10**6):06d}"
    return f"{first10}{container_check_digit(first10)}"


def seed_market_procurement(app: App, *, seed: int, today: date) -> ProcurementDemo:
    """Build the day in ``app``'s store (the day's sales on ``today``)."""
    rng = random.Random(seed)
    clock = _Clock(datetime.combine(today, time(1), UTC))
    platform = open_market_procurement(
        app.store.procurement,
        shipped_rates(),
        app.policy,
        MarketProcurementRecords(app.evidence),
        clock=clock,
    )
    built = ProcurementDemo()
    for market_id, name_zh, name_en, region, operators, goods in MARKETS:
        _market(platform, rng, built, today, (market_id, name_zh, name_en, region, operators),
                goods, clock)  # fmt: skip
    return built


def _market(
    platform: MarketProcurement,
    rng: random.Random,
    built: ProcurementDemo,
    today: date,
    market: tuple[str, str, str, str, int],
    goods: tuple[tuple[str, str, str, float, float], ...],
    clock: _Clock,
) -> None:
    p = platform.sales
    market_id, name_zh, name_en, region, count = market
    p.register_market(MarketForm(id=market_id, name_zh=name_zh, name_en=name_en,
                                 city=region[:4] + "00", valid_from=date(2020, 1, 1)))  # fmt: skip
    built.markets += 1
    operators = []
    for number in range(count):
        party = f"{market_id}-op-{number + 1:03d}"
        form = OperatorForm(
            market_id=market_id, name=f"{name_zh[:4]}商户{number + 1:03d}",
            licence_kind=LicenceKind.USCC, licence_number=demo_uscc(rng, region),
            stall=f"{rng.randint(1, 5)}F-{rng.randint(100, 999)}",
            bank_account=f"6222{rng.randrange(10**15):015d}",
        )  # fmt: skip
        operators.append((party, p.register_operator(form, party)))
    built.operators += count
    agents = []
    for number in range(2):
        party = f"{market_id}-agent-{number + 1}"
        agent_form = AgentForm(
            name=f"{name_zh[:4]}市场采购贸易代理{number + 1}号有限公司",
            uscc=demo_uscc(rng, region, "91"),
            customs_code=f"{region[:4]}9{number}{rng.randrange(10**4):04d}",
            markets=(market_id,),
        )
        agents.append((party, p.register_agent(agent_form, party)))
    built.agents += 2
    for number in range(max(4, count // 8)):
        country, trade_name = rng.choice(BUYER_COUNTRIES)
        party = f"{market_id}-buyer-{number + 1:02d}"
        buyer = p.register_buyer(
            BuyerForm(
                market_id=market_id,
                name=f"{trade_name} {number + 1}",
                country=country,
                document_kind=BuyerDocument.PASSPORT,
                document_number=f"{country}{rng.randrange(10**7):07d}",
            ),
            party,
        )
        built.buyers += 1
        agent_party, agent = agents[number % 2]
        p.commission(party, buyer.id, agent.id)
        confirmed = []
        for _ in range(rng.randint(4, 12)):
            operator_party, operator = rng.choice(operators)
            lines = tuple(
                _line(rng, item) for item in rng.sample(goods, rng.randint(1, len(goods)))
            )
            sale_form = SaleForm(buyer_id=buyer.id, sold_on=today, currency="USD", lines=lines)
            sale = p.record_sale(operator_party, operator.id, sale_form)
            built.sales += 1
            roll = rng.random()
            if roll < 0.05:
                p.cancel_sale(operator_party, sale.id, "the buyer changed the order")
            elif roll < 0.85:
                confirmed.append(p.confirm_sale(party, sale.id))
        _ship(platform, rng, built, (agent_party, agent.id), buyer, confirmed, operators, clock)


def _line(rng: random.Random, item: tuple[str, str, str, float, float]) -> Line:
    """One goods line of a sale: a stall's lot, worth at most about USD 8,000."""
    code, name, unit, low, high = item
    price = Decimal(str(round(rng.uniform(low, high), 2)))
    quantity = max(1, int(8000 / float(price) * rng.uniform(0.05, 1)))
    return Line(hs_code=code, name=name, quantity=Decimal(quantity), unit=unit, price=price)


def _ship(
    platform: MarketProcurement,
    rng: random.Random,
    built: ProcurementDemo,
    agent: tuple[str, str],
    buyer: Buyer,
    confirmed: list[Transaction],
    operators: list[tuple[str, Operator]],
    clock: _Clock,
) -> None:
    """Consolidate ``confirmed`` into shipments under the cap; customs decides most; the
    operators record their receipts (one in eight still short)."""
    s = platform.shipments
    agent_party, agent_id = agent
    party_of = {operator.id: party for party, operator in operators}
    batches: list[list[Transaction]] = [[]]
    value = Decimal(0)
    for sale in confirmed:
        if value + sale.total > VALUE_CAP_USD * Decimal("0.95") and batches[-1]:
            batches.append([])
            value = Decimal(0)
        batches[-1].append(sale)
        value += sale.total
    for batch in batches:
        if not batch or rng.random() < 0.15:
            continue  # left confirmed: the agent has not consolidated them yet
        form = ShipmentForm(
            buyer_id=buyer.id, transaction_ids=tuple(sale.id for sale in batch),
            containers=(demo_container(rng),), port_of_loading=rng.choice(PORTS),
            destination=buyer.country,
        )  # fmt: skip
        shipment = s.consolidate(agent_party, agent_id, form)
        built.shipments += 1
        s.declare(agent_party, shipment.id)
        decision = "released" if rng.random() < 0.95 else "refused"
        s.decide("demo-customs-officer", shipment.id, decision, "document review")
        if decision != "released":
            continue
        built.released += 1
        for settlement in s.reconcile(agent_party, shipment.id):
            short = rng.random() < 0.125
            amount = settlement.expected_usd * (Decimal("0.8") if short else Decimal(1))
            s.record_receipt(
                party_of[settlement.operator_id],
                FxForm(
                    operator_id=settlement.operator_id,
                    shipment_id=shipment.id,
                    currency="USD",
                    amount=amount.quantize(Decimal("0.01")),
                    received_on=clock.now.date(),
                ),
            )
            built.receipts += 1
