"""The message catalogues and how figures are written in each language."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tradewindow.web import i18n
from tradewindow.web.pages import labels
from tradewindow.web.pages.shell import TEMPLATES


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_message_with_the_same_placeholders() -> None:
    english = i18n.catalogue("en")
    for language in ("zh-Hans", "zh-Hant"):
        other = i18n.catalogue(language)
        assert set(other) == set(english), language
        for key, text in english.items():
            assert placeholders(other[key]) == placeholders(text), (language, key)


def test_every_message_a_template_names_exists() -> None:
    named: set[str] = set()
    for template in Path(TEMPLATES).rglob("*.html"):
        named |= set(re.findall(r"""_\(\s*["']([a-z_.]+)["']\s*[,)]""", template.read_text()))
    assert named, "no message found: the pattern is wrong"
    assert named - set(i18n.catalogue("en")) == set()


@pytest.mark.parametrize(
    ("value", "language", "written"),
    [
        (Decimal("48182345678.90"), "en", "¥48.18 bn"),
        (Decimal("48182345678.90"), "zh-Hans", "481.82亿元"),
        (Decimal("48182345678.90"), "zh-Hant", "481.82億元"),
        (Decimal("672988.75"), "en", "¥672,988.75"),
        (Decimal("672988.75"), "zh-Hans", "67.30万元"),
        (Decimal("4825000"), "en", "¥4.83 m"),
        (Decimal("9999.994"), "zh-Hans", "9,999.99元"),
        (None, "en", "—"),
    ],
)
def test_money_is_scaled_as_readers_of_the_language_expect(value, language, written) -> None:
    assert i18n.money(value, language) == written


def test_counts_percentages_and_as_of_times() -> None:
    assert i18n.count(4823100, "en") == "4.82 m"
    assert i18n.count(4823100, "zh-Hant") == "482.31萬"
    assert i18n.count(191, "zh-Hans") == "191"
    assert i18n.percent(Decimal("1.4000"), "en", signed=True) == "+140.0%"
    assert i18n.percent(Decimal("-0.0525"), "en", signed=True) == "-5.3%"
    assert i18n.percent(Decimal("0.80"), "zh-Hans") == "80.0%"

    assert i18n.moment(datetime(2026, 3, 15, 16, 5, tzinfo=UTC), "en") == "2026-03-16 00:05 (UTC+8)"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-TW", "zh-Hant"),
        ("zh-Hant-HK", "zh-Hant"),
        ("zh-MO,en;q=0.9", "zh-Hant"),
        ("zh", "zh-Hans"),
        ("en-GB,zh-CN;q=0.9", "en"),
        ("de, fr;q=0.9", None),
        ("en;q=0.2, zh-SG;q=0.8", "zh-Hans"),
        ("zh-CN;q=0, en;q=0.1", "en"),
        ("", None),
    ],
)
def test_accept_language_picks_the_best_supported_language(header, language) -> None:
    assert i18n.from_accept_language(header) == language


def test_codes_are_named_in_each_language() -> None:
    assert [labels.city("hong-kong", x) for x in i18n.LANGUAGES] == ["Hong Kong", "香港", "香港"]
    assert [labels.country("502", x) for x in i18n.LANGUAGES] == ["United States", "美国", "美國"]
    assert labels.label("hs_chapter", "33", "zh-Hans") == "33 精油及香膏"
    assert labels.label("hs_chapter", "61", "zh-Hant") == "61 針織或鉤編的服裝及衣著附件"
    assert labels.chapter_title("04", "zh-Hant") == "04 乳品；蛋品；天然蜂蜜；其他食用動物產品"
    assert labels.label("hs_chapter", "99", "zh-Hant") == "第99章"  # no such HS chapter
    assert labels.label("hs_chapter", "33", "en").startswith("33 Essential oils")
    assert labels.label("city", None, "zh-Hans") == "大湾区以外"
    assert labels.label("direction", "export", "zh-Hant") == "出口"
