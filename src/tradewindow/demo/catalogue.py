"""What GBA buyers order from abroad: SKUs with commodity codes, prices, units and origins.

Every commodity code is ten digits whose first six are a real HS 2022 subheading; the last
four stand for China's national tariff lines (8 digits) and supplementary digits. Units are
customs unit codes: the unit of sale (``unit``) and the legal units of the tariff line
(``unit1``, ``unit2``). Prices are plausible CNY shelf prices; brands are invented.

``rate`` is the platform's estimate of the CBEC composite tax (70 % of import VAT and
consumption tax, customs duty 0 within the limits); ``full_rate`` the general-trade estimate
(duty, VAT and consumption tax in full) for goods that clear outside the CBEC limits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Customs unit codes (JGS-20 计量单位).
PIECE = "011"  # 件
EACH = "007"  # 个
WATCH = "008"  # 只
PAIR = "025"  # 双
KG = "035"  # 千克
GRAM = "036"  # 克
LITRE = "095"  # 升
TIN = "122"  # 罐
BOTTLE = "142"  # 瓶
SET = "001"  # 台

VAT_ONLY = Decimal("0.091")  # 13 % VAT × 70 %
HIGH_END_COSMETICS = Decimal("0.2306")  # (13 % + 15 %) / (1 − 15 %) × 70 %
WINE = Decimal("0.1789")  # (13 % + 10 %) / (1 − 10 %) × 70 %

_EAN_PREFIX = {
    "116": "49",
    "133": "880",
    "502": "07",
    "304": "40",
    "305": "30",
    "307": "80",
    "601": "93",
    "609": "94",
    "303": "50",
    "110": "489",
    "121": "958",
    "331": "76",
    "309": "87",
}


def ean13(body12: str) -> str:
    """An EAN-13 bar code: the 12 digits and their check digit."""
    odd = sum(int(d) for d in body12[0::2])
    even = sum(int(d) for d in body12[1::2])
    return body12 + str((10 - (odd + 3 * even) % 10) % 10)


@dataclass(frozen=True)
class Good:
    sku: str
    gcode: str  # 10-digit commodity code
    name: str  # Chinese name as sold (itemName / gname)
    model: str  # gmodel: 品名, 牌名, 规格 …
    unit: str  # unit of sale
    price: Decimal  # CNY per unit of sale
    origin: str  # customs country code
    net_kg: Decimal  # net weight per unit of sale
    unit1: str  # first legal unit
    qty1: Decimal  # legal quantity per unit of sale
    unit2: str | None
    qty2: Decimal | None
    rate: Decimal
    full_rate: Decimal
    weight: int  # popularity
    bar_code: str


def _good(
    index: int,
    gcode: str,
    name: str,
    brand: str,
    spec: str,
    unit: str,
    price: str,
    origin: str,
    net_kg: str,
    unit1: str,
    qty1: str,
    unit2: str | None = None,
    qty2: str | None = None,
    rate: Decimal = VAT_ONLY,
    full_rate: str = "0.2300",
    weight: int = 10,
) -> Good:
    prefix = _EAN_PREFIX.get(origin, "69")
    digits = 12 - len(prefix)
    body = f"{prefix}{(index * 7_919 + 12_345) % 10**digits:0{digits}d}"
    return Good(
        sku=f"SKU{index:05d}",
        gcode=gcode,
        name=f"{brand}{name} {spec}",
        model=f"品名:{name}|牌名:{brand}|规格:{spec}",
        unit=unit,
        price=Decimal(price),
        origin=origin,
        net_kg=Decimal(net_kg),
        unit1=unit1,
        qty1=Decimal(qty1),
        unit2=unit2,
        qty2=None if qty2 is None else Decimal(qty2),
        rate=rate,
        full_rate=Decimal(full_rate),
        weight=weight,
        bar_code=ean13(body),
    )


# fmt: off
GOODS: tuple[Good, ...] = (
    # cosmetics and skincare (HS 33)
    _good(1, "3304990099", "修护精华液", "樱泉", "50ml", BOTTLE, "680.00", "116", "0.120", KG, "0.050", rate=HIGH_END_COSMETICS, weight=30),  # noqa: E501
    _good(2, "3304990099", "保湿面霜", "雪岚", "50g", PIECE, "458.00", "133", "0.150", KG, "0.050", weight=25),  # noqa: E501
    _good(3, "3304990099", "补水面膜", "水韵", "10片/盒", PIECE, "129.00", "133", "0.300", KG, "0.250", weight=35),  # noqa: E501
    _good(4, "3304990099", "清爽防晒乳", "晴岛", "60ml", BOTTLE, "198.00", "116", "0.090", KG, "0.060", weight=25),  # noqa: E501
    _good(5, "3304100000", "丝绒口红", "玛黛", "3.5g", PIECE, "268.00", "305", "0.030", KG, "0.0035", rate=HIGH_END_COSMETICS, weight=20),  # noqa: E501
    _good(6, "3304200000", "十二色眼影盘", "维罗", "12g", PIECE, "420.00", "307", "0.080", KG, "0.012", weight=10),  # noqa: E501
    _good(7, "3303000000", "淡香精香水", "蔚蓝海岸", "100ml", BOTTLE, "890.00", "305", "0.350", KG, "0.100", weight=12),  # noqa: E501
    _good(8, "3305100090", "氨基酸洗发水", "森之泉", "500ml", BOTTLE, "98.00", "116", "0.550", KG, "0.500", weight=20),  # noqa: E501
    _good(9, "3306101000", "美白牙膏", "皓齿", "120g", PIECE, "39.00", "133", "0.140", KG, "0.120", weight=18),  # noqa: E501
    # infant formula and milk powder
    _good(20, "1901101000", "婴儿配方奶粉3段", "荷乳源", "800g", TIN, "238.00", "309", "0.900", KG, "0.800", weight=40),  # noqa: E501
    _good(21, "1901101000", "婴儿配方奶粉1段", "纽牧", "900g", TIN, "328.00", "609", "1.000", KG, "0.900", weight=30),  # noqa: E501
    _good(22, "1901101000", "婴儿有机米粉", "贝禾", "200g", PIECE, "89.00", "304", "0.230", KG, "0.200", weight=10),  # noqa: E501
    _good(23, "0402210000", "全脂奶粉", "南澳牧场", "1kg", TIN, "168.00", "601", "1.100", KG, "1.000", weight=20),  # noqa: E501
    # health supplements and vitamins
    _good(30, "2106909090", "深海鱼油软胶囊", "澳洋健", "400粒", BOTTLE, "189.00", "601", "0.600", KG, "0.520", weight=22),  # noqa: E501
    _good(31, "2106909090", "益生菌胶囊", "活力源", "60粒", BOTTLE, "199.00", "502", "0.080", KG, "0.030", weight=20),  # noqa: E501
    _good(32, "2106909090", "复合维生素片", "澳洋健", "120片", BOTTLE, "159.00", "601", "0.200", KG, "0.150", weight=18),  # noqa: E501
    _good(33, "2106909090", "叶黄素软糖", "明眸", "60粒", BOTTLE, "238.00", "116", "0.150", KG, "0.120", weight=10),  # noqa: E501
    _good(34, "2936270000", "维生素C咀嚼片", "阳光谷", "120片", BOTTLE, "89.00", "502", "0.180", KG, "0.150", weight=12),  # noqa: E501
    # wine
    _good(40, "2204210000", "波尔多干红葡萄酒", "圣拉菲庄园", "750ml", BOTTLE, "398.00", "305", "1.300", LITRE, "0.750", rate=WINE, weight=10),  # noqa: E501
    _good(41, "2204210000", "西拉干红葡萄酒", "袋鼠谷", "750ml", BOTTLE, "168.00", "601", "1.300", LITRE, "0.750", rate=WINE, weight=10),  # noqa: E501
    _good(42, "2204100000", "普罗塞克起泡酒", "威尼托", "750ml", BOTTLE, "158.00", "307", "1.400", LITRE, "0.750", rate=WINE, weight=6),  # noqa: E501
    # clothing (HS 61, 62)
    _good(50, "6109100021", "纯棉短袖T恤", "和棉", "M码", PIECE, "199.00", "116", "0.200", PIECE, "1", KG, "0.200", weight=15),  # noqa: E501
    _good(51, "6204430090", "雪纺连衣裙", "米兰风尚", "S码", PIECE, "899.00", "307", "0.300", PIECE, "1", KG, "0.300", weight=6),  # noqa: E501
    _good(52, "6110200090", "羊毛混纺针织开衫", "首尔衣橱", "L码", PIECE, "459.00", "133", "0.450", PIECE, "1", KG, "0.450", weight=8),  # noqa: E501
    _good(53, "6111200090", "婴儿纯棉连体衣", "小樱桃", "73cm", PIECE, "159.00", "116", "0.150", PIECE, "1", KG, "0.150", weight=10),  # noqa: E501
    # footwear (HS 64)
    _good(60, "6404110090", "缓震跑步鞋", "疾风", "42码", PAIR, "799.00", "502", "0.800", PAIR, "1", KG, "0.800", weight=12),  # noqa: E501
    _good(61, "6403990090", "牛皮乐福鞋", "佛罗伦", "39码", PAIR, "1599.00", "307", "0.900", PAIR, "1", KG, "0.900", weight=5),  # noqa: E501
    # handbags, watches, jewellery, eyewear
    _good(70, "4202210090", "牛皮托特包", "巴黎左岸", "中号", EACH, "3280.00", "305", "0.900", EACH, "1", KG, "0.900", weight=4),  # noqa: E501
    _good(71, "4202310090", "小牛皮钱包", "佛罗伦", "短款", EACH, "1280.00", "307", "0.200", EACH, "1", KG, "0.200", weight=5),  # noqa: E501
    _good(72, "9102110000", "石英腕表", "汝拉", "表径36mm", WATCH, "2680.00", "331", "0.150", WATCH, "1", weight=4),  # noqa: E501
    _good(73, "7113191900", "18K金项链", "金港", "约3.2g", PIECE, "3600.00", "110", "0.010", GRAM, "3.2", weight=4),  # noqa: E501
    _good(74, "9004100000", "偏光太阳镜", "威尼托", "58mm", EACH, "1380.00", "307", "0.060", EACH, "1", weight=4),  # noqa: E501
    # electronics
    _good(80, "8518300000", "降噪头戴耳机", "静音者", "黑色", EACH, "1299.00", "116", "0.350", EACH, "1", KG, "0.350", weight=8),  # noqa: E501
    _good(81, "8518300000", "真无线蓝牙耳机", "音浪", "白色", EACH, "999.00", "502", "0.080", EACH, "1", KG, "0.080", weight=8),  # noqa: E501
    _good(82, "8509800090", "声波电动牙刷", "莱茵", "标准版", EACH, "699.00", "304", "0.300", EACH, "1", KG, "0.300", weight=8),  # noqa: E501
    _good(83, "8517130000", "智能手机", "星河", "128GB", SET, "3899.00", "133", "0.220", SET, "1", KG, "0.220", weight=3),  # noqa: E501
    # toys, diapers
    _good(90, "9503008900", "拼插积木套装", "乐砌", "1000片", PIECE, "699.00", "502", "1.500", KG, "1.500", weight=8),  # noqa: E501
    _good(91, "9503008900", "合金模型车", "匠模", "1:18", PIECE, "399.00", "116", "1.200", KG, "1.200", weight=5),  # noqa: E501
    _good(92, "9619001100", "婴儿纸尿裤L号", "花之王", "54片", PIECE, "149.00", "116", "1.300", KG, "1.300", weight=30),  # noqa: E501
    _good(93, "9619001100", "婴儿拉拉裤XL号", "柔贝", "38片", PIECE, "129.00", "133", "1.100", KG, "1.100", weight=15),  # noqa: E501
    # snacks and coffee
    _good(100, "1905310000", "黄油曲奇饼干", "北海", "400g", PIECE, "59.00", "116", "0.400", KG, "0.400", weight=15),  # noqa: E501
    _good(101, "1905900000", "海苔夹心脆", "海韵", "40g", PIECE, "39.00", "133", "0.040", KG, "0.040", weight=12),  # noqa: E501
    _good(102, "1704900000", "水果软糖", "小熊坊", "200g", PIECE, "79.00", "304", "0.200", KG, "0.200", weight=10),  # noqa: E501
    _good(103, "1806320000", "榛子牛奶巧克力", "阿尔卑斯", "300g", PIECE, "99.00", "331", "0.300", KG, "0.300", weight=10),  # noqa: E501
    _good(104, "0901210000", "意式烘焙咖啡豆", "罗马人", "1kg", PIECE, "189.00", "307", "1.000", KG, "1.000", weight=8),  # noqa: E501
    _good(105, "0901210000", "哥伦比亚咖啡豆", "山岚", "340g", PIECE, "129.00", "502", "0.340", KG, "0.340", weight=6),  # noqa: E501
    _good(106, "3924100000", "宽口径奶瓶", "小樱桃", "240ml", EACH, "128.00", "116", "0.120", KG, "0.120", weight=10),  # noqa: E501
    _good(107, "3304990099", "舒缓爽肤水", "英伦花园", "200ml", BOTTLE, "269.00", "303", "0.250", KG, "0.200", weight=8),  # noqa: E501
    _good(108, "3304990099", "焕颜面霜", "澳岸", "50ml", PIECE, "359.00", "601", "0.150", KG, "0.050", weight=6),  # noqa: E501
    _good(109, "1905900000", "杏仁饼礼盒", "澳之味", "400g", PIECE, "88.00", "121", "0.450", KG, "0.400", weight=4),  # noqa: E501
)

# Single items above the CNY 5,000 per-transaction limit: they clear at full general-trade tax,
# so their tariff (MFN) rate must be known to the reference rate table.
EXPENSIVE: tuple[Good, ...] = (
    _good(200, "8517130000", "折叠屏智能手机", "星河", "512GB", SET, "8999.00", "133", "0.260", SET, "1", KG, "0.260", full_rate="0.1300"),  # noqa: E501
    _good(201, "8471300000", "轻薄笔记本电脑", "极客", "14英寸 1TB", SET, "9999.00", "502", "1.300", SET, "1", KG, "1.300", full_rate="0.1300"),  # noqa: E501
    _good(202, "2204210000", "波尔多一级庄干红葡萄酒", "圣拉菲庄园", "750ml 2015年份", BOTTLE, "6800.00", "305", "1.400", LITRE, "0.750", rate=WINE, full_rate="0.4313"),  # noqa: E501
)
# fmt: on

# Goods over CNY 2,000 that, two or three together, pass the CNY 5,000 per-transaction limit.
PRICEY: tuple[Good, ...] = tuple(g for g in GOODS if g.price >= Decimal("1200"))
