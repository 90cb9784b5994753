"""Uploaded documents: kinds, types by their bytes, sizes, the required kinds, the scan hook."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import services_builders as sb
from tradewindow.services.documents import (
    EICAR,
    MAX_DOCUMENT_BYTES,
    EicarScanner,
    ScanVerdict,
    Upload,
    document_violations,
    kept,
)


def codes(uploads: list[Upload]) -> list[str]:
    return [v.code for v in document_violations(uploads)]


def test_the_three_required_documents_pass() -> None:
    assert codes(sb.uploads()) == []


def test_every_missing_kind_is_named() -> None:
    assert codes(sb.uploads()[:1]) == [
        "services.document.missing.licence",
        "services.document.missing.employment",
    ]


def test_type_is_judged_by_the_bytes() -> None:
    exe = Upload(
        kind="other", filename="a.pdf", media_type="application/pdf", content=b"MZ\x90\x00"
    )
    lying = Upload(kind="photo", filename="a.png", media_type="image/png", content=sb.PDF)
    found = document_violations([*sb.uploads(), exe, lying])
    assert [(v.path, v.code) for v in found] == [
        ("documents[4]/content", "services.document.type"),
        ("documents[5]/mediaType", "services.document.type_mismatch"),
    ]


def test_empty_oversized_and_unknown_kinds_are_refused() -> None:
    big = Upload(
        kind="other",
        filename="big.pdf",
        media_type="application/pdf",
        content=sb.PDF + b"0" * MAX_DOCUMENT_BYTES,
    )
    empty = Upload(kind="passport", filename="e.pdf", media_type="application/pdf", content=b"")
    assert codes([*sb.uploads(), big, empty]) == [
        "services.document.size",
        "services.document.kind",
        "services.document.empty",
    ]


def test_too_many_documents() -> None:
    assert "services.document.count" in codes(sb.uploads() * 5)


def test_the_scan_hook_finds_the_eicar_test_file() -> None:
    scanner = EicarScanner()
    assert scanner.scan(sb.PDF + EICAR) is ScanVerdict.INFECTED
    assert scanner.scan(sb.PDF) is ScanVerdict.CLEAN


def test_a_kept_document_is_hashed_and_typed_by_its_bytes() -> None:
    upload = Upload(kind="photo", filename="me.png", media_type="image/png; q=1", content=sb.PNG)
    document = kept(upload, ScanVerdict.CLEAN)
    assert (document.media_type, document.size) == ("image/png", len(sb.PNG))
    assert len(document.sha256) == 64


@given(
    st.lists(
        st.builds(
            Upload,
            kind=st.sampled_from(["identity", "licence", "employment", "photo", "x", ""]),
            filename=st.text(max_size=20),
            media_type=st.sampled_from(["application/pdf", "image/png", "image/jpeg", "", "a/b"]),
            content=st.binary(max_size=64) | st.sampled_from([sb.PDF, sb.PNG, b"\xff\xd8\xff"]),
        ),
        max_size=14,
    )
)
def test_document_checks_never_crash_and_always_code(uploads: list[Upload]) -> None:
    for violation in document_violations(uploads):
        assert violation.code.startswith("services.document.")
        assert violation.path.startswith("documents")
