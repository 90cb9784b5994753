"""The lawfulness check before every transfer: which mechanism China's law asks of a transfer of
data from the mainland to Hong Kong, Macao or abroad, as a dated, cited policy table.

Two editions are in force one after the other:

- 《数据出境安全评估办法》 (CAC Order No. 11, from 2022-09-01) with 《个人信息出境标准合同办法》
  (CAC Order No. 13, from 2023-06-01): persons are counted since 1 January of the *previous* year;
- 《促进和规范数据跨境流动规定》 (CAC Order No. 16, from 2024-03-22): persons are counted since
  1 January of the *current* year, and small transfers of non-sensitive personal information are
  exempt.

Between the nine mainland cities of the Greater Bay Area and Hong Kong, the standard contract's
route is the **GBA standard contract** (《粤港澳大湾区（内地、香港）个人信息跨境流动标准合同实施
指引》, CAC and Hong Kong ITIB, from 2023-12-13) where no security assessment is needed.

Each rule below is a named function quoting the article it implements. Thresholds follow the
text: "以上" includes the number, "不满" excludes it (1,000,000 persons need an assessment;
100,000 need a standard contract; 99,999 are exempt under the 2024 provisions).
"""

from __future__ import annotations

import enum
from datetime import date

import msgspec

from tradewindow.datachannel.model import Classification, PersonalInformation, Region


class Mechanism(enum.StrEnum):
    """What a transfer needs, strongest last. A stronger mechanism on file covers a weaker one."""

    EXEMPT = "exempt"  # no mechanism (still recorded and counted)
    GBA_STANDARD_CONTRACT = "gba_standard_contract"  # 粤港澳大湾区标准合同备案
    STANDARD_CONTRACT = "standard_contract"  # 个人信息出境标准合同 (or certification, 认证)
    SECURITY_ASSESSMENT = "security_assessment"  # 数据出境安全评估


STRENGTH = {
    Mechanism.EXEMPT: 0,
    Mechanism.GBA_STANDARD_CONTRACT: 1,
    Mechanism.STANDARD_CONTRACT: 2,
    Mechanism.SECURITY_ASSESSMENT: 3,
}


class Window(enum.StrEnum):
    PREVIOUS_YEAR = "previous_year"  # 自上年1月1日起累计
    CURRENT_YEAR = "current_year"  # 自当年1月1日起累计


class CrossBorderPolicy(msgspec.Struct, frozen=True, kw_only=True):
    """One edition of the cross-border data rules."""

    source: str
    effective_from: date
    window: Window
    assessment_persons: int  # personal information (non-sensitive) of this many persons or more
    assessment_sensitive_persons: int  # sensitive personal information of this many or more
    contract_persons: int  # non-sensitive personal information needing a contract; 1 = any


POLICY_2022 = CrossBorderPolicy(
    source="数据出境安全评估办法 (CAC Order No. 11) 第四条; 个人信息出境标准合同办法 第四条",
    effective_from=date(2022, 9, 1),
    window=Window.PREVIOUS_YEAR,
    assessment_persons=100_000,
    assessment_sensitive_persons=10_000,
    contract_persons=1,
)
"""数据出境安全评估办法 第四条: "（三）…自上年1月1日起累计向境外提供10万人个人信息或者1万人
敏感个人信息的数据处理者向境外提供个人信息" needs a security assessment; any other transfer of
personal information goes by the standard contract or certification (个人信息保护法 第三十八条)."""

POLICY_2024 = CrossBorderPolicy(
    source="促进和规范数据跨境流动规定 (CAC Order No. 16) 第五条、第七条、第八条",
    effective_from=date(2024, 3, 22),
    window=Window.CURRENT_YEAR,
    assessment_persons=1_000_000,
    assessment_sensitive_persons=10_000,
    contract_persons=100_000,
)
"""第七条: "（二）…自当年1月1日起累计向境外提供100万人以上个人信息（不含敏感个人信息）或者1万人
以上敏感个人信息" needs a security assessment. 第八条: "…累计向境外提供10万人以上、不满100万人
个人信息（不含敏感个人信息）或者不满1万人敏感个人信息" needs a standard contract or certification.
第五条（四）: "…累计向境外提供不满10万人个人信息（不含敏感个人信息）" is exempt."""

EDITIONS: tuple[CrossBorderPolicy, ...] = (POLICY_2022, POLICY_2024)


def policy_on(day: date) -> CrossBorderPolicy | None:
    """The edition in force on ``day``, or None before 2022-09-01."""
    in_force = [e for e in EDITIONS if e.effective_from <= day]
    return max(in_force, key=lambda e: e.effective_from) if in_force else None


def window_start(policy: CrossBorderPolicy, day: date) -> date:
    """The first day the running totals count from for a transfer on ``day``."""
    year = day.year - 1 if policy.window is Window.PREVIOUS_YEAR else day.year
    return date(year, 1, 1)


class Totals(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Persons whose information one data handler sent abroad within the window."""

    persons: int = 0  # non-sensitive personal information
    sensitive_persons: int = 0

    def plus(self, kind: PersonalInformation, persons: int) -> Totals:
        if kind is PersonalInformation.SENSITIVE:
            return Totals(persons=self.persons, sensitive_persons=self.sensitive_persons + persons)
        if kind is PersonalInformation.PERSONAL:
            return Totals(persons=self.persons + persons, sensitive_persons=self.sensitive_persons)
        return self


def important_data_needs_assessment(classification: Classification) -> bool:
    """数据出境安全评估办法 第四条（一） and 促进和规范数据跨境流动规定 第七条（一）/（二）:
    providing important data (重要数据) abroad needs a security assessment."""
    return classification is Classification.IMPORTANT


def core_data_needs_assessment(classification: Classification) -> bool:
    """数据安全法 第二十一条: core data (核心数据) is under a stricter regime than important data;
    the channel never moves it without a recorded security assessment at the least."""
    return classification is Classification.CORE


def persons_need_assessment(policy: CrossBorderPolicy, totals: Totals) -> bool:
    """第七条（二） (2024) / 第四条（三） (2022): the running total of non-sensitive personal
    information reaches the assessment threshold (1,000,000 persons since 2024-03-22)."""
    return totals.persons >= policy.assessment_persons


def sensitive_persons_need_assessment(policy: CrossBorderPolicy, totals: Totals) -> bool:
    """第七条（二） (2024) / 第四条（三） (2022): the running total of sensitive personal
    information reaches 10,000 persons."""
    return totals.sensitive_persons >= policy.assessment_sensitive_persons


def persons_need_contract(policy: CrossBorderPolicy, totals: Totals) -> bool:
    """第八条 (2024): 100,000 persons or more of non-sensitive personal information need a standard
    contract or certification; 第五条（四）: fewer are exempt. Under the 2022 rules any personal
    information needs one (个人信息保护法 第三十八条)."""
    return totals.persons >= policy.contract_persons


def sensitive_persons_need_contract(totals: Totals) -> bool:
    """第八条 (2024): any sensitive personal information below the assessment threshold needs a
    standard contract or certification (there is no exemption for it)."""
    return totals.sensitive_persons > 0


def gba_route_applies(sender: Region, recipient: Region, classification: Classification) -> bool:
    """粤港澳大湾区（内地、香港）个人信息跨境流动标准合同实施指引 一、二: personal information
    handlers and recipients in the nine mainland GBA cities and Hong Kong may file the GBA
    standard contract instead of the standard contract; it does not apply to important data
    (or core data)."""
    return (
        sender is Region.MAINLAND_GBA
        and recipient is Region.HONG_KONG
        and classification is Classification.GENERAL
    )


class Requirement(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What the check found: the mechanism, the rules that asked for it and the totals after."""

    mechanism: Mechanism
    rules: tuple[str, ...]
    source: str
    totals_after: Totals


def required_mechanism(
    day: date,
    classification: Classification,
    kind: PersonalInformation,
    persons: int,
    totals_before: Totals,
    sender: Region,
    recipient: Region,
) -> Requirement:
    """The mechanism a transfer on ``day`` needs, counting its persons into the handler's totals
    (``totals_before``: this handler's transfers within :func:`window_start`)."""
    policy = policy_on(day)
    if policy is None:
        raise ValueError(f"no cross-border data policy is in force on {day}")
    after = totals_before.plus(kind, persons)
    # the persons' rules speak of a handler providing personal information: a transfer that
    # carries none is judged by its classification alone
    carries = kind is not PersonalInformation.NONE
    assessment = [
        name
        for name, hit in (
            ("important_data_needs_assessment", important_data_needs_assessment(classification)),
            ("core_data_needs_assessment", core_data_needs_assessment(classification)),
            ("persons_need_assessment", carries and persons_need_assessment(policy, after)),
            (
                "sensitive_persons_need_assessment",
                carries and sensitive_persons_need_assessment(policy, after),
            ),
        )
        if hit
    ]
    if assessment:
        return Requirement(
            mechanism=Mechanism.SECURITY_ASSESSMENT,
            rules=tuple(assessment),
            source=policy.source,
            totals_after=after,
        )
    contract = [
        name
        for name, hit in (
            ("persons_need_contract", persons_need_contract(policy, after)),
            ("sensitive_persons_need_contract", sensitive_persons_need_contract(after)),
        )
        if hit
    ]
    if contract and carries:
        gba = gba_route_applies(sender, recipient, classification)
        return Requirement(
            mechanism=Mechanism.GBA_STANDARD_CONTRACT if gba else Mechanism.STANDARD_CONTRACT,
            rules=(*contract, "gba_route_applies") if gba else tuple(contract),
            source=policy.source,
            totals_after=after,
        )
    return Requirement(
        mechanism=Mechanism.EXEMPT, rules=(), source=policy.source, totals_after=after
    )


def covered(required: Mechanism, on_file: frozenset[Mechanism]) -> bool:
    """A mechanism on file covers the requirement when it is at least as strong; the GBA standard
    contract covers only its own route (a standard contract covers it too)."""
    if required is Mechanism.EXEMPT:
        return True
    return any(STRENGTH[m] >= STRENGTH[required] for m in on_file if m is not Mechanism.EXEMPT)
