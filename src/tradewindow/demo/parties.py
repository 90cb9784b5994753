"""The enterprises of the demo workload and the routes their parcels take into the GBA.

Names are the well-known brands of CBEC import; every registration code is made up: ten
characters, the 4-digit region of registration then ``DM`` (demo) and a serial, so no code
here is a real company's. Customs offices, trade modes and transport modes are the codes of
the Guangdong customs districts and the CBEC import regimes:

* 9610 direct purchase: a parcel flies (trafMode 5), is trucked from Hong Kong or Macao
  (4) or shipped across the Pearl River estuary (2); the list names the flight, truck or
  vessel (trafNo), the trip (voyageNo) and the master bill (billNo).
* 1210 bonded: goods already sit in a bonded zone's warehouse; the list names the account
  book (emsNo), the warehouse operator (areaCode/areaName) and leaves the zone by road.
"""

from __future__ import annotations

from dataclasses import dataclass

CHINA = "142"  # customs country code; also CNY's customs currency code


@dataclass(frozen=True, eq=False)  # identity hash: parties key the senders' buffers
class Party:
    code: str  # customs registration code (made up)
    name: str
    prefix: str  # of the numbers this party issues (orders, payments, waybills, lists)

    @property
    def dxp_id(self) -> str:
        return f"DXPENT{self.code}"


@dataclass(frozen=True)
class Platform:
    party: Party
    weight: int
    stores: tuple[Party, ...]  # e-commerce enterprises (ebc) selling on the platform
    payers: tuple[Party, ...]  # payment firms its checkout offers


ALIPAY = Party("3301DM0001", "支付宝（中国）网络技术有限公司", "AP")
TENPAY = Party("4403DM0002", "财付通支付科技有限公司", "TP")
UNIONPAY = Party("3101DM0003", "银联商务支付股份有限公司", "UP")
JDPAY = Party("1101DM0004", "网银在线（北京）科技有限公司", "JP")
DOUYINPAY = Party("4403DM0005", "合众易宝（深圳）支付有限公司", "DY")
PAYMENT_FIRMS = (ALIPAY, TENPAY, UNIONPAY, JDPAY, DOUYINPAY)

PLATFORMS: tuple[Platform, ...] = (
    Platform(
        Party("3301DM1001", "天猫国际", "TM"),
        34,
        (
            Party("3301DM1101", "杭州天猫国际进出口有限公司", "TMS"),
            Party("4403DM1102", "深圳前海洋货铺贸易有限公司", "TMQ"),
        ),
        (ALIPAY,),
    ),
    Platform(
        Party("1101DM1002", "京东国际", "JD"),
        26,
        (
            Party("1101DM1201", "北京京东海外购贸易有限公司", "JDS"),
            Party("4401DM1202", "广州南沙环球优选贸易有限公司", "JDN"),
        ),
        (JDPAY, TENPAY),
    ),
    Platform(
        Party("1101DM1003", "抖音电商", "DY"),
        18,
        (Party("4403DM1301", "深圳湾区全球购电子商务有限公司", "DYB"),),
        (DOUYINPAY, ALIPAY, TENPAY),
    ),
    Platform(
        Party("3101DM1004", "拼多多", "PD"),
        12,
        (Party("3101DM1401", "上海寻梦海淘贸易有限公司", "PDS"),),
        (TENPAY, ALIPAY),
    ),
    Platform(
        Party("4401DM1005", "唯品会", "VP"),
        10,
        (Party("4401DM1501", "广州唯品国际进出口有限公司", "VPS"),),
        (TENPAY, ALIPAY, UNIONPAY),
    ),
)

SF = Party("4403DM2001", "顺丰速运有限公司", "SF")
CAINIAO = Party("3301DM2002", "菜鸟供应链管理有限公司", "CN")
EMS = Party("1101DM2003", "中国邮政速递物流股份有限公司", "EM")
JDL = Party("1101DM2004", "京东物流供应链有限公司", "JL")
ZTO = Party("3101DM2005", "中通国际货运代理有限公司", "ZT")

# Declaring agents: carriers that declare their own parcels, and customs brokers.
BROKERS = (
    Party("4403DM3001", "深圳前海湾区报关行有限公司", "QB"),
    Party("4401DM3002", "广州南沙港通报关有限公司", "NB"),
    Party("4404DM3003", "珠海横琴通关服务有限公司", "HB"),
)


@dataclass(frozen=True)
class Route:
    """How a parcel reaches the buyer: regime, customs, transport and who carries it."""

    trade_mode: str  # 9610 direct / 1210 bonded
    customs_code: str  # 申报海关
    port_code: str  # 口岸海关
    traf_mode: str  # 5 air, 4 road, 2 water
    country: str  # 起运国: departure country (9610) or 142 (1210)
    carriers: tuple[Party, ...]
    agents: tuple[Party, ...]
    weight: int
    area: Party | None = None  # bonded warehouse operator (1210)
    ems_no: str | None = None  # its account book (1210)
    traf_prefix: str = ""  # flight / truck / vessel naming for 9610
    # Origins of goods that plausibly take this route; empty means any.
    origins: tuple[str, ...] = ()


def _warehouse(code: str, name: str) -> Party:
    return Party(code, name, "W")


# fmt: off
ROUTES: tuple[Route, ...] = (
    # 1210 bonded, the bulk of GBA CBEC imports: out of a bonded zone's warehouse by road.
    Route("1210", "5300", "5300", "4", CHINA, (SF, CAINIAO), (SF, BROKERS[0]), 22,
          _warehouse("4403DMW001", "深圳前海湾保税港区跨境仓储有限公司"), "T5300W000101"),
    Route("1210", "5100", "5100", "4", CHINA, (CAINIAO, JDL), (JDL, BROKERS[1]), 18,
          _warehouse("4401DMW002", "广州南沙保税港区跨境物流有限公司"), "T5100W000202"),
    Route("1210", "5200", "5200", "4", CHINA, (JDL, ZTO), (BROKERS[1],), 8,
          _warehouse("4401DMW003", "黄埔综合保税区跨境电商仓储有限公司"), "T5200W000303"),
    Route("1210", "5700", "5700", "4", CHINA, (SF, EMS), (BROKERS[2],), 5,
          _warehouse("4404DMW004", "珠海横琴新区跨境仓储有限公司"), "T5700W000404"),
    Route("1210", "6800", "6800", "4", CHINA, (EMS,), (EMS,), 2,
          _warehouse("4407DMW005", "江门综合保税区跨境物流有限公司"), "T6800W000505"),
    Route("1210", "6000", "6000", "4", CHINA, (EMS, ZTO), (ZTO,), 1,
          _warehouse("4405DMW006", "汕头综合保税区跨境仓储有限公司"), "T6000W000606"),
    # 9610 direct purchase by air into Guangzhou Baiyun (5141) and Shenzhen Bao'an (5300).
    Route("9610", "5141", "5141", "5", "116", (SF, CAINIAO, EMS), (SF, EMS, BROKERS[1]), 6,
          traf_prefix="CZ", origins=("116",)),
    Route("9610", "5300", "5300", "5", "133", (SF, CAINIAO), (SF, BROKERS[0]), 4,
          traf_prefix="ZH", origins=("133",)),
    Route("9610", "5141", "5141", "5", "502", (EMS, CAINIAO), (EMS, BROKERS[1]), 3,
          traf_prefix="CZ", origins=("502",)),
    Route("9610", "5300", "5300", "5", "304", (SF,), (SF,), 2,
          traf_prefix="O3", origins=("304", "305", "307", "303", "331", "309")),
    Route("9610", "5141", "5141", "5", "601", (EMS, ZTO), (EMS,), 2,
          traf_prefix="CZ", origins=("601", "609")),
    # 9610 by road from Hong Kong (Huanggang 5301) and Macao (Gongbei 5700), by water from
    # Hong Kong (Shekou 5304, Huangpu 5200, Jiangmen 6800).
    Route("9610", "5301", "5301", "4", "110", (SF, CAINIAO, JDL), (SF, BROKERS[0]), 10,
          traf_prefix="粤Z"),
    Route("9610", "5700", "5700", "4", "121", (SF, EMS), (BROKERS[2],), 2, traf_prefix="粤Z"),
    Route("9610", "5304", "5304", "2", "110", (SF, ZTO), (BROKERS[0],), 2,
          traf_prefix="SHE KOU "),
    Route("9610", "5200", "5200", "2", "110", (ZTO, JDL), (BROKERS[1],), 2,
          traf_prefix="HAI XIANG "),
    Route("9610", "6800", "6800", "2", "110", (EMS,), (EMS,), 1, traf_prefix="JIANG MEN "),
)
# fmt: on

# The codes the generator writes, for checks against the reference tables.
CUSTOMS_OFFICES = frozenset(c for r in ROUTES for c in (r.customs_code, r.port_code))
TRADE_MODES = frozenset(r.trade_mode for r in ROUTES)
TRANSPORT_MODES = frozenset(r.traf_mode for r in ROUTES)
WRAP_TYPES = ("2",)  # 纸箱 carton

# --- CBEC export (issue 13): two Bay Area sellers, the platforms they sell abroad on and the
# supervised sites their parcels leave from (codes made up as above)
SHENZHEN_SELLER = Party("4403DM6101", "深圳湾区出海电子科技有限公司", "SZE")
GUANGZHOU_SELLER = Party("4401DM6102", "广州花城服饰出口有限公司", "GZF")
ALIEXPRESS = Party("3301DM6001", "全球速卖通", "AE")
SHEIN = Party("4401DM6002", "希音", "SH")
SHENZHEN_EXPORT_SITE = Party("4403DM7001", "深圳机场跨境电商出口监管中心", "SZS")
BAIYUN_EXPORT_SITE = Party("4401DM7002", "广州白云机场跨境电商出口监管中心", "GZS")
