"""The data-sharing policy: which agency receives which documents and fields, and when it decides.

:func:`parse_policy` turns the policy file's table (``policy.toml``, read by
:mod:`tradewindow.agencies.policy_file`) into a :class:`Policy`, checking every agency, kind,
path, list and operator against the documents' Structs (:mod:`tradewindow.agencies.fields`).
All mistakes are reported together (:class:`PolicyInvalid`); nothing half-valid is returned.

(Over 400 lines: the policy's types and the parser that checks all of it at once; the checks
report every mistake together, so they share one collector.)
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

import msgspec

from tradewindow.agencies.fields import ANY, DOCUMENT_STRUCTS, kind_of_root, leaf_paths
from tradewindow.violations import Rejected, Violation

# A compiled grant: element name → sub-tree, or None for a granted leaf; "*" under a list.
Tree: TypeAlias = dict[str, "Tree | None"]

ALWAYS = "always"
_AGENCY_CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")
_PREFIX = re.compile(r"[0-9]{2,10}")
_TOP_KEYS = {"policy_version", "effective_from", "lists", "personal_data", "agencies", "returns"}
_RETURNS_KEYS = {"reviewed_by", "review_when"}
_AGENCY_KEYS = {"name_en", "name_zh", "receives", "route_when", "only_lines"}


class Operator(enum.StrEnum):
    IN = "in"
    NOT_IN = "not_in"
    OVER = "over"
    PREFIX_IN = "prefix_in"


class Condition(msgspec.Struct, frozen=True, kw_only=True):
    """``path`` (a leaf wire path) tested by ``operator`` against ``values`` or ``amount``."""

    path: str
    kind: str
    operator: Operator
    values: tuple[str, ...] = ()  # IN / NOT_IN: the codes; PREFIX_IN: the list's prefixes
    amount: Decimal | None = None  # OVER

    def test(self, value: object) -> bool:
        """Whether one value found at ``path`` satisfies the condition (absent: never)."""
        text = _text(value)
        if text is None:
            return False
        if self.operator is Operator.IN:
            return text in self.values
        if self.operator is Operator.NOT_IN:
            return text not in self.values
        if self.operator is Operator.PREFIX_IN:
            return text.startswith(self.values)
        try:
            return self.amount is not None and Decimal(text) > self.amount
        except InvalidOperation:
            return False


class Rule(msgspec.Struct, frozen=True):
    """Holds when every condition holds."""

    conditions: tuple[Condition, ...]


class AgencyPolicy(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name_en: str
    name_zh: str
    grants: dict[str, frozenset[str]]  # document kind → granted leaf paths
    trees: dict[str, Tree]  # the same grants, compiled for building views
    only_lines: Condition | None = None  # the first of ``lines_of`` (one kind of document)
    lines_of: dict[str, Condition] = {}  # document kind → the lines it sees of it
    always: bool = False
    rules: tuple[Rule, ...] = ()

    @property
    def decides(self) -> bool:
        """Whether routing can ever require this agency's decision."""
        return self.always or bool(self.rules)


class ReturnsPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """Who decides a CEB625 return: accepted at once unless one of ``rules`` holds over the
    return and its list (``refund``, ``inventory``, ``tax_bill``); then ``reviewed_by``'s
    officer decides it in the agency's queue."""

    reviewed_by: str | None = None
    rules: tuple[Rule, ...] = ()


class Policy(msgspec.Struct, frozen=True, kw_only=True):
    version: str
    effective_from: date
    agencies: dict[str, AgencyPolicy]
    personal_data: frozenset[str]
    returns: ReturnsPolicy = ReturnsPolicy()

    def agency(self, code: str) -> AgencyPolicy | None:
        return self.agencies.get(code)


class PolicyInvalid(Rejected):
    """The policy file has mistakes; ``violations`` lists every one (paths are TOML keys)."""


def parse_policy(data: Mapping[str, Any]) -> Policy:
    """A validated :class:`Policy` from the policy file's table, or :class:`PolicyInvalid`."""
    out: list[Violation] = []
    for key in sorted(set(data) - _TOP_KEYS):
        out.append(_bad(key, "policy.key.unknown", "unknown key", "未知的键"))
    version = data.get("policy_version")
    if not isinstance(version, str) or not version.strip():
        out.append(_bad("policy_version", "policy.version.missing", "a version string", "版本号"))
        version = ""
    effective = _day(data.get("effective_from"))
    if effective is None:
        out.append(
            _bad("effective_from", "policy.effective_from.invalid", "a date", "应为日期 YYYY-MM-DD")
        )
    lists = _lists(data.get("lists", {}), out)
    personal = _grants("personal_data", data.get("personal_data", {}), None, out)
    agencies: dict[str, AgencyPolicy] = {}
    raw_agencies = data.get("agencies")
    if not isinstance(raw_agencies, Mapping) or not raw_agencies:
        out.append(_bad("agencies", "policy.agencies.missing", "no agencies", "未配置任何机构"))
        raw_agencies = {}
    for code, raw in raw_agencies.items():
        agency = _agency(str(code), raw, lists, out)
        if agency is not None:
            agencies[agency.code] = agency
    if agencies and not any(a.always for a in agencies.values()):
        out.append(
            _bad(
                "agencies",
                "policy.routing.no_always",
                'no agency has route_when = "always": a filing could be released by nobody',
                '没有机构配置 route_when = "always"，申报单可能无人审核即放行',
            )
        )
    returns = _returns(data.get("returns", {}), agencies, lists, out)
    if out:
        raise PolicyInvalid(out)
    assert effective is not None  # noqa: S101 - checked above
    return Policy(
        version=version,
        effective_from=effective,
        agencies=agencies,
        personal_data=frozenset(p for paths in personal.values() for p in paths),
        returns=returns,
    )


def _returns(
    raw: object,
    agencies: Mapping[str, AgencyPolicy],
    lists: dict[str, tuple[str, ...]],
    out: list[Violation],
) -> ReturnsPolicy:
    if not isinstance(raw, Mapping):
        out.append(_bad("returns", "policy.returns.invalid", "a table", "应为表"))
        return ReturnsPolicy()
    for key in sorted(set(raw) - _RETURNS_KEYS):
        out.append(_bad(f"returns.{key}", "policy.key.unknown", "unknown key", "未知的键"))
    reviewer = raw.get("reviewed_by")
    if reviewer is not None and not (
        isinstance(reviewer, str) and reviewer in agencies and agencies[reviewer].decides
    ):
        en = "the code of an agency that decides (has route_when)"
        zh = "应为有审核职责（配置了 route_when）的机构代码"
        out.append(_bad("returns.reviewed_by", "policy.returns.reviewer", en, zh))
        reviewer = None
    always, rules = _routing("returns", raw.get("review_when"), lists, out)
    if (rules or always) and reviewer is None:
        en, zh = "review_when needs reviewed_by", "配置 review_when 时须配置 reviewed_by"
        out.append(_bad("returns.reviewed_by", "policy.returns.reviewer", en, zh))
    if always:
        rules = (Rule(()),)  # a rule without conditions always holds
    return ReturnsPolicy(reviewed_by=reviewer, rules=rules)


# --- parts ---------------------------------------------------------------------------------


def _agency(
    code: str, raw: object, lists: dict[str, tuple[str, ...]], out: list[Violation]
) -> AgencyPolicy | None:
    where = f"agencies.{code}"
    before = len(out)
    if not _AGENCY_CODE.fullmatch(code):
        out.append(_bad(where, "policy.agency.code", "lower-case code", "机构代码应为小写字母"))
    if not isinstance(raw, Mapping):
        out.append(_bad(where, "policy.agency.invalid", "a table", "应为表"))
        return None
    for key in sorted(set(raw) - _AGENCY_KEYS):
        out.append(_bad(f"{where}.{key}", "policy.key.unknown", "unknown key", "未知的键"))
    names = {}
    for key in ("name_en", "name_zh"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            out.append(_bad(f"{where}.{key}", "policy.agency.name", "a name", "应填写名称"))
        names[key] = value if isinstance(value, str) else ""
    receives = raw.get("receives", {})
    grants: dict[str, frozenset[str]] = {}
    if not isinstance(receives, Mapping):
        out.append(_bad(f"{where}.receives", "policy.receives.invalid", "a table", "应为表"))
        receives = {}
    for kind, containers in receives.items():
        if kind not in DOCUMENT_STRUCTS:
            known = ", ".join(DOCUMENT_STRUCTS)
            en, zh = f"unknown document kind (known: {known})", f"未知的单证类型（可用：{known}）"
            out.append(_bad(f"{where}.receives.{kind}", "policy.kind.unknown", en, zh))
            continue
        found = _grants(f"{where}.receives.{kind}", containers, kind, out)
        grants[kind] = frozenset(p for paths in found.values() for p in paths)
    lines_of = _only_lines(where, raw.get("only_lines"), lists, grants, out)
    always, rules = _routing(where, raw.get("route_when"), lists, out)
    if len(out) > before:
        return None
    return AgencyPolicy(
        code=code,
        name_en=names["name_en"],
        name_zh=names["name_zh"],
        grants=grants,
        trees={kind: compile_tree(paths) for kind, paths in grants.items()},
        only_lines=next(iter(lines_of.values()), None),
        lines_of=lines_of,
        always=always,
        rules=rules,
    )


def _grants(
    where: str, containers: object, kind: str | None, out: list[Violation]
) -> dict[str, list[str]]:
    """``{container: [names]}`` → ``{container: [leaf paths]}``, each checked against the
    Structs of ``kind`` (or of the kind its root names, when ``kind`` is None)."""
    found: dict[str, list[str]] = {}
    if not isinstance(containers, Mapping):
        out.append(_bad(where, "policy.grant.invalid", "a table of field lists", "应为字段表"))
        return found
    for container, names in containers.items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            out.append(_bad(f"{where}.{container}", "policy.grant.invalid", "a list", "应为列表"))
            continue
        paths = []
        for index, name in enumerate(names, 1):
            path = f"{container}/{name}"
            if _path_kind(path, kind) is None:
                out.append(_unknown_path(f"{where}.{container}[{index}]", path))
            else:
                paths.append(path)
        found[str(container)] = paths
    return found


def _only_lines(
    where: str,
    raw: object,
    lists: dict[str, tuple[str, ...]],
    grants: dict[str, frozenset[str]],
    out: list[Violation],
) -> dict[str, Condition]:
    """One condition on a line field per kind of document (an import list's and an export
    list's lines, say); the agency may receive no other kind."""
    if raw is None:
        return {}
    conditions = _conditions(f"{where}.only_lines", raw, lists, out)
    if conditions is None:
        return {}
    kinds = [c.kind for c in conditions]
    if (
        not conditions
        or any(c.path.count(f"/{ANY}/") != 1 for c in conditions)
        or len(set(kinds)) != len(kinds)
    ):
        en = "one condition on a line field (e.g. InventoryList/*/gcode) per kind of document"
        zh = "每类单证应为针对商品行字段的唯一条件（如 InventoryList/*/gcode）"
        out.append(_bad(f"{where}.only_lines", "policy.only_lines.invalid", en, zh))
        return {}
    others = sorted(set(grants) - set(kinds))
    if others:
        allowed = ", ".join(kinds)
        en = f"an agency that sees only some lines may receive only {allowed}, not {others}"
        zh = f"仅可见部分商品行的机构只能接收 {allowed}，不能接收 {others}"
        out.append(_bad(f"{where}.receives", "policy.only_lines.other_kind", en, zh))
    return {c.kind: c for c in conditions}


def _routing(
    where: str, raw: object, lists: dict[str, tuple[str, ...]], out: list[Violation]
) -> tuple[bool, tuple[Rule, ...]]:
    if raw is None:
        return False, ()
    if raw == ALWAYS:
        return True, ()
    if not isinstance(raw, list) or not raw:
        en, zh = '"always" or a list of rules', '应为 "always" 或规则列表'
        out.append(_bad(f"{where}.route_when", "policy.route_when.invalid", en, zh))
        return False, ()
    rules = []
    for index, table in enumerate(raw, 1):
        conditions = _conditions(f"{where}.route_when[{index}]", table, lists, out)
        if conditions:
            rules.append(Rule(tuple(conditions)))
    return False, tuple(rules)


def _conditions(
    where: str, raw: object, lists: dict[str, tuple[str, ...]], out: list[Violation]
) -> list[Condition] | None:
    if not isinstance(raw, Mapping) or not raw:
        out.append(_bad(where, "policy.condition.invalid", "a table of conditions", "应为条件表"))
        return None
    conditions = []
    for path, test in raw.items():
        at = f'{where}."{path}"'
        kind = _path_kind(path, None)
        if kind is None:
            out.append(_unknown_path(at, path))
            continue
        condition = _condition(at, path, kind, test, lists, out)
        if condition is not None:
            conditions.append(condition)
    return conditions


def _condition(
    at: str,
    path: str,
    kind: str,
    test: object,
    lists: dict[str, tuple[str, ...]],
    out: list[Violation],
) -> Condition | None:
    operators = ", ".join(Operator)
    if not isinstance(test, Mapping) or len(test) != 1 or next(iter(test)) not in set(Operator):
        en, zh = f"one operator of: {operators}", f"应为以下运算之一：{operators}"
        out.append(_bad(at, "policy.condition.operator", en, zh))
        return None
    operator, value = Operator(next(iter(test))), next(iter(test.values()))
    if operator in (Operator.IN, Operator.NOT_IN):
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return Condition(path=path, kind=kind, operator=operator, values=tuple(value))
        out.append(_bad(at, "policy.condition.values", "a list of codes", "应为代码列表"))
        return None
    if operator is Operator.PREFIX_IN:
        if isinstance(value, str) and value in lists:
            return Condition(path=path, kind=kind, operator=operator, values=lists[value])
        out.append(
            _bad(at, "policy.list.unknown", f"no list {value!r}", f"无名为 {value!r} 的列表")
        )
        return None
    amount = _amount(value)
    if amount is None:
        out.append(_bad(at, "policy.condition.amount", "a decimal amount", "应为十进制金额"))
        return None
    return Condition(path=path, kind=kind, operator=operator, amount=amount)


def _lists(raw: object, out: list[Violation]) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, Mapping):
        out.append(_bad("lists", "policy.list.invalid", "a table of lists", "应为列表表"))
        return {}
    lists = {}
    for name, prefixes in raw.items():
        if (
            isinstance(prefixes, list)
            and prefixes
            and all(isinstance(p, str) and _PREFIX.fullmatch(p) for p in prefixes)
        ):
            lists[str(name)] = tuple(prefixes)
        else:
            en, zh = "a list of 2-10 digit HS prefixes", "应为 2 至 10 位数字的 HS 编码前缀列表"
            out.append(_bad(f"lists.{name}", "policy.list.invalid", en, zh))
    return lists


def compile_tree(paths: frozenset[str]) -> Tree:
    """Leaf paths → nested tree (``{"InventoryList": {"*": {"gcode": None}}}``)."""
    tree: Tree = {}
    for path in sorted(paths):
        node = tree
        *parents, leaf = path.split("/")
        for part in parents:
            child = node.setdefault(part, {})
            assert child is not None  # noqa: S101 - leaves never have children
            node = child
        node[leaf] = None
    return tree


def _path_kind(path: str, kind: str | None) -> str | None:
    """The kind whose Structs have leaf ``path`` (restricted to ``kind`` when given)."""
    found = kind_of_root().get(path.split("/", 1)[0])
    if found is None or (kind is not None and found != kind):
        return None
    return found if path in leaf_paths(found) else None


def _text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    return None


def _amount(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None  # a float threshold would not be exact
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _unknown_path(where: str, path: str) -> Violation:
    return _bad(
        where,
        "policy.path.unknown",
        f"{path} is not a field of that document (check spelling and case)",
        f"{path} 不是该单证的字段（请检查拼写和大小写）",
    )


def _bad(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=code, en=en, zh=zh)
