"""Buyers: Chinese names, resident ID numbers, mobile numbers and addresses.

Buyers live across the nine mainland GBA cities and a handful of large cities elsewhere in
China. Each buyer's resident ID number (GB 11643-1999) starts with a district code of their
city and ends with a correct check character. Everything that costs time is built once per
generator; drawing a buyer for a set is a list index.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) of a resident ID's 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_resident_id(number: str) -> bool:
    """18 characters, 17 digits then the right check character."""
    return (
        len(number) == 18
        and number[:17].isdigit()
        and number[17] == id_check_character(number[:17])
    )


@dataclass(frozen=True)
class City:
    name: str  # 深圳市
    province: str  # 广东省 (empty for municipalities, whose name says it)
    districts: tuple[tuple[str, str], ...]  # (6-digit region code, 区 name)
    streets: tuple[str, ...]
    gba: bool
    weight: int  # share of buyers, relative


CITIES: tuple[City, ...] = (
    City(
        "深圳市",
        "广东省",
        (
            ("440303", "罗湖区"),
            ("440304", "福田区"),
            ("440305", "南山区"),
            ("440306", "宝安区"),
            ("440307", "龙岗区"),
            ("440309", "龙华区"),
            ("440311", "光明区"),
        ),
        ("深南大道", "科苑路", "海德三道", "民治大道", "布吉路", "宝安大道", "华强北路"),
        True,
        22,
    ),
    City(
        "广州市",
        "广东省",
        (
            ("440103", "荔湾区"),
            ("440104", "越秀区"),
            ("440105", "海珠区"),
            ("440106", "天河区"),
            ("440111", "白云区"),
            ("440113", "番禺区"),
            ("440115", "南沙区"),
        ),
        ("天河路", "中山五路", "江南大道", "体育西路", "广州大道北", "市桥街", "黄埔大道西"),
        True,
        22,
    ),
    City(
        "珠海市",
        "广东省",
        (("440402", "香洲区"), ("440403", "斗门区"), ("440404", "金湾区")),
        ("情侣中路", "凤凰北路", "井岸大道", "金湖路"),
        True,
        5,
    ),
    City(
        "佛山市",
        "广东省",
        (("440604", "禅城区"), ("440605", "南海区"), ("440606", "顺德区")),
        ("季华五路", "桂城南海大道", "大良新桂路", "祖庙路"),
        True,
        9,
    ),
    City(
        "惠州市",
        "广东省",
        (("441302", "惠城区"), ("441303", "惠阳区")),
        ("江北文昌一路", "淡水开城大道", "麦地路"),
        True,
        4,
    ),
    City(
        "东莞市",
        "广东省",
        (("441900", ""),),
        ("南城鸿福路", "东城大道", "松山湖大道", "长安莲峰路", "虎门连升路"),
        True,
        9,
    ),
    City(
        "中山市",
        "广东省",
        (("442000", ""),),
        ("石岐孙文中路", "东区中山四路", "小榄升平路"),
        True,
        4,
    ),
    City(
        "江门市",
        "广东省",
        (("440703", "蓬江区"), ("440704", "江海区"), ("440705", "新会区")),
        ("港口一路", "五邑路", "会城今古洲路"),
        True,
        3,
    ),
    City(
        "肇庆市",
        "广东省",
        (("441202", "端州区"), ("441203", "鼎湖区")),
        ("端州二路", "星湖大道", "坑口大道"),
        True,
        2,
    ),
    City(
        "北京市",
        "",
        (("110105", "朝阳区"), ("110108", "海淀区")),
        ("建国路", "中关村大街", "望京街"),
        False,
        5,
    ),
    City(
        "上海市",
        "",
        (("310104", "徐汇区"), ("310115", "浦东新区")),
        ("漕溪北路", "世纪大道", "张杨路"),
        False,
        5,
    ),
    City("杭州市", "浙江省", (("330106", "西湖区"),), ("文三路", "天目山路"), False, 2),
    City("成都市", "四川省", (("510107", "武侯区"),), ("人民南路四段", "科华北路"), False, 2),
    City("武汉市", "湖北省", (("420106", "武昌区"),), ("中南路", "武珞路"), False, 2),
    City("长沙市", "湖南省", (("430104", "岳麓区"),), ("麓山南路", "金星中路"), False, 2),
    City("厦门市", "福建省", (("350203", "思明区"),), ("湖滨南路", "莲前西路"), False, 1),
)

# Common surnames roughly by frequency, and given-name characters.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭"
    "曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢钟姜崔谭陆范汪廖石金贾"
)
_GIVEN = (
    "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂英华梅鑫宇晨欣怡"
    "子涵浩然梓轩诗雨嘉俊思琪家豪晓婷志佳慧文博雅琳振"
)
_MOBILE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "157",
    "158",
    "159",
    "182",
    "183",
    "187",
    "188",
    "130",
    "131",
    "132",
    "155",
    "156",
    "185",
    "186",
    "133",
    "153",
    "180",
    "181",
    "189",
    "177",
    "199",
)
_OLDEST = date(1958, 1, 1)
_BIRTH_SPAN = 16_000  # days: buyers born 1958 … 2001, adults on any demo day
_BIRTH_STRIDE = 7_919  # prime, coprime with the span: consecutive serials spread over it


@dataclass(frozen=True)
class Buyer:
    name: str
    id_number: str
    telephone: str
    address: str
    district: str  # 6-digit region code of the address
    reg_no: str  # the buyer's user name on the platform


@dataclass
class Population:
    """Everything needed to make buyers quickly; ``serial`` numbers keep ID numbers unique."""

    rng: random.Random
    serial: int = 0
    _city_weights: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._city_weights = [city.weight for city in CITIES]

    def person(self) -> Buyer:
        """A new buyer whose ID number no other buyer of this population has."""
        rng = self.rng
        city = rng.choices(CITIES, self._city_weights)[0]
        region, district_name = rng.choice(city.districts)
        self.serial += 1
        serial = self.serial
        # Birth day and the 3-digit sequence both come from the serial, so two buyers of one
        # population never share (birth day, sequence), whatever their region, for the first
        # 16 million serials.
        day = serial * _BIRTH_STRIDE % _BIRTH_SPAN
        born = _OLDEST + timedelta(days=day)
        first17 = f"{region}{born:%Y%m%d}{(serial // _BIRTH_SPAN + day * 31) % 1000:03d}"
        id_number = first17 + id_check_character(first17)
        surname = rng.choice(_SURNAMES)
        given = "".join(rng.choices(_GIVEN, k=rng.choice((1, 2, 2))))
        telephone = f"{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"
        street = rng.choice(city.streets)
        address = (
            f"{city.province}{city.name}{district_name}{street}{rng.randrange(1, 999)}号"
            f"{rng.randrange(1, 30)}栋{rng.randrange(1, 33)}{rng.randrange(1, 9):02d}室"
        )
        reg_no = f"u{rng.getrandbits(40):010x}"
        return Buyer(surname + given, id_number, telephone, address, region, reg_no)


def spoil_resident_id(number: str) -> str:
    """The same ID number with a wrong check character (an invalid-ID fault)."""
    right = number[17]
    return number[:17] + ("0" if right == "X" else _ID_CHECK[(_ID_CHECK.index(right) + 1) % 11])


QUOTA_HEADROOM = 20_000  # CNY: a valid buyer is retired before their annual total passes this


class BuyerPool:
    """A fixed number of buyers, some of whom buy again; nobody valid passes the annual limit.

    Each slot tracks its buyer's spend this year. A purchase that would take the buyer past
    ``QUOTA_HEADROOM`` (well under the CNY 26,000 annual limit) retires them and a new buyer
    takes the slot, so memory stays flat however many sets are drawn.
    """

    def __init__(self, population: Population, size: int) -> None:
        self._population = population
        self._random = population.rng.random
        self._buyers = [population.person() for _ in range(size)]
        self._spent = [0] * size
        self._year = [0] * size

    def draw(self, amount: int, year: int) -> Buyer:
        slot = int(self._random() * len(self._buyers))
        spent = self._spent[slot] if self._year[slot] == year else 0
        if spent + amount > QUOTA_HEADROOM:
            self._buyers[slot] = self._population.person()
            spent = 0
        self._spent[slot] = spent + amount
        self._year[slot] = year
        return self._buyers[slot]

    def someone(self) -> Buyer:
        """Any buyer of the pool (a gift's consignee); their spending is not touched."""
        return self._buyers[int(self._random() * len(self._buyers))]
