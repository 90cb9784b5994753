"""Chinese names of HS chapters and CBEC headings: the shipped table, the rules it is held to
when it loads (each bad-file case with its code), and Chinese search."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.reference import HsNamesError, chapters, hs_entry, search_hs
from tradewindow.reference.datafiles import rows, source_notes
from tradewindow.reference.hs import DATA_FILE, search_text
from tradewindow.reference.hs_zh import (
    DATA_FILE as NAMES_FILE,
)
from tradewindow.reference.hs_zh import (
    HsChineseName,
    fold,
    parse_names,
    traditional_pairs,
)

# headings most bought in cross-border e-commerce (milk powder, cosmetics, watches …)
CBEC_HEADINGS = [
    "0402", "1901", "2106", "2204", "3303", "3304", "3305", "3306", "3307", "3401",
    "9619", "4202", "6403", "6404", "9101", "9102", "9503", "8471", "8517", "8518",
    "8509", "8510", "8516", "7113", "2936", "0409", "6109", "6110", "6203", "6204",
]  # fmt: skip

# --- the shipped table --------------------------------------------------------------------


def test_every_chapter_has_both_chinese_names() -> None:
    assert len(chapters()) == 96  # 01-97 less 77, reserved
    for chapter in chapters():
        assert chapter.name_zh, chapter.code
        assert chapter.name_zh_hant, chapter.code
    assert hs_entry("77") is None


def test_the_names_read_as_the_tariff_titles() -> None:
    dairy = hs_entry("04")
    assert dairy is not None
    assert dairy.name_zh == "乳品；蛋品；天然蜂蜜；其他食用动物产品"
    assert dairy.name_zh_hant == "乳品；蛋品；天然蜂蜜；其他食用動物產品"
    perfumery = hs_entry("33")
    assert perfumery is not None
    assert perfumery.name_zh_hant == "精油及香膏；芳香料製品及化妝盥洗品"
    diapers = hs_entry("9619")
    assert diapers is not None
    assert diapers.name_zh is not None
    assert "尿布" in diapers.name_zh


def test_the_cbec_headings_have_names_and_subheadings_have_none() -> None:
    named = [row["code"] for row in rows(NAMES_FILE) if len(row["code"]) == 4]
    assert 40 <= len(named) <= 70
    for code in CBEC_HEADINGS:
        entry = hs_entry(code)
        assert entry is not None
        assert entry.name_zh, code
        assert entry.name_zh_hant, code
    subheading = hs_entry("040221")
    assert subheading is not None
    assert (subheading.name_zh, subheading.name_zh_hant) == (None, None)


def test_the_file_says_it_is_not_an_official_translation() -> None:
    notes = " ".join(source_notes(NAMES_FILE))
    assert "NOT an official translation" in notes
    assert "进出口税则" in notes
    assert "77" in notes
    assert "Licence" in notes


# --- the rules a table is held to -----------------------------------------------------------

LEVELS = {"01": 2, "02": 2, "0101": 4, "0201": 4, "010121": 6}
HEADER = "code,name_zh,name_zh_hant,terms_zh,terms_zh_hant"
GOOD = [
    "01,活动物,活動物,,",
    "02,肉及食用杂碎,肉及食用雜碎,牛肉|猪肉,牛肉|豬肉",
    "0201,鲜、冷牛肉,鮮、冷牛肉,牛肉,牛肉",
]


def parsed(lines: list[str], header: str = HEADER) -> dict[str, HsChineseName]:
    return parse_names(csv.DictReader(io.StringIO("\n".join([header, *lines]))), LEVELS)


def refused(lines: list[str], header: str = HEADER) -> list[tuple[str, str]]:
    with pytest.raises(HsNamesError) as raised:
        parsed(lines, header)
    return [(v.code, v.path) for v in raised.value.violations]


def test_a_good_table_parses() -> None:
    names = parsed(GOOD)
    assert sorted(names) == ["01", "02", "0201"]
    assert names["02"].terms_zh == ("牛肉", "猪肉")
    assert names["02"].terms_zh_hant == ("牛肉", "豬肉")
    assert names["01"].terms_zh == ()


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [*GOOD, "4,马,馬,,"], [("hs_zh.code.malformed", "row[4]/code")], id="one digit"
        ),
        pytest.param(
            [*GOOD, "010121,马,馬,,"],
            [("hs_zh.code.malformed", "row[4]/code")],
            id="a subheading",
        ),
        pytest.param(
            [*GOOD, "０１０１,马,馬,,"],
            [("hs_zh.code.malformed", "row[4]/code")],
            id="full-width digits",
        ),
        pytest.param(
            [*GOOD, "77,保留,保留,,"], [("hs_zh.code.reserved", "row[4]/code")], id="chapter 77"
        ),
        pytest.param(
            [*GOOD, "0199,其他,其他,,"],
            [("hs_zh.code.unknown", "row[4]/code")],
            id="a heading HS 2022 lacks",
        ),
        pytest.param(
            [*GOOD, "02,肉,肉,,"], [("hs_zh.code.duplicate", "row[4]/code")], id="a code twice"
        ),
        pytest.param(GOOD[1:], [("hs_zh.chapter.missing", "chapters")], id="a chapter missing"),
        pytest.param(
            [GOOD[0].replace("活动物", ""), *GOOD[1:]],
            [("hs_zh.name.empty", "row[1]/name_zh")],
            id="empty simplified name",
        ),
        pytest.param(
            [GOOD[0].replace("活動物", "  "), *GOOD[1:]],
            [("hs_zh.name.empty", "row[1]/name_zh_hant")],
            id="blank traditional name",
        ),
        pytest.param(
            [GOOD[0].replace("活動物", "活的動物"), *GOOD[1:]],
            [("hs_zh.hant.length", "row[1]/name_zh_hant")],
            id="traditional name not converted character by character",
        ),
        pytest.param(
            [GOOD[0], "02,肉,肉,牛肉||猪肉,牛肉|豬肉|羊肉", GOOD[2]],
            [("hs_zh.term.empty", "row[2]/terms_zh")],
            id="an empty term",
        ),
        pytest.param(
            [GOOD[0], "02,肉,肉,牛肉|猪肉,牛肉", GOOD[2]],
            [("hs_zh.terms.unpaired", "row[2]/terms_zh_hant")],
            id="terms that do not pair up",
        ),
        pytest.param(
            [GOOD[0], "02,肉,肉,牛肉|猪肉,牛肉|豬肉肉", GOOD[2]],
            [("hs_zh.hant.length", "row[2]/terms_zh_hant[2]")],
            id="a traditional term of another length",
        ),
        pytest.param(
            [GOOD[0], "02,肉,肉,牛肉", GOOD[2]], [("hs_zh.row.cells", "row[2]")], id="short row"
        ),
        pytest.param(
            [GOOD[0], "02,肉,肉,牛肉,牛肉,多余", GOOD[2]],
            [("hs_zh.row.cells", "row[2]")],
            id="unquoted comma",
        ),
    ],
)
def test_each_bad_table_is_refused_with_its_code(
    lines: list[str], expected: list[tuple[str, str]]
) -> None:
    assert refused(lines) == expected


@pytest.mark.parametrize(
    "header",
    [
        "code,name_zh,terms_zh,terms_zh_hant",
        "code,name_zh,name_zh_hant,terms_zh,terms_zh_hant,name_en",
        "code,name_zh,name_hant,terms_zh,terms_zh_hant",
    ],
)
def test_a_wrong_header_is_refused_before_any_row(header: str) -> None:
    assert refused(GOOD, header) == [("hs_zh.columns.wrong", "header")]


def test_every_fault_is_reported_at_once_with_a_precise_message() -> None:
    lines = ["01,,活動物,,", "02,肉,肉,牛肉|,牛肉|", "77,保留,保留,,"]
    with pytest.raises(HsNamesError) as raised:
        parsed(lines)
    assert [(v.code, v.path) for v in raised.value.violations] == [
        ("hs_zh.name.empty", "row[1]/name_zh"),
        ("hs_zh.term.empty", "row[2]/terms_zh"),
        ("hs_zh.term.empty", "row[2]/terms_zh_hant"),
        ("hs_zh.code.reserved", "row[3]/code"),
    ]
    text = str(raised.value)
    assert text.startswith("hs2022-zh.csv cannot be used (4 problems)")
    assert "[hs_zh.code.reserved] row[3]/code: chapter 77 is reserved" in text
    assert all(v.zh for v in raised.value.violations)


def test_the_shipped_names_are_checked_against_the_shipped_hs_table() -> None:
    levels = {row["code"]: int(row["level"]) for row in rows(DATA_FILE)}
    shipped = list(rows(NAMES_FILE))
    assert len(parse_names(shipped, levels)) == len(shipped)
    without_33 = [row for row in shipped if row["code"] != "33"]
    with pytest.raises(HsNamesError) as raised:
        parse_names(without_33, levels)
    assert [(v.code, v.en) for v in raised.value.violations] == [
        ("hs_zh.chapter.missing", "HS 2022 chapter 33 has no row")
    ]
    levels.pop("3304")
    with pytest.raises(HsNamesError) as unknown:
        parse_names(shipped, levels)
    assert [v.code for v in unknown.value.violations] == ["hs_zh.code.unknown"]


# --- Chinese search ------------------------------------------------------------------------


def codes(query: str) -> list[str]:
    return [entry.code for entry in search_hs(query, limit=50)]


def test_milk_powder_finds_the_heading_and_infant_formula() -> None:
    assert codes("奶粉")[:2] == ["0402", "1901"]
    assert codes("婴儿奶粉") == ["1901"]


@pytest.mark.parametrize("query", ["化妆品", "化妝品"])
def test_cosmetics_finds_chapter_33_in_either_script(query: str) -> None:
    found = codes(query)
    assert found[0] == "33"
    assert "3304" in found


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("化妝品", "化妆品"),
        ("嬰兒奶粉", "婴儿奶粉"),
        ("手錶", "手表"),
        ("紙尿褲", "纸尿裤"),
        ("護膚品", "护肤品"),
        ("葡萄酒", "葡萄酒"),
        ("鐘錶", "钟表"),
        ("嬰兒", "婴儿"),
    ],
)
def test_a_traditional_query_finds_what_its_simplified_form_finds(
    traditional: str, simplified: str
) -> None:
    assert codes(traditional) == codes(simplified)
    assert codes(simplified)


def test_exact_names_and_search_words_come_first() -> None:
    # 手表 is a search word of 9101 and 9102; 8517 only has 智能手表
    assert codes("手表") == ["9101", "9102", "8517"]
    # a code still finds that code first, then what lies under it
    assert codes("3304")[0] == "3304"


@pytest.mark.parametrize(
    ("query", "first"),
    [("３３０４", "3304"), ("Ｔ恤", "6109"), ("t恤", "6109"), ("MILK POWDER", "040210")],
)
def test_full_width_and_case_do_not_matter(query: str, first: str) -> None:
    assert codes(query)[0] == first


def test_english_and_chinese_words_combine() -> None:
    assert "0402" in codes("奶粉 milk")
    assert codes("奶粉 zzzqqq") == []


# the aligned (Simplified, Traditional) texts of the shipped table
PAIRS = [
    pair
    for row in rows(NAMES_FILE)
    for pair in [
        (row["name_zh"], row["name_zh_hant"]),
        *zip(row["terms_zh"].split("|"), row["terms_zh_hant"].split("|"), strict=True),
    ]
    if pair[0]
]


@st.composite
def slices(draw: st.DrawFn) -> tuple[str, str]:
    simplified, traditional = draw(st.sampled_from(PAIRS))
    start = draw(st.integers(0, len(simplified) - 1))
    end = draw(st.integers(start + 1, len(simplified)))
    return simplified[start:end], traditional[start:end]


@given(slices())
def test_any_traditional_slice_finds_what_its_simplified_slice_finds(
    pair: tuple[str, str],
) -> None:
    simplified, traditional = pair
    assert search_text(traditional) == search_text(simplified)
    assert codes(traditional) == codes(simplified)


@given(st.text())
def test_folding_settles_in_one_pass(text: str) -> None:
    once = search_text(text)
    assert search_text(once) == once


def name(simplified: str, traditional: str) -> HsChineseName:
    return HsChineseName(
        code="01", name_zh=simplified, name_zh_hant=traditional, terms_zh=(), terms_zh_hant=()
    )


def test_character_pairs_leave_out_what_is_ambiguous_or_chained() -> None:
    pairs = traditional_pairs(
        [name("饼干", "餅乾"), name("干手", "乾手"), name("面包", "麵包"), name("面膜", "面膜")]
    )
    assert pairs == {"餅": "饼", "乾": "干", "麵": "面"}
    # 甲 stands for two Simplified characters: it is left as typed
    assert traditional_pairs([name("乙", "甲"), name("丙", "甲")]) == {}
    # 丙 → 乙 → 甲 would need two passes: 丙 is left as typed
    assert traditional_pairs([name("甲", "乙"), name("乙", "丙")]) == {"乙": "甲"}
    assert fold("ＡＢ麵包", {"麵": "面"}) == "ab面包"
