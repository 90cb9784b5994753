"""Service-trade resources in an API ``World``: department officers (each an agency party
with an API key in ``world.keys``), a recognised profession, a licence on the simulated Hong
Kong register, an application by the broker and a draft item of the Guangzhou justice bureau."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from api_world import World, decoded

import services_builders as sb
from tradewindow.parties.model import RegisterParty

OFFICES = {
    "sz-housing-office": "sz_housing",
    "sz-health-office": "sz_health",
    "gz-justice-office": "gz_justice",
}


def seed_services(world: World) -> dict[str, str]:
    """The resources' path parameters: ``application_id``, ``index``, ``list_code``, ``number``."""
    parties = world.window.app.parties  # the bootstrap registry, which knows the departments
    for party_id, department in OFFICES.items():
        parties.register(
            RegisterParty(
                id=party_id,
                name_zh=party_id,
                name_en=party_id,
                kind="agency",
                roles=(department,),
                jurisdictions=("CN",),
            )
        )
        world.keys[party_id] = parties.issue_key(party_id).api_key
    trade = world.window.app.service_trade
    trade.recognitions.load_professions([sb.profession()])
    trade.registers["HK"].enrol("hk-arb", "ARB-1234", "CHAN Tai Man", date(2028, 3, 31))
    applied = world.client.post(
        "/v1/services/my-applications",
        json=application_json(),
        headers={**world.auth("broker"), "Idempotency-Key": world.key()},
    )
    assert applied.status_code == 201, applied.text
    drafted = world.client.post(
        "/v1/services/rules",
        json=item_json(),
        headers=world.auth("gz-justice-office"),
    )
    assert drafted.status_code == 201, drafted.text
    return {
        "application_id": decoded(applied)["id"],
        "index": "1",
        "list_code": "gz-72",
        "number": "1",
    }


def application_json(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "profession": "hk-architect",
        "identityKind": "hk_identity_card",
        "identityNumber": "A123456(3)",
        "nameEn": "CHAN Tai Man",
        "nameZh": "陳大文",
        "licence": {"authority": "hk-arb", "number": "ARB-1234", "validUntil": "2028-03-31"},
        "employer": {"uscc": sb.EMPLOYER_USCC, "name": "华为技术有限公司"},
        "city": "shenzhen",
        "documents": [
            {
                "kind": upload.kind,
                "filename": upload.filename,
                "mediaType": upload.media_type,
                "content": base64.b64encode(upload.content).decode(),
            }
            for upload in sb.uploads()
        ],
    }
    return body | changes


def item_json(number: str = "1") -> dict[str, Any]:
    return {
        "listCode": "gz-72",
        "number": number,
        "field": "legal",
        "titleEn": "Hong Kong and Macao lawyers in partnership firms",
        "titleZh": "粤港澳合伙联营律师事务所",
        "mainlandRule": "《律师事务所管理办法》",
        "counterpart": ["HK", "MO"],
        "counterpartRule": "Legal Practitioners Ordinance (Cap. 159)",
        "measureEn": "Partnership firms may take Hong Kong and Macao partners",
        "measureZh": "合伙联营律师事务所可吸收港澳律师为合伙人",
        "departments": ["gz_justice"],
        "cities": ["guangzhou"],
        "status": "planned",
    }
