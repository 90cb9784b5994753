"""SigV4 against AWS's published examples (no network: the signature is the whole test)."""

from __future__ import annotations

from datetime import UTC, datetime

from tradewindow.datachannel.sigv4 import (
    EMPTY_SHA256,
    Credential,
    authorization,
    signed_headers,
    signing_key,
)

# AWS's published example keys (not secrets: they appear in AWS's documentation)
GENERAL_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"  # noqa: S105
S3_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # noqa: S105


def test_signing_key_of_the_general_reference_example() -> None:
    # AWS General Reference, "Examples of how to derive a signing key for Signature Version 4"
    key = signing_key(GENERAL_SECRET, "20150830", "us-east-1", "iam")
    assert key.hex() == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"


def test_iam_list_users_example() -> None:
    # AWS General Reference, "Signature Version 4 signing process" worked example
    credential = Credential(
        access_key="AKIDEXAMPLE",
        secret_key=GENERAL_SECRET,
        region="us-east-1",
        service="iam",
    )
    header = authorization(
        credential,
        "GET",
        "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
        {
            "content-type": "application/x-www-form-urlencoded; charset=utf-8",
            "host": "iam.amazonaws.com",
            "x-amz-date": "20150830T123600Z",
        },
        EMPTY_SHA256,
        datetime(2015, 8, 30, 12, 36, tzinfo=UTC),
        s3=False,
    )
    assert header == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
    )


def test_s3_get_object_example() -> None:
    # Amazon S3 API Reference, "Example: GET Object" (Authorization header, SigV4)
    credential = Credential(
        access_key="AKIAIOSFODNN7EXAMPLE",
        secret_key=S3_SECRET,
        region="us-east-1",
    )
    headers = signed_headers(
        credential,
        "GET",
        "https://examplebucket.s3.amazonaws.com/test.txt",
        EMPTY_SHA256,
        datetime(2013, 5, 24, tzinfo=UTC),
        {"Range": "bytes=0-9"},
    )
    assert headers["authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


def test_get_vanilla_of_the_test_suite() -> None:
    # the SigV4 test suite's get-vanilla case
    credential = Credential(
        access_key="AKIDEXAMPLE",
        secret_key=GENERAL_SECRET,
        region="us-east-1",
        service="service",
    )
    header = authorization(
        credential,
        "GET",
        "https://example.amazonaws.com/",
        {"host": "example.amazonaws.com", "x-amz-date": "20150830T123600Z"},
        EMPTY_SHA256,
        datetime(2015, 8, 30, 12, 36, tzinfo=UTC),
        s3=False,
    )
    assert header.endswith(
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )


def test_secret_is_masked() -> None:
    assert "EXAMPLEKEY" not in repr(Credential(access_key="a", secret_key=S3_SECRET, region="r"))
