"""The demo's service-trade registries, all marked illustrative: Guangzhou's list of 72 rule-
integration items and Shenzhen's 20 recognised professions in 6 fields are not published as
data, so the demo makes lists of the same shape (items in every status with dated
milestones, professions of Hong Kong and Macao) and a few hundred applications in every state
over the past two years, through the same use cases and simulated registers the pages use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tradewindow.bootstrap import App
from tradewindow.evidence.service_trade import ServiceRecords
from tradewindow.parties.errors import PartyNotFound
from tradewindow.parties.identifiers import organisation_check_character, uscc_check_character
from tradewindow.parties.model import Party, RegisterParty
from tradewindow.services.departments import departments
from tradewindow.services.disclosure import shipped_disclosure
from tradewindow.services.documents import EicarScanner, Upload
from tradewindow.services.errors import Conflict
from tradewindow.services.hk_register import SimulatedRegister
from tradewindow.services.identity import Home, hkid_check_character
from tradewindow.services.recognition import (
    ApplicationForm,
    Employer,
    HomeLicence,
    LicenceStatus,
    Profession,
)
from tradewindow.services.recognition_service import Officer, Recognitions
from tradewindow.services.registry import Editor, Field, ItemContent, ItemStatus, Milestone
from tradewindow.services.registry_service import RuleRegistry

PDF = b"%PDF-1.4\n% tradewindow demo document (illustrative)\n%%EOF\n"
EVIDENCE = "https://www.gd.gov.cn/"  # the province's portal: the demo's items cite no real notice
SOURCE = "illustrative (demo)"

# (field, department of Guangzhou, English and Chinese topic)
TOPICS: tuple[tuple[Field, str, str, str], ...] = (
    (Field.FINANCE, "gz_finance", "cross-border wealth management connect", "跨境理财通"),
    (Field.FINANCE, "gz_finance", "cross-border insurance services", "跨境保险服务"),
    (Field.LEGAL, "gz_justice", "joint-venture law firms", "合伙联营律师事务所"),
    (Field.LEGAL, "gz_justice", "cross-border commercial mediation", "跨境商事调解"),
    (Field.CONSTRUCTION, "gz_housing", "construction project management", "建设工程管理模式"),
    (Field.CONSTRUCTION, "gz_housing", "engineering consultancy", "工程咨询服务"),
    (Field.HEALTHCARE, "gz_health", "medical practice by Hong Kong doctors", "港澳医师执业"),
    (Field.HEALTHCARE, "gz_health", "use of Hong Kong registered medicines", "港澳药械使用"),
    (Field.TOURISM, "gz_tourism", "tour guide services", "导游服务"),
    (Field.EDUCATION, "gz_education", "teacher qualifications", "教师资格"),
    (Field.TAXATION, "gz_tax", "individual income tax subsidies", "个人所得税优惠"),
    (Field.TRADE, "gz_commerce", "service trade statistics", "服务贸易统计"),
)
MAINLAND_CITIES = ("guangzhou", "shenzhen", "zhuhai", "foshan", "dongguan", "zhongshan")

# (code, field, English, Chinese, home, authority code, English, Chinese, department)
PROFESSIONS: tuple[tuple[str, Field, str, str, Home, str, str, str, str], ...] = (
    ("hk-architect", Field.CONSTRUCTION, "Architect", "建筑师", Home.HK, "hk-arb",
     "Architects Registration Board", "建築師註冊管理局", "sz_housing"),
    ("hk-structural-engineer", Field.CONSTRUCTION, "Structural engineer", "结构工程师", Home.HK,
     "hk-erb", "Engineers Registration Board", "工程師註冊管理局", "sz_housing"),
    ("hk-quantity-surveyor", Field.CONSTRUCTION, "Quantity surveyor", "工料测量师", Home.HK,
     "hk-srb", "Surveyors Registration Board", "測量師註冊管理局", "sz_housing"),
    ("hk-planner", Field.CONSTRUCTION, "Planner", "规划师", Home.HK, "hk-prb",
     "Planners Registration Board", "規劃師註冊管理局", "sz_housing"),
    ("hk-landscape-architect", Field.CONSTRUCTION, "Landscape architect", "园境师", Home.HK,
     "hk-larb", "Landscape Architects Registration Board", "園境師註冊管理局", "sz_housing"),
    ("mo-architect", Field.CONSTRUCTION, "Architect", "建筑师", Home.MO, "mo-cotfp",
     "Architecture and Engineering Professional Council", "建築、工程及城市規劃專業委員會",
     "sz_housing"),
    ("hk-doctor", Field.HEALTHCARE, "Medical practitioner", "医师", Home.HK, "hk-mchk",
     "Medical Council of Hong Kong", "香港醫務委員會", "sz_health"),
    ("hk-dentist", Field.HEALTHCARE, "Dentist", "牙医", Home.HK, "hk-dchk",
     "Dental Council of Hong Kong", "香港牙醫管理委員會", "sz_health"),
    ("hk-pharmacist", Field.HEALTHCARE, "Pharmacist", "药剂师", Home.HK, "hk-ppb",
     "Pharmacy and Poisons Board", "藥劑業及毒藥管理局", "sz_health"),
    ("mo-doctor", Field.HEALTHCARE, "Medical practitioner", "医师", Home.MO, "mo-ssm",
     "Health Bureau", "衛生局", "sz_health"),
    ("hk-lawyer", Field.LEGAL, "Solicitor", "律师", Home.HK, "hk-lawsoc",
     "Law Society of Hong Kong", "香港律師會", "sz_justice"),
    ("mo-lawyer", Field.LEGAL, "Lawyer", "律师", Home.MO, "mo-aam",
     "Macau Lawyers Association", "澳門律師公會", "sz_justice"),
    ("hk-accountant", Field.FINANCE, "Certified public accountant", "注册会计师", Home.HK,
     "hk-hkicpa", "Hong Kong Institute of CPAs", "香港會計師公會", "sz_finance"),
    ("hk-tax-adviser", Field.FINANCE, "Tax adviser", "税务师", Home.HK, "hk-tih",
     "Taxation Institute of Hong Kong", "香港稅務學會", "sz_tax"),
    ("mo-accountant", Field.FINANCE, "Registered accountant", "注册会计师", Home.MO, "mo-crc",
     "Accountants Registration Committee", "會計師註冊委員會", "sz_finance"),
    ("hk-tour-guide", Field.TOURISM, "Tour guide", "导游", Home.HK, "hk-tia",
     "Travel Industry Authority", "旅遊業監管局", "sz_tourism"),
    ("hk-tour-escort", Field.TOURISM, "Tour escort", "领队", Home.HK, "hk-tia",
     "Travel Industry Authority", "旅遊業監管局", "sz_tourism"),
    ("mo-tour-guide", Field.TOURISM, "Tour guide", "导游", Home.MO, "mo-dst",
     "Macao Government Tourism Office", "旅遊局", "sz_tourism"),
    ("hk-teacher", Field.EDUCATION, "Registered teacher", "教师", Home.HK, "hk-edb",
     "Education Bureau", "教育局", "qh_authority"),
    ("mo-teacher", Field.EDUCATION, "Teacher", "教师", Home.MO, "mo-dsedj",
     "Education and Youth Development Bureau", "教育及青年發展局", "hq_authority"),
)  # fmt: skip

# Hong Kong and Macao names are written in Traditional characters, as the professionals do
SURNAMES = (
    ("CHAN", "陳"), ("LEUNG", "梁"), ("WONG", "黃"), ("LAU", "劉"), ("HO", "何"),
    ("CHEUNG", "張"), ("LAM", "林"), ("NG", "吳"), ("TSANG", "曾"), ("LEONG", "梁"),
)  # fmt: skip
GIVEN = (
    ("Ka Yan", "嘉欣"), ("Chi Wai", "志偉"), ("Wing Sze", "詠詩"), ("Ho Yin", "浩然"),
    ("Mei Ling", "美玲"), ("Kwok Keung", "國強"), ("Siu Fong", "小芳"), ("Tak Ming", "德明"),
)  # fmt: skip
EMPLOYERS = (
    "深圳前海建筑设计有限公司", "广州南沙医疗集团有限公司", "珠海横琴律师事务所",
    "东莞松山湖会计师事务所", "佛山顺德旅游发展有限公司", "深圳湾教育科技有限公司",
)  # fmt: skip


@dataclass(frozen=True)
class ServiceTradeDemo:
    items: int
    professions: int
    applications: dict[str, int]  # by state


class DemoClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def seed_service_trade(app: App, *, seed: int, today: date) -> ServiceTradeDemo:
    """Build the illustrative registries in ``app``'s store, the licences on its simulated
    registers; the applications are spread over the two years before ``today``."""
    rng = random.Random(seed)
    clock = DemoClock(datetime.combine(today - timedelta(days=730), time(9), UTC))
    records = ServiceRecords(app.evidence)
    registry = RuleRegistry(app.store.rule_registry, evidence=records, clock=clock)
    registers = app.service_trade.registers
    recognitions = Recognitions(
        app.store.recognitions,
        registers=dict(registers),
        scanner=EicarScanner(),
        evidence=records,
        disclosure=shipped_disclosure(),
        clock=clock,
    )
    items = _rule_items(registry, clock, rng, today)
    professions = [_profession(row, today) for row in PROFESSIONS]
    recognitions.load_professions(professions)
    counts: dict[str, int] = {}
    for number in range(360):
        clock.now = datetime.combine(
            today - timedelta(days=rng.randint(5, 720)), time(rng.randint(8, 17)), UTC
        )
        state = _application(recognitions, registers, rng, professions, number, clock)
        counts[state] = counts.get(state, 0) + 1
    clock.now = datetime.combine(today, time(8), UTC)
    sweep = recognitions.recheck()  # the lapsed licences suspend, the past recognitions expire
    counts["recognised"] = counts.get("recognised", 0) - sweep.suspended - sweep.expired
    counts["suspended"] = counts.get("suspended", 0) + sweep.suspended
    counts["expired"] = counts.get("expired", 0) + sweep.expired
    return ServiceTradeDemo(items=items, professions=len(professions), applications=counts)


def _rule_items(registry: RuleRegistry, clock: DemoClock, rng: random.Random, today: date) -> int:
    count = 0
    for list_code, total, city in (("gz-72", 72, "guangzhou"), ("sz-20", 20, "shenzhen")):
        for number in range(1, total + 1):
            field, department, topic_en, topic_zh = TOPICS[(number - 1) % len(TOPICS)]
            if city == "shenzhen":
                department = department.replace("gz_", "sz_")
                if department not in ("sz_housing", "sz_health", "sz_justice", "sz_finance",
                                      "sz_tourism", "sz_tax"):  # fmt: skip
                    department = "qh_authority"
            started = today - timedelta(days=rng.randint(200, 700))
            status = rng.choices(list(ItemStatus), weights=(2, 5, 8, 1))[0]
            milestones = [Milestone(on=started, status=ItemStatus.PLANNED)]
            if status is not ItemStatus.PLANNED:
                milestones.append(
                    Milestone(
                        on=started + timedelta(days=rng.randint(20, 90)),
                        status=ItemStatus.IN_PROGRESS,
                    )
                )
            if status in (ItemStatus.IN_FORCE, ItemStatus.WITHDRAWN):
                milestones.append(
                    Milestone(
                        on=started + timedelta(days=rng.randint(100, 190)),
                        status=ItemStatus.IN_FORCE,
                        note_en="measures published",
                        note_zh="配套措施已发布",
                        evidence_url=EVIDENCE,
                    )
                )
            if status is ItemStatus.WITHDRAWN:
                milestones.append(
                    Milestone(on=started + timedelta(days=195), status=ItemStatus.WITHDRAWN)
                )
            content = ItemContent(
                list_code=list_code,
                number=str(number),
                field=field,
                title_en=f"Rule integration {number}: {topic_en} (illustrative)",
                title_zh=f"规则衔接事项{number}：{topic_zh}（示例）",
                mainland_rule=f"内地{topic_zh}相关规定（示例）",
                counterpart=("HK", "MO") if number % 3 else ("HK",),
                counterpart_rule=f"Hong Kong / Macao rules on {topic_en} (illustrative)",
                measure_en=f"Align the mainland rules on {topic_en} with Hong Kong and Macao",
                measure_zh=f"推动{topic_zh}与港澳规则衔接",
                departments=(department,),
                cities=(city, *rng.sample(MAINLAND_CITIES, 1)) if number % 4 == 0 else (city,),
                status=status,
                milestones=tuple(milestones),
                illustrative=True,
            )
            author = Editor(officer=f"{department}-editor", department=department)
            reviewer = Editor(officer=f"{department}-reviewer", department=department)
            clock.now = datetime.combine(milestones[-1].on, time(10), UTC)
            registry.draft(author, content)
            registry.submit(author, content.key)
            clock.now += timedelta(days=2)
            registry.publish(reviewer, content.key, "checked")
            count += 1
    return count


def _profession(
    row: tuple[str, Field, str, str, Home, str, str, str, str], today: date
) -> Profession:
    code, field, name_en, name_zh, home, authority, authority_en, authority_zh, department = row
    return Profession(
        code=code,
        field=field,
        name_en=name_en,
        name_zh=name_zh,
        home=home,
        authority=authority,
        authority_en=authority_en,
        authority_zh=authority_zh,
        department=department,
        department_en=department,
        department_zh=department,
        conditions_en="Registered and in good standing at home; employed by a mainland firm",
        conditions_zh="在港澳注册执业且状况良好，并受聘于内地机构",
        validity_years=3,
        source_document=SOURCE,
        valid_from=today - timedelta(days=900),
        illustrative=True,
    )


def _application(
    recognitions: Recognitions,
    registers: dict[str, SimulatedRegister],
    rng: random.Random,
    professions: list[Profession],
    number: int,
    clock: DemoClock,
) -> str:
    profession = rng.choice(professions)
    register = registers[profession.home.value]
    surname, surname_zh = rng.choice(SURNAMES)
    given, given_zh = rng.choice(GIVEN)
    name_en = f"{surname} {given}"
    licence_number = f"{profession.authority.upper()}-{10000 + number}"
    # the fate of this application: most are recognised
    fate = rng.choices(
        ("recognised", "suspended", "expired", "refused", "unverified", "submitted",
         "verified", "withdrawn"),
        weights=(50, 6, 6, 8, 6, 8, 10, 6),
    )[0]  # fmt: skip
    today = clock.now.date()
    valid_until = today + timedelta(days=rng.randint(400, 1400))
    if fate == "expired":
        valid_until = today + timedelta(days=rng.randint(1, 3))
    register.enrol(profession.authority, licence_number, name_en, valid_until)
    if fate == "unverified":
        register.set_status(profession.authority, licence_number, LicenceStatus.REVOKED)
    form = ApplicationForm(
        profession=profession.code,
        identity_kind="hk_identity_card" if profession.home is Home.HK else "mo_identity_card",
        identity_number=_identity(profession.home, rng),
        name_en=name_en,
        name_zh=f"{surname_zh}{given_zh}",
        licence=HomeLicence(
            authority=profession.authority, number=licence_number, valid_until=valid_until
        ),
        employer=Employer(uscc=_uscc(rng), name=rng.choice(EMPLOYERS)),
        city=rng.choice(MAINLAND_CITIES),
    )
    uploads = [
        Upload(kind=kind, filename=f"{kind}.pdf", media_type="application/pdf", content=PDF)
        for kind in ("identity", "licence", "employment")
    ]
    owner = f"demo-professional-{number:04d}"
    register.available = fate != "submitted"  # its register did not answer: still waiting
    try:
        app = recognitions.apply(owner, form, uploads)
    finally:
        register.available = True
    officer = Officer(officer=f"{profession.department}-officer", department=profession.department)
    clock.now += timedelta(days=rng.randint(1, 10))
    if fate in ("submitted", "verified", "unverified"):
        return app.state.value
    if fate == "withdrawn":
        return recognitions.withdraw(owner, app.id).state.value
    if fate == "refused":
        return recognitions.decide(officer, app.id, "refuse", "conditions not met").state.value
    try:
        recognitions.decide(officer, app.id, "approve", "conditions met")
    except Conflict:  # not verified after all
        return app.state.value
    if fate == "suspended":
        register.set_status(profession.authority, licence_number, LicenceStatus.LAPSED)
    return "recognised"  # suspended and expired ones change at the final re-check


def _identity(home: Home, rng: random.Random) -> str:
    if home is Home.MO:
        return f"{rng.choice('157')}{rng.randint(0, 999999):06d}({rng.randint(0, 9)})"
    prefix = rng.choice("ACDEGHKMPRVZ")
    digits = f"{rng.randint(0, 999999):06d}"
    return f"{prefix}{digits}({hkid_check_character(prefix, digits)})"


def _uscc(rng: random.Random) -> str:
    organisation = f"{rng.randint(0, 99_999_999):08d}"
    body = "91440300" + organisation + organisation_check_character(organisation)
    return body + uscc_check_character(body)


def seed_service_offices(app: App) -> list[Party]:
    """An agency party for each department deciding the demo's professions (registered when
    missing), so that each gets a demo officer account for ``/workbench/services``."""
    wanted = sorted({row[8] for row in PROFESSIONS})
    known = departments()
    offices = []
    for code in wanted:
        party_id = f"{code.replace('_', '-')}-office"
        try:
            offices.append(app.parties.party(party_id))
        except PartyNotFound:
            offices.append(
                app.parties.register(
                    RegisterParty(
                        id=party_id,
                        name_zh=known[code].name_zh,
                        name_en=known[code].name_en,
                        kind="agency",
                        roles=(code,),
                        jurisdictions=("CN",),
                        city=known[code].city,
                    )
                )
            )
    return offices
