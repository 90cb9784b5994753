"""The research-data channel's pages in Chromium: the sender's data officer sees the approval
waiting for them and gives it (Traditional Chinese), the researcher sees the transfer and its
state (English), a clerk outside the project sees nothing of it, and the regulator's register
lists the transfer and its mechanism without a byte of its data (Simplified Chinese)."""

from __future__ import annotations

import hashlib
from datetime import date

from playwright.sync_api import expect
from portal_world import PASSWORD, World
from test_every_page_browser import OWN_TEXT, simplified_only
from test_portal_journeys import sign_in, sign_out

from tradewindow.datachannel.model import (
    Classification,
    Dataset,
    Member,
    PersonalInformation,
    Project,
    ProjectApproval,
    Role,
)

CONTENT = b"sediment cores 2026, station 7: never shown on a page"


def seed(world: World) -> None:
    for username in ("researcher-li", "officer-wang", "researcher-chan", "officer-wong"):
        world.accounts.add("firm", username, PASSWORD)
    person = {
        name: f"portal:{name}"
        for name in ("researcher-li", "officer-wang", "researcher-chan", "officer-wong")
    }
    channel = world.window.app.data
    valid = {"valid_from": date(2026, 1, 1), "valid_until": date(2099, 12, 31)}
    channel.save_project(
        Project(
            code="P-ESTUARY",
            title="Pearl River estuary survey",
            purpose="sediment transport",
            sender="BAYU-NANSHA",
            recipient="BAYU-HK",
            members=(
                Member(
                    person=person["researcher-li"],
                    institution="BAYU-NANSHA",
                    role=Role.PRINCIPAL_INVESTIGATOR,
                ),
                Member(
                    person=person["officer-wang"], institution="BAYU-NANSHA", role=Role.DATA_OFFICER
                ),
                Member(person=person["researcher-chan"], institution="BAYU-HK", role=Role.MEMBER),
                Member(
                    person=person["officer-wong"], institution="BAYU-HK", role=Role.DATA_OFFICER
                ),
            ),
            approvals=(
                ProjectApproval(kind="ethics", reference="E-1", **valid),
                ProjectApproval(kind="data_office", reference="D-1", **valid),
            ),
        )
    )
    li = person["researcher-li"]
    channel.save_dataset(
        li,
        Dataset(
            code="D-CORES",
            project="P-ESTUARY",
            owner=li,
            description="sediment cores",
            format="csv",
            classification=Classification.GENERAL,
            personal_information=PersonalInformation.NONE,
        ),
    )
    channel.request(li, "T-CORES", "D-CORES", [person["researcher-chan"]], date(2099, 1, 1))
    channel.begin_upload(li, "T-CORES", len(CONTENT), 1024)
    channel.put_chunk(li, "T-CORES", 0, CONTENT, hashlib.sha256(CONTENT).hexdigest())
    channel.finish_upload(li, "T-CORES")


def test_research_data_pages(world: World, page: object) -> None:
    seed(world)
    p = page  # Playwright's page (typed loosely, as the portal tests do)
    sign_in(p, "officer-wang")
    p.goto("/portal/data?lang=zh-Hant")  # type: ignore[attr-defined]
    waiting = p.locator("[data-waiting=T-CORES]")  # type: ignore[attr-defined]
    expect(waiting).to_be_visible()
    texts = p.evaluate(OWN_TEXT)  # type: ignore[attr-defined]
    bad = simplified_only()
    assert not [t for t in texts if any(c in bad for c in t)]
    waiting.locator("[data-approve=sender_officer]").click()
    expect(p.locator("[data-waiting=T-CORES]")).to_have_count(0)  # type: ignore[attr-defined]
    row = p.locator("[data-transfer=T-CORES]")  # type: ignore[attr-defined]
    expect(row).to_contain_text("接收方數據保護負責人")
    sign_out(p)

    sign_in(p, "researcher-li")
    p.goto("/portal/data?lang=en")  # type: ignore[attr-defined]
    row = p.locator("[data-transfer=T-CORES]")  # type: ignore[attr-defined]
    expect(row).to_contain_text("Uploaded")
    expect(row).to_contain_text("recipient's data officer")
    expect(p.locator("[data-section=waiting]")).to_have_count(0)  # type: ignore[attr-defined]
    sign_out(p)

    sign_in(p, "clerk")  # the same firm, not in the project
    p.goto("/portal/data?lang=en")  # type: ignore[attr-defined]
    expect(p.locator("[data-empty]")).to_be_visible()  # type: ignore[attr-defined]
    expect(p.locator("[data-transfer]")).to_have_count(0)  # type: ignore[attr-defined]
    sign_out(p)

    sign_in(p, "officer-customs")
    p.goto("/workbench/data?lang=zh-Hans")  # type: ignore[attr-defined]
    entry = p.locator("[data-entry=T-CORES]")  # type: ignore[attr-defined]
    expect(entry).to_contain_text("免予申报")
    expect(entry).to_contain_text("已上传")
    assert "sediment cores 2026" not in p.content()  # type: ignore[attr-defined]
