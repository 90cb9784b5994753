"""The channel's domain words: projects, people, datasets and transfers, as frozen records.

Classification follows China's Data Security Law (数据安全法, 2021-09-01, 第二十一条: 一般数据、
重要数据、核心数据); personal information follows the Personal Information Protection Law
(个人信息保护法, 2021-11-01, 第四条 and 第二十八条 for sensitive personal information).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import msgspec


class Classification(enum.StrEnum):
    GENERAL = "general"  # 一般数据
    IMPORTANT = "important"  # 重要数据
    CORE = "core"  # 核心数据


class PersonalInformation(enum.StrEnum):
    NONE = "none"
    PERSONAL = "personal"  # 个人信息
    SENSITIVE = "sensitive"  # 敏感个人信息


class Region(enum.StrEnum):
    """Where an institution sits, as the GBA standard contract asks: the nine mainland cities of
    the Greater Bay Area, elsewhere on the mainland, Hong Kong, Macao, or elsewhere abroad."""

    MAINLAND_GBA = "mainland_gba"
    MAINLAND_OTHER = "mainland_other"
    HONG_KONG = "hong_kong"
    MACAO = "macao"
    ABROAD = "abroad"

    @property
    def mainland(self) -> bool:
        return self in (Region.MAINLAND_GBA, Region.MAINLAND_OTHER)


GBA_MAINLAND_CITIES: tuple[str, ...] = (
    "广州",
    "深圳",
    "珠海",
    "佛山",
    "惠州",
    "东莞",
    "中山",
    "江门",
    "肇庆",
)
"""The nine mainland cities of the GBA (粤港澳大湾区发展规划纲要, 2019-02-18, 第一章 第一节)."""


class Role(enum.StrEnum):
    PRINCIPAL_INVESTIGATOR = "principal_investigator"
    MEMBER = "member"
    DATA_OFFICER = "data_officer"  # the institution's data-protection officer


class Institution(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    code: str
    name_en: str
    name_zh: str
    region: Region
    city: str = ""


class Member(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    person: str
    institution: str
    role: Role


class ProjectApproval(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """An ethics or data-office approval of a project, valid between two days (inclusive)."""

    kind: str  # "ethics" | "data_office"
    reference: str
    valid_from: date
    valid_until: date

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


class Project(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    code: str
    title: str
    purpose: str
    sender: str  # the institution that provides the data (the data handler, 数据处理者)
    recipient: str
    sender_region: Region = Region.MAINLAND_GBA
    recipient_region: Region = Region.HONG_KONG
    members: tuple[Member, ...] = ()
    approvals: tuple[ProjectApproval, ...] = ()

    def member(self, person: str) -> Member | None:
        return next((m for m in self.members if m.person == person), None)

    def approved_on(self, day: date) -> bool:
        """Both an ethics and a data-office approval are valid on ``day``."""
        kinds = {a.kind for a in self.approvals if a.valid_on(day)}
        return {"ethics", "data_office"} <= kinds


class Dataset(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    code: str
    project: str
    owner: str
    description: str
    format: str
    classification: Classification
    personal_information: PersonalInformation
    persons: int = 0  # how many persons' information it holds


class TransferState(enum.StrEnum):
    REQUESTED = "requested"  # lawful, waiting for its upload and approvals
    UPLOADED = "uploaded"  # the manifest is sealed
    RELEASED = "released"  # the recipients may download
    REFUSED = "refused"  # an officer refused it
    DESTROYED = "destroyed"  # the copy is gone, with a proof


class ApprovalKind(enum.StrEnum):
    SENDER_OFFICER = "sender_officer"
    RECIPIENT_OFFICER = "recipient_officer"
    SECURITY_ASSESSMENT = "security_assessment"  # 数据出境安全评估, recorded with its reference


class Approval(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    kind: ApprovalKind
    person: str
    at: datetime
    reference: str = ""


class Transfer(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    id: str
    project: str
    dataset: str
    requested_by: str
    recipients: tuple[str, ...]
    mechanism: str  # the Mechanism the lawfulness check named
    state: TransferState
    retain_until: date
    approvals: tuple[Approval, ...] = ()
    size: int = 0  # bytes of the version being uploaded (0: not begun)
    chunk_size: int = 0
    manifest_root: str = ""
    # the code of the lawfulness check's refusal (``DATA.transfer.mechanism.…``) when the request
    # was refused for want of its mechanism: kept so that everyone concerned sees it, and so the
    # same request may be made again once the mechanism is on file
    refused_for: str = ""
