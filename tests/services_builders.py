"""Builders of service-trade test data: an item of the rule-integration registry, a
recognised profession, an application form and its documents (``import services_builders``)."""

from __future__ import annotations

from datetime import date

import msgspec

from tradewindow.services.documents import Upload
from tradewindow.services.identity import Home
from tradewindow.services.recognition import ApplicationForm, Employer, HomeLicence, Profession
from tradewindow.services.registry import Field, ItemContent, ItemStatus, Milestone

PDF = b"%PDF-1.7\n" + b"0" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 200
EMPLOYER_USCC = "914403001922038216"


def item(number: str = "1", **changes: object) -> ItemContent:
    content = ItemContent(
        list_code="gz-72",
        number=number,
        field=Field.LEGAL,
        title_en="Hong Kong and Macao law firms in partnership",
        title_zh="粤港澳合伙联营律师事务所",
        mainland_rule="《律师事务所管理办法》",
        counterpart=("HK", "MO"),
        counterpart_rule="Legal Practitioners Ordinance (Cap. 159)",
        measure_en="Partnership associations may take Hong Kong and Macao partners",
        measure_zh="合伙联营律师事务所可吸收港澳律师为合伙人",
        departments=("gz_justice",),
        cities=("guangzhou",),
        status=ItemStatus.PLANNED,
        milestones=(Milestone(on=date(2026, 1, 5), status=ItemStatus.PLANNED),),
    )
    return msgspec.structs.replace(content, **changes)


def in_force(number: str = "1") -> ItemContent:
    return item(
        number,
        status=ItemStatus.IN_FORCE,
        milestones=(
            Milestone(on=date(2026, 1, 5), status=ItemStatus.PLANNED),
            Milestone(
                on=date(2026, 6, 1),
                status=ItemStatus.IN_FORCE,
                evidence_url="https://example.gov.cn/notice/1",
            ),
        ),
    )


def profession(code: str = "hk-architect", **changes: object) -> Profession:
    found = Profession(
        code=code,
        field=Field.CONSTRUCTION,
        name_en="Architect",
        name_zh="建筑师",
        home=Home.HK,
        authority="hk-arb",
        authority_en="Architects Registration Board",
        authority_zh="建築師註冊管理局",
        department="sz_housing",
        department_en="Shenzhen Housing and Construction Bureau",
        department_zh="深圳市住房和建设局",
        conditions_en="Registered in Hong Kong; employed by a mainland firm",
        conditions_zh="持香港注册资格并受聘于内地企业",
        validity_years=3,
        source_document="illustrative",
        valid_from=date(2025, 1, 1),
        illustrative=True,
    )
    return msgspec.structs.replace(found, **changes)


def form(**changes: object) -> ApplicationForm:
    found = ApplicationForm(
        profession="hk-architect",
        identity_kind="hk_identity_card",
        identity_number="A123456(3)",
        name_en="CHAN Tai Man",
        name_zh="陳大文",
        licence=HomeLicence(authority="hk-arb", number="ARB-1234", valid_until=date(2028, 3, 31)),
        employer=Employer(uscc=EMPLOYER_USCC, name="华为技术有限公司"),
        city="shenzhen",
    )
    return msgspec.structs.replace(found, **changes)


def uploads() -> list[Upload]:
    return [
        Upload(kind="identity", filename="hkid.pdf", media_type="application/pdf", content=PDF),
        Upload(kind="licence", filename="licence.png", media_type="image/png", content=PNG),
        Upload(kind="employment", filename="offer.pdf", media_type="application/pdf", content=PDF),
    ]
