"""Documents an applicant uploads: which kinds are asked for, which file types and sizes pass.

A file's type is judged by its first bytes (its signature), never by the name or the type the
browser claimed; a claimed type that disagrees with the bytes is refused. The virus-scan hook
is ``ports.Scanner``; ``EicarScanner`` only recognises the EICAR anti-virus test file, so the
refusal path is real and tested, and a deployment plugs its own scanner into the same port.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum

import msgspec

from tradewindow.violations import Violation

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # 10 MiB each
MAX_DOCUMENTS = 12


class DocumentKind(StrEnum):
    IDENTITY = "identity"  # copy of the identity document
    LICENCE = "licence"  # copy of the home practising licence / certificate
    EMPLOYMENT = "employment"  # the mainland employer's letter or contract
    PHOTO = "photo"
    OTHER = "other"


# every application carries at least these
REQUIRED_KINDS = (DocumentKind.IDENTITY, DocumentKind.LICENCE, DocumentKind.EMPLOYMENT)

# media type → the leading bytes every file of that type starts with
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


class ScanVerdict(StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"


class Upload(msgspec.Struct, frozen=True, kw_only=True):
    """A file as received: what the applicant says it is, and its bytes."""

    kind: str
    filename: str
    media_type: str
    content: bytes


class Document(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """A file as kept: checked, hashed and scanned (content stored beside it)."""

    kind: DocumentKind
    filename: str
    media_type: str
    size: int
    sha256: str
    scan: ScanVerdict


def sniff(content: bytes) -> str | None:
    """The media type the bytes are, by their signature; None when none of the accepted."""
    for media_type, starts in SIGNATURES.items():
        if content.startswith(starts):
            return media_type
    return None


def document_violations(uploads: list[Upload], path: str = "documents") -> list[Violation]:
    """Every problem with the uploaded files: kinds, count, types, sizes, missing kinds."""
    problems: list[Violation] = []
    if len(uploads) > MAX_DOCUMENTS:
        problems.append(
            _v(
                path,
                "services.document.count",
                f"at most {MAX_DOCUMENTS} documents per application",
                f"每份申请最多 {MAX_DOCUMENTS} 个文件",
            )
        )
    for index, upload in enumerate(uploads, start=1):
        problems += _one(upload, f"{path}[{index}]")
    present = {upload.kind for upload in uploads}
    for kind in REQUIRED_KINDS:
        if kind.value not in present:
            problems.append(
                _v(
                    path,
                    f"services.document.missing.{kind.value}",
                    f"a document of kind {kind.value} is required",
                    f"缺少必需的文件：{_KIND_ZH[kind]}",
                )
            )
    return problems


def _one(upload: Upload, where: str) -> list[Violation]:
    problems = []
    if upload.kind not in DocumentKind.__members__.values():
        problems.append(
            _v(
                f"{where}/kind",
                "services.document.kind",
                f"unknown document kind {upload.kind!r}; known: " + ", ".join(DocumentKind),
                f"未知的文件类别 {upload.kind!r}",
            )
        )
    size = len(upload.content)
    if size == 0:
        problems.append(_v(f"{where}/content", "services.document.empty", "empty file", "空文件"))
    elif size > MAX_DOCUMENT_BYTES:
        problems.append(
            _v(
                f"{where}/content",
                "services.document.size",
                f"{size} bytes is over the limit of {MAX_DOCUMENT_BYTES} bytes (10 MiB)",
                f"文件 {size} 字节，超过 10 MiB 上限",
            )
        )
    actual = sniff(upload.content) if size else None
    if size and actual is None:
        problems.append(
            _v(
                f"{where}/content",
                "services.document.type",
                "only PDF, JPEG and PNG files are accepted",
                "仅接受 PDF、JPEG 和 PNG 文件",
            )
        )
    elif actual is not None and upload.media_type.split(";")[0].strip().lower() != actual:
        problems.append(
            _v(
                f"{where}/mediaType",
                "services.document.type_mismatch",
                f"the file is {actual}, not {upload.media_type}",
                f"文件实际类型为 {actual}，与声明的 {upload.media_type} 不符",
            )
        )
    return problems


def kept(upload: Upload, scan: ScanVerdict) -> Document:
    """The record of a checked upload (its type as sniffed)."""
    return Document(
        kind=DocumentKind(upload.kind),
        filename=upload.filename[-200:],
        media_type=sniff(upload.content) or upload.media_type,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        scan=scan,
    )


# The EICAR anti-virus test file: every scanner reports it as infected by convention.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class EicarScanner:
    """The built-in ``Scanner``: reports the EICAR test file (anywhere in the bytes) as
    infected and everything else clean. It stands in for a real engine behind the same port."""

    def scan(self, content: bytes) -> ScanVerdict:
        return ScanVerdict.INFECTED if EICAR in content else ScanVerdict.CLEAN


_KIND_ZH = {
    DocumentKind.IDENTITY: "身份证明文件",
    DocumentKind.LICENCE: "执业资格证明",
    DocumentKind.EMPLOYMENT: "内地聘用证明",
    DocumentKind.PHOTO: "照片",
    DocumentKind.OTHER: "其他",
}


def _v(path: str, code: str, en: str, zh: str) -> Violation:
    return Violation(path=path, code=code, en=en, zh=zh)
