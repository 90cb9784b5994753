"""XSD-level facets of every CEB311/411/511/621 field, checked in code.

JSON submissions never meet the XSD, so what the schema would refuse is refused here too:
presence (``minOccurs``), exact / minimum / maximum length, fixed values, ``xs:decimal``
``totalDigits=19 fractionDigits=5`` and ``xs:int`` ranges. The tables below are written in
the spec's own data-format notation and were derived from
``海关跨境进口业务节点报文定义202205.xsd``; ``tests/unit/cbec/rules/test_fields.py`` re-reads
both XSD versions at test time and fails if a facet here drifts from them. The XSDs are not
shipped (their licence forbids it), hence the transcription.

Notation: ``C36`` exactly 36 characters, ``C1..60`` 1 to 60, ``C..100`` at most 100, ``N19,5``
a decimal, ``I`` an ``xs:int``, ``I9`` an ``xs:int`` of at most 9 digits, ``=142`` a fixed
value, a trailing ``?`` an optional element.

(Over 400 lines: the facet tables of the four documents, transcribed from the XSD and compared
with it whole by the test; one table reads best in one place.)
"""

from __future__ import annotations

import decimal
import enum
import re
from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter
from typing import Annotated, Any, Literal

import msgspec

from tradewindow.cbec.documents import SpecVersion
from tradewindow.violations import Violation


class Kind(enum.Enum):
    TEXT = "C"
    DECIMAL = "N"
    INT = "I"


class Facet(msgspec.Struct, frozen=True):
    element: str  # camelCase element name, as in the XSD
    kind: Kind
    required: bool
    min_length: int = 0  # TEXT only
    max_length: int = 0  # TEXT only; for INT the maximum number of digits (0: xs:int range)
    fixed: str | None = None


_NOTATION = re.compile(
    r"(?P<kind>[CNI])(?P<lo>\d*)(?:\.\.(?P<hi>\d+))?(?:,\d+)?(?:=(?P<fixed>\w+))?"
)


def facet(element: str, notation: str) -> Facet:
    """One facet from the spec notation, e.g. ``facet("orderNo", "C1..60")``."""
    required = not notation.endswith("?")
    found = _NOTATION.fullmatch(notation.rstrip("?"))
    if found is None:
        raise ValueError(f"bad facet notation {notation!r} for {element}")
    kind = Kind(found["kind"])
    lo, hi = found["lo"], found["hi"]
    if kind is Kind.TEXT:
        low = int(lo) if lo else 0
        return Facet(element, kind, required, low, int(hi) if hi else low, found["fixed"])
    return Facet(element, kind, required, 0, int(lo) if lo and kind is Kind.INT else 0)


def _table(*entries: str) -> tuple[Facet, ...]:
    return tuple(facet(*entry.split(" ")) for entry in entries)


_HEAD = ("guid C36", "appType C1", "appTime C14", "appStatus C1..3")

ORDER_HEAD = _table(
    *_HEAD,
    "orderType C1",
    "orderNo C1..60",
    "ebpCode C1..18",
    "ebpName C1..100",
    "ebcCode C1..18",
    "ebcName C1..100",
    "goodsValue N19,5",
    "freight N19,5",
    "discount N19,5",
    "taxTotal N19,5",
    "acturalPaid N19,5",
    "currency C3=142",
    "buyerRegNo C1..60",
    "buyerName C1..60",
    "buyerTelephone C1..30",
    "buyerIdType C1",
    "buyerIdNumber C1..60",
    "payCode C..18?",
    "payName C..100?",
    "payTransactionId C..60?",
    "batchNumbers C..100?",
    "consignee C1..100",
    "consigneeTelephone C1..50",
    "consigneeAddress C1..200",
    "consigneeDistrict C6?",
    "note C..1000?",
)
ORDER_LIST = _table(
    "gnum I",
    "itemNo C..30?",
    "itemName C1..250",
    "gmodel C1..510",
    "itemDescribe C..1000?",
    "barCode C..50?",
    "unit C3",
    "qty N19,5",
    "price N19,5",
    "totalPrice N19,5",
    "currency C3=142",
    "country C3",
    "note C..1000?",
)
PAYMENT_HEAD = _table(
    *_HEAD,
    "payCode C1..18",
    "payName C1..100",
    "payTransactionId C1..60",
    "orderNo C1..60",
    "ebpCode C1..18",
    "ebpName C1..100",
    "payerIdType C1",
    "payerIdNumber C1..60",
    "payerName C1..60",
    "telephone C..60?",
    "amountPaid N19,5",
    "currency C3=142",
    "payTime C14",
    "note C..1000?",
)
LOGISTICS_HEAD = _table(
    *_HEAD,
    "logisticsCode C1..18",
    "logisticsName C1..100",
    "logisticsNo C1..60",
    "billNo C..37?",
    "orderNo C1..60",
    "freight N19,5?",
    "insuredFee N19,5?",
    "currency C3=142",
    "weight N19,5",
    "packNo I9",
    "goodsInfo C..200?",
    "consignee C1..100",
    "consigneeAddress C1..200",
    "consigneeTelephone C1..50",
    "note C..1000?",
)
INVENTORY_HEAD = _table(
    *_HEAD,
    "orderNo C1..60",
    "ebpCode C1..18",
    "ebpName C1..100",
    "ebcCode C1..18",
    "ebcName C1..100",
    "logisticsNo C1..60",
    "logisticsCode C1..18",
    "logisticsName C1..100",
    "copNo C..20?",
    "preNo C..18?",
    "assureCode C1..30",
    "emsNo C..30?",
    "invtNo C..18?",
    "ieFlag C1",
    "declTime C8",
    "customsCode C4",
    "portCode C4",
    "ieDate C8?",
    "buyerIdType C1",
    "buyerIdNumber C1..60",
    "buyerName C1..60",
    "buyerTelephone C1..30",
    "consigneeAddress C1..200",
    "agentCode C1..18",
    "agentName C1..100",
    "areaCode C..18?",
    "areaName C..100?",
    "tradeMode C4",
    "trafMode C1",
    "trafNo C..100?",
    "voyageNo C..32?",
    "billNo C..37?",
    "loctNo C..10?",
    "licenseNo C..19?",
    "country C3",
    "freight N19,5",
    "insuredFee N19,5",
    "currency C3=142",
    "wrapType C1?",
    "packNo I9",
    "grossWeight N19,5",
    "netWeight N19,5",
    "note C..1000?",
)
_INVENTORY_LIST = (
    "gnum I",
    "itemRecordNo C..30?",
    "itemNo C..20?",
    "itemName C..250?",
    "gcode C10",
    "gname C1..250",
    "gmodel C1..510",
    "barCode C..50?",
    "country C3",
    "tradeCountry C1..3?",
    "currency C3=142",
    "qty N19,5",
    "unit C3",
    "qty1 N19,5",
    "unit1 C3",
    "qty2 N19,5?",
    "unit2 C3?",
    "price N19,5",
    "totalPrice N19,5",
    "note C..1000?",
)
# 2018 No.113 differs only here: itemNo up to 30 characters, tradeCountry exactly 3.
_INVENTORY_LIST_2018 = {"itemNo": "itemNo C..30?", "tradeCountry": "tradeCountry C3?"}
INVENTORY_LIST = {
    SpecVersion.V202205: _table(*_INVENTORY_LIST),
    SpecVersion.V2018: _table(
        *(_INVENTORY_LIST_2018.get(entry.split(" ")[0], entry) for entry in _INVENTORY_LIST)
    ),
}
BASE_TRANSFER = _table(
    "copCode C1..18", "copName C..100", "dxpMode C3", "dxpId C..30", "note C..1000?"
)

# Message root attributes (CEBnnnMessage/@guid, @version).
MESSAGE_GUID = facet("guid", "C36")
MESSAGE_VERSION = facet("version", "C1..10")


# --- checking -------------------------------------------------------------------------------

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1  # xs:int
_MAX_INTEGER_DIGITS = 14  # totalDigits 19 - fractionDigits 5: a fast path, exact check below


def snake(element: str) -> str:
    """The Python attribute of a camelCase element: ``acturalPaid`` → ``actural_paid``."""
    return re.sub(r"([A-Z])", r"_\1", element).lower()


class FacetTable:
    """A facet table bound to the attributes of one document Struct.

    ``check`` first asks msgspec, in C, whether every text and int field of the node fits
    (a shadow Struct carrying the same facets as ``msgspec.Meta`` constraints) and whether
    every decimal takes the fast path of :func:`decimal_problem`; only a node that fails is
    walked field by field to name each violation. Both paths apply the same facets
    (``test_fields`` holds them to it).
    """

    def __init__(self, facets: tuple[Facet, ...]) -> None:
        self.facets = facets
        self.values: Callable[[Any], tuple[Any, ...]] = attrgetter(
            *(snake(f.element) for f in facets)
        )
        decimals = [snake(f.element) for f in facets if f.kind is Kind.DECIMAL]
        self._decimals: Callable[[Any], tuple[Decimal | None, ...]] = (
            attrgetter(*decimals, decimals[0]) if decimals else lambda node: ()
        )  # two names at least, so that attrgetter always returns a tuple
        self._shadow = _shadow(facets)

    def check(self, node: object, at: str, message_type: str, out: list[Violation]) -> None:
        """Append a violation for every field of ``node`` that breaks its facet."""
        try:
            msgspec.convert(node, self._shadow, from_attributes=True)
        except msgspec.ValidationError:
            pass
        else:
            # filter(None, …) drops absent decimals, and zeros, which always fit
            if all(map(_plain_decimal, filter(None, self._decimals(node)))):
                return
        self.check_each(node, at, message_type, out)

    def check_each(self, node: object, at: str, message_type: str, out: list[Violation]) -> None:
        """``check`` without the fast path: every field on its own."""
        for f, value in zip(self.facets, self.values(node), strict=True):
            if value is None:
                if f.required:
                    out.append(_required(f, at, message_type))
                continue
            kind = f.kind
            if kind is Kind.TEXT:
                n = len(value)
                if n < f.min_length or n > f.max_length:
                    out.append(_length(f, n, at, message_type))
                elif f.fixed is not None and value != f.fixed:
                    out.append(_fixed(f, value, at, message_type))
            elif kind is Kind.DECIMAL:
                problem = decimal_problem(value)
                if problem is not None:
                    out.append(_decimal(f, problem, at, message_type))
            elif not _int_fits(f, value):
                out.append(_int(f, at, message_type))


def _shadow(facets: tuple[Facet, ...]) -> type[msgspec.Struct]:
    """A Struct whose conversion succeeds exactly when every text / int facet holds."""
    required: list[tuple[str, Any]] = []
    optional: list[tuple[str, Any, None]] = []
    for f in facets:
        kind: Any
        if f.kind is Kind.DECIMAL:
            continue
        if f.kind is Kind.INT:
            bound = min(10**f.max_length - 1, _INT_MAX) if f.max_length else _INT_MAX
            kind = Annotated[int, msgspec.Meta(ge=max(-bound, _INT_MIN), le=bound)]
        elif f.fixed is not None:
            kind = Literal[f.fixed]
        else:
            kind = Annotated[str, msgspec.Meta(min_length=f.min_length, max_length=f.max_length)]
        if f.required:
            required.append((snake(f.element), kind))
        else:
            optional.append((snake(f.element), kind | None, None))
    return msgspec.defstruct("Facets", [*required, *optional], kw_only=True)


def _plain_decimal(value: Decimal) -> bool:
    """The fast path of :func:`decimal_problem`: at most 5 decimals and 14 integer digits."""
    exponent = value.as_tuple().exponent  # 'n', 'N' or 'F' when not finite
    return type(exponent) is int and exponent >= -5 and value.adjusted() < _MAX_INTEGER_DIGITS


def decimal_problem(value: Decimal) -> str | None:
    """Why ``value`` breaks ``totalDigits=19 fractionDigits=5`` (value space), or None."""
    if not value.is_finite():
        return "not_finite"
    if _plain_decimal(value):
        return None
    # Slow path: trailing zeros do not count in the value space (1.5000000 has 1 decimal).
    _, digits, exponent = value.normalize(_EXACT).as_tuple()
    if not isinstance(exponent, int):  # never for a finite value; keeps mypy exact
        return "not_finite"
    if exponent < -5:
        return "too_many_decimals"
    if len(digits) + max(exponent, 0) > 19:
        return "too_many_digits"
    return None


# Normalising must neither round nor overflow, whatever the exponent.
_EXACT = decimal.Context(
    prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, traps=[]
)


def _int_fits(f: Facet, value: int) -> bool:
    if f.max_length:
        return _INT_MIN <= value <= _INT_MAX and len(str(abs(value))) <= f.max_length
    return _INT_MIN <= value <= _INT_MAX


def _required(f: Facet, at: str, message_type: str) -> Violation:
    return Violation(
        path=f"{at}/{f.element}",
        code=f"{message_type}.{f.element}.required",
        en=f"{f.element} is required",
        zh=f"{label(f.element)}必须填写",
    )


def _length(f: Facet, n: int, at: str, message_type: str) -> Violation:
    path = f"{at}/{f.element}"
    name = label(f.element)
    if n == 0 and f.required:
        rule, en, zh = "required", f"{f.element} is required", f"{name}必须填写"
    elif f.min_length == f.max_length:
        rule = "wrong_length"
        en = f"{f.element} must be exactly {f.max_length} characters long, not {n}"
        zh = f"{name}长度必须为{f.max_length}位，实际为{n}位"
    elif n > f.max_length:
        rule = "too_long"
        en = f"{f.element} is {n} characters long, more than {f.max_length}"
        zh = f"{name}长度为{n}位，超过{f.max_length}位"
    else:
        rule = "too_short"
        en = f"{f.element} is {n} characters long, fewer than {f.min_length}"
        zh = f"{name}长度为{n}位，少于{f.min_length}位"
    return Violation(path=path, code=f"{message_type}.{f.element}.{rule}", en=en, zh=zh)


def _fixed(f: Facet, value: str, at: str, message_type: str) -> Violation:
    return Violation(
        path=f"{at}/{f.element}",
        code=f"{message_type}.{f.element}.fixed",
        en=f"{f.element} must be {f.fixed}, not {value!r}",
        zh=f"{label(f.element)}限定填写“{f.fixed}”，实际为“{value}”",
    )


_DECIMAL_TEXT = {
    "not_finite": ("is not a finite number", "不是有效数值"),
    "too_many_decimals": ("has more than 5 decimal places", "小数位超过5位"),
    "too_many_digits": ("has more than 19 digits", "总位数超过19位"),
}


def _decimal(f: Facet, problem: str, at: str, message_type: str) -> Violation:
    en, zh = _DECIMAL_TEXT[problem]
    return Violation(
        path=f"{at}/{f.element}",
        code=f"{message_type}.{f.element}.{problem}",
        en=f"{f.element} {en}",
        zh=f"{label(f.element)}{zh}",
    )


def _int(f: Facet, at: str, message_type: str) -> Violation:
    limit = f"at most {f.max_length} digits" if f.max_length else "a 32-bit integer"
    limit_zh = f"不超过{f.max_length}位" if f.max_length else "32位整数范围内"
    return Violation(
        path=f"{at}/{f.element}",
        code=f"{message_type}.{f.element}.out_of_range",
        en=f"{f.element} must be {limit}",
        zh=f"{label(f.element)}必须{limit_zh}",
    )


# Chinese field names as the spec's tables give them (表 3-3, 3-10, 3-17, 3-31).
_LABELS = {
    "guid": "系统唯一序号", "appType": "报送类型", "appTime": "报送时间", "appStatus": "业务状态",
    "orderType": "订单类型", "orderNo": "订单编号", "ebpCode": "电商平台代码",
    "ebpName": "电商平台名称", "ebcCode": "电商企业代码", "ebcName": "电商企业名称",
    "goodsValue": "商品价格", "freight": "运费", "discount": "非现金抵扣金额",
    "taxTotal": "代扣税款", "acturalPaid": "实际支付金额", "currency": "币制",
    "buyerRegNo": "订购人注册号", "buyerName": "订购人姓名", "buyerTelephone": "订购人电话",
    "buyerIdType": "订购人证件类型", "buyerIdNumber": "订购人证件号码",
    "payCode": "支付企业代码", "payName": "支付企业名称", "payTransactionId": "支付交易编号",
    "batchNumbers": "商品批次号", "consignee": "收货人姓名", "consigneeTelephone": "收货人电话",
    "consigneeAddress": "收货地址", "consigneeDistrict": "收货地址行政区划代码", "note": "备注",
    "gnum": "商品序号", "itemNo": "企业商品货号", "itemName": "企业商品名称",
    "gmodel": "商品规格型号", "itemDescribe": "企业商品描述", "barCode": "条形码",
    "unit": "计量单位", "qty": "数量", "price": "单价", "totalPrice": "总价",
    "country": "原产国（地区）", "payerIdType": "支付人证件类型",
    "payerIdNumber": "支付人证件号码", "payerName": "支付人姓名", "telephone": "支付人电话",
    "amountPaid": "支付金额", "payTime": "支付时间", "logisticsCode": "物流企业代码",
    "logisticsName": "物流企业名称", "logisticsNo": "物流运单编号", "billNo": "提运单号",
    "insuredFee": "保价费", "weight": "毛重", "packNo": "件数", "goodsInfo": "主要货物信息",
    "copNo": "企业内部编号", "preNo": "预录入编号", "assureCode": "担保企业编号",
    "emsNo": "账册编号", "invtNo": "清单编号", "ieFlag": "进出口标记", "declTime": "申报日期",
    "customsCode": "申报海关代码", "portCode": "口岸海关代码", "ieDate": "进口日期",
    "agentCode": "申报企业代码", "agentName": "申报企业名称", "areaCode": "区内企业代码",
    "areaName": "区内企业名称", "tradeMode": "贸易方式", "trafMode": "运输方式",
    "trafNo": "运输工具编号", "voyageNo": "航班航次号", "loctNo": "监管场所代码",
    "licenseNo": "许可证件号", "wrapType": "包装种类代码", "grossWeight": "毛重",
    "netWeight": "净重", "itemRecordNo": "账册备案料号", "gcode": "商品编码", "gname": "商品名称",
    "tradeCountry": "贸易国", "qty1": "法定数量", "unit1": "法定计量单位", "qty2": "第二数量",
    "unit2": "第二计量单位", "copCode": "传输企业代码", "copName": "传输企业名称",
    "dxpMode": "报文传输模式", "dxpId": "报文传输编号", "version": "版本号",
    "reason": "原因", "logisticsStatus": "物流运单状态", "logisticsTime": "物流状态时间",
    "rkdNo": "入库单编号", "operatorCode": "监管场所经营人代码",
    "operatorName": "监管场所经营人名称", "unloadLocation": "卸货库位",
}  # fmt: skip


def label(element: str) -> str:
    """The spec's Chinese name of an element followed by the element, e.g. ``订单编号(orderNo)``."""
    return f"{_LABELS.get(element, element)}({element})"
