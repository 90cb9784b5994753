"""A party's text holds no character CEB XML or PostgreSQL cannot (issue 15: a NUL in a name
was accepted): the rule is the registry core's, so every channel (CLI, portal, API, seed)
gets the same ``text.character`` violation with the field's path."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewindow.parties.errors import InvalidParty
from tradewindow.parties.model import RegisterParty, prepare_party
from tradewindow.text import FORBIDDEN

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
FIELDS = ("name_zh", "name_en", "city", "sector")
BAD = st.sampled_from(
    [chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20))]
    + ["\ud800", "\udfff", "\ufdd0", "\ufffe", "\U0010ffff"]
)


def command(**text: str) -> RegisterParty:
    fields = {"name_zh": "深圳测试", "name_en": "Test Ltd", "city": "shenzhen", "sector": "it"}
    fields.update(text)
    return RegisterParty(
        kind="enterprise",
        roles=("broker",),
        identifiers=(("cn.customs", "4403DM2101"),),
        **fields,
    )


@given(field=st.sampled_from(FIELDS), before=st.text(max_size=8), bad=BAD)
def test_a_forbidden_character_in_any_text_field_is_refused(
    field: str, before: str, bad: str
) -> None:
    with pytest.raises(InvalidParty) as caught:
        prepare_party(command(**{field: f"{before}{bad}x"}), "p-1", NOW)
    found = [(v.path, v.code) for v in caught.value.violations]
    assert (field, "text.character") in found


@given(name=st.text(max_size=30).filter(lambda t: t.strip() and not FORBIDDEN.search(t)))
def test_any_other_name_is_taken(name: str) -> None:
    party = prepare_party(command(name_en=name), "p-1", NOW)
    assert party.name_en == name.strip()


def test_every_field_with_a_forbidden_character_is_named_at_once() -> None:
    with pytest.raises(InvalidParty) as caught:
        prepare_party(command(name_zh="甲\x00", name_en="A\x07", city="x\x1f"), "p-1", NOW)
    assert [(v.path, v.code) for v in caught.value.violations] == [
        ("name_zh", "text.character"),
        ("name_en", "text.character"),
        ("city", "text.character"),
    ]
    assert "U+0000" in caught.value.violations[0].en
