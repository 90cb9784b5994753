"""The lookup's HS pages in each language: Chinese names on Chinese pages next to the English
description, the note on what the Chinese names cover, and the English page unchanged."""

from __future__ import annotations

import lxml.html
import pytest

from tradewindow.web.i18n import message


def html(client, path: str) -> lxml.html.HtmlElement:
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.text)


def cells(page: lxml.html.HtmlElement, code: str) -> tuple[str, str]:
    """The Chinese name and the English description shown for ``code`` in the results."""
    (row,) = page.xpath(f'//table[@data-hs-results]//tr[@data-code="{code}"]')
    name = row.xpath('string(.//span[@class="hs-name"])')
    english = row.xpath('string(.//span[@lang="en"])')
    return name, english


@pytest.mark.parametrize(
    ("language", "query", "name"),
    [
        ("zh-Hans", "奶粉", "浓缩、加糖或其他甜物质的乳及奶油"),
        ("zh-Hant", "奶粉", "濃縮、加糖或其他甜物質的乳及奶油"),
        ("zh-Hant", "紙尿褲", None),
    ],
)
def test_a_chinese_search_shows_chinese_names_and_what_they_cover(
    client, language, query, name
) -> None:
    page = html(client, f"/lookup?q={query}&lang={language}")
    codes = page.xpath("//table[@data-hs-results]//tr/@data-code")
    if name is not None:
        assert codes == ["0402", "1901"]
        shown, english = cells(page, "0402")
        assert shown == name
        assert english.startswith("Milk and cream; concentrated")
    else:
        assert codes == ["9619"]
        assert cells(page, "9619")[0].startswith("任何材料製的衛生巾")
    (note,) = page.xpath("//p[@data-hs-zh-note]")
    assert note.text_content() == message(language, "public.hs.zh_partial")
    assert "not an official translation" in message("en", "public.hs.zh_partial")


def test_the_english_page_shows_english_only(client) -> None:
    page = html(client, "/lookup?q=奶粉&lang=en")
    name, english = cells(page, "0402")
    assert name == ""
    assert english.startswith("Milk and cream")
    assert not page.xpath('//*[@class="hs-name"]')
    chapters = html(client, "/lookup/hs?lang=en")
    assert "乳品" not in chapters.text_content()


@pytest.mark.parametrize(
    ("language", "dairy"),
    [
        ("zh-Hans", "乳品；蛋品；天然蜂蜜；其他食用动物产品"),
        ("zh-Hant", "乳品；蛋品；天然蜂蜜；其他食用動物產品"),
    ],
)
def test_the_chapter_list_names_every_chapter_in_the_pages_script(client, language, dairy) -> None:
    page = html(client, f"/lookup/hs?lang={language}")
    items = page.xpath('//ul[@class="hs-list"]/li')
    assert len(items) == 96
    assert all(item.xpath('.//span[@class="hs-name"]') for item in items)
    dairy_item = items[3]
    assert dairy_item.xpath('string(.//span[@class="hs-list__code"])') == "第04章"
    assert dairy_item.xpath('string(.//span[@class="hs-name"])') == dairy
    assert dairy_item.xpath('string(.//span[@lang="en"])').startswith("Dairy produce")
    heading = html(client, f"/lookup/hs/0402?lang={language}")
    assert heading.xpath("string(//p[@data-hs-name])") == (
        "浓缩、加糖或其他甜物质的乳及奶油"
        if language == "zh-Hans"
        else "濃縮、加糖或其他甜物質的乳及奶油"
    )
    assert heading.xpath("//p[@data-hs-zh-note]")


def test_searching_a_ten_digit_code_finds_its_page(client) -> None:
    page = html(client, "/lookup?q=0402290000&lang=zh-Hant")
    (row,) = page.xpath('//table[@data-hs-results]//tr[@data-code="040229"]')
    assert row.xpath(".//a/@href")[0].startswith("/lookup/hs/040229")
    assert "Nothing matches" not in page.text_content()
