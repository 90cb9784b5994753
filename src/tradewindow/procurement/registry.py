"""Registration checks of markets, operators, buyers and agents: every violation at once.

Each rule is a small function returning violations with a stable ``MPT.<record>.<field>.<rule>``
code and English and Chinese text. Duplicates are judged against what the store already holds,
passed in by the use case (``service``), so the rules stay pure.
"""

from __future__ import annotations

import re
from datetime import date

import msgspec

from tradewindow.parties.identifiers import Scheme, identifier_problems
from tradewindow.procurement.model import DocumentKind, LicenceKind, Market
from tradewindow.reference.iso import iso_country
from tradewindow.violations import Violation

_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")
_REGISTRATION = re.compile(r"[0-9]{15}")
_PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
_FOREIGN_REGISTRATION = re.compile(r"[A-Z0-9][A-Z0-9 ./-]{2,39}")
_ACCOUNT = re.compile(r"[0-9A-Z]{8,34}")


class MarketForm(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name_zh: str
    name_en: str
    city: str
    valid_from: date
    valid_until: date | None = None


class OperatorForm(msgspec.Struct, frozen=True, kw_only=True):
    market_id: str
    name: str
    licence_kind: LicenceKind
    licence_number: str
    stall: str
    bank_account: str


class BuyerForm(msgspec.Struct, frozen=True, kw_only=True):
    market_id: str
    name: str
    country: str
    document_kind: DocumentKind
    document_number: str


class AgentForm(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    uscc: str
    customs_code: str
    markets: tuple[str, ...]


def _violation(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=code, en=en, zh=zh)


def registration_number_check(first14: str) -> str:
    """The 15th digit of a pre-2016 business registration number (工商注册号, GB/T 17710-1999,
    ISO 7064 MOD 11,10): a hybrid system with modulus 11 and 10 over the first 14 digits."""
    product = 10
    for digit in first14:
        total = (product + int(digit)) % 10 or 10
        product = total * 2 % 11
    return str((11 - product) % 10)


def _name(path: str, record: str, name: str) -> list[Violation]:
    if name.strip() and len(name) <= 200:
        return []
    return [
        _violation(
            path,
            f"MPT.{record}.name.required",
            "a name of 1 to 200 characters",
            "名称应为1至200个字符",
        )
    ]


def _market_open(path: str, record: str, market: Market | None, today: date) -> list[Violation]:
    if market is None:
        return [
            _violation(path, f"MPT.{record}.market.unknown", "no such market", "市场不存在或未认定")
        ]
    if not market.open_on(today):
        return [
            _violation(
                path,
                f"MPT.{record}.market.closed",
                f"market {market.id} is not recognised on {today.isoformat()}",
                f"市场 {market.id} 在 {today.isoformat()} 不在认定有效期内",
            )
        ]
    return []


def market_violations(form: MarketForm, *, exists: bool) -> list[Violation]:
    """A market: an id of lower-case letters, digits and hyphens; names; a validity that ends
    after it starts; one market per id."""
    found: list[Violation] = []
    if not _ID.fullmatch(form.id):
        found.append(
            _violation(
                "id",
                "MPT.market.id.format",
                "an id of 2 to 32 lower-case letters, digits and hyphens",
                "市场编号应为2至32位小写字母、数字或连字符",
            )
        )
    elif exists:
        found.append(
            _violation("id", "MPT.market.id.duplicate", "this market is registered", "该市场已登记")
        )
    found += _name("name_zh", "market", form.name_zh) + _name("name_en", "market", form.name_en)
    if form.valid_until is not None and form.valid_until < form.valid_from:
        found.append(
            _violation(
                "valid_until",
                "MPT.market.validity.order",
                "the recognition ends before it starts",
                "认定有效期的结束日期早于开始日期",
            )
        )
    return found


def licence_violations(kind: LicenceKind, number: str) -> list[Violation]:
    """An operator's licence: a USCC with its GB 32100 check character, or an individual
    business's 15-digit registration number with its ISO 7064 MOD 11,10 check digit."""
    if kind is LicenceKind.USCC:
        return [
            _violation("licence_number", f"MPT.operator.licence.{rule}", en, zh)
            for rule, en, zh in identifier_problems(Scheme.USCC, number)
        ]
    if not _REGISTRATION.fullmatch(number):
        return [
            _violation(
                "licence_number",
                "MPT.operator.licence.format",
                "a business registration number is 15 digits",
                "工商注册号应为15位数字",
            )
        ]
    if registration_number_check(number[:14]) != number[14]:
        return [
            _violation(
                "licence_number",
                "MPT.operator.licence.check",
                "the check digit (GB/T 17710, ISO 7064 MOD 11,10) does not match",
                "注册号校验位错误（GB/T 17710）",
            )
        ]
    return []


def operator_violations(
    form: OperatorForm, market: Market | None, today: date, *, duplicate: bool
) -> list[Violation]:
    """An operator: an open market, a name, a valid licence not yet registered in the market,
    a stall and an account for its foreign-exchange receipts."""
    found = _market_open("market_id", "operator", market, today)
    found += _name("name", "operator", form.name)
    licence = licence_violations(form.licence_kind, form.licence_number)
    found += licence
    if not licence and duplicate:
        found.append(
            _violation(
                "licence_number",
                "MPT.operator.licence.duplicate",
                "an operator with this licence is registered in this market",
                "该市场已有使用此执照的商户",
            )
        )
    if not form.stall.strip() or len(form.stall) > 64:
        found.append(
            _violation(
                "stall",
                "MPT.operator.stall.required",
                "the stall (1–64 characters)",
                "请填写摊位号",
            )
        )
    if not _ACCOUNT.fullmatch(form.bank_account):
        found.append(
            _violation(
                "bank_account",
                "MPT.operator.bank_account.format",
                "a bank account of 8 to 34 digits or capital letters (IBAN style)",
                "银行账号应为8至34位数字或大写字母",
            )
        )
    return found


def buyer_violations(
    form: BuyerForm, market: Market | None, today: date, *, duplicate: bool
) -> list[Violation]:
    """A foreign buyer: an open market, a name, an ISO country other than China, a passport or
    registration number not yet registered in the market."""
    found = _market_open("market_id", "buyer", market, today)
    found += _name("name", "buyer", form.name)
    if iso_country(form.country) is None or len(form.country) != 2:
        found.append(
            _violation(
                "country",
                "MPT.buyer.country.unknown",
                "an ISO 3166-1 alpha-2 country code",
                "国别应为 ISO 3166-1 两位字母代码",
            )
        )
    elif form.country == "CN":
        found.append(
            _violation(
                "country",
                "MPT.buyer.country.domestic",
                "a buyer in market procurement is foreign (not CN)",
                "市场采购的采购商应为境外采购商",
            )
        )
    shape = _PASSPORT if form.document_kind is DocumentKind.PASSPORT else _FOREIGN_REGISTRATION
    if not shape.fullmatch(form.document_number):
        found.append(
            _violation(
                "document_number",
                f"MPT.buyer.document.{form.document_kind.value}.format",
                "a passport number of 5 to 20 capital letters and digits"
                if form.document_kind is DocumentKind.PASSPORT
                else "a registration number of 3 to 40 capital letters, digits, spaces, . / -",
                "护照号码应为5至20位大写字母或数字"
                if form.document_kind is DocumentKind.PASSPORT
                else "注册号应为3至40位大写字母、数字或 . / -",
            )
        )
    elif duplicate:
        found.append(
            _violation(
                "document_number",
                "MPT.buyer.document.duplicate",
                "a buyer with this document is registered in this market",
                "该市场已有使用此证件的采购商",
            )
        )
    return found


def agent_violations(
    form: AgentForm, markets: dict[str, Market | None], today: date, *, duplicate: bool
) -> list[Violation]:
    """A procurement agent: a valid USCC not yet registered, a valid customs registration code
    and at least one open market."""
    found = _name("name", "agent", form.name)
    uscc = [
        _violation("uscc", f"MPT.agent.uscc.{rule}", en, zh)
        for rule, en, zh in identifier_problems(Scheme.USCC, form.uscc)
    ]
    found += uscc
    if not uscc and duplicate:
        found.append(
            _violation(
                "uscc", "MPT.agent.uscc.duplicate", "this agent is registered", "该代理企业已登记"
            )
        )
    found += [
        _violation("customs_code", f"MPT.agent.customs_code.{rule}", en, zh)
        for rule, en, zh in identifier_problems(Scheme.CUSTOMS, form.customs_code)
    ]
    if not form.markets:
        found.append(
            _violation(
                "markets",
                "MPT.agent.markets.required",
                "at least one market",
                "请至少选择一个市场",
            )
        )
    for index, market_id in enumerate(form.markets):
        found += _market_open(f"markets/{index}", "agent", markets.get(market_id), today)
    return found
