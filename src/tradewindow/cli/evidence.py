"""``tradewindow keys …`` and ``tradewindow evidence …``: translate arguments, call, print.

``register(subparsers)`` adds both commands to the ``tradewindow`` parser.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519

from tradewindow.bootstrap import evidence_log
from tradewindow.clock import utc_now
from tradewindow.evidence import bundle, certificates, platform_key, publication
from tradewindow.evidence.certificates import KeyAlgorithm, KeyFileError
from tradewindow.evidence.chain import Anchor, VerifyReport, key_fingerprint
from tradewindow.evidence.log import EvidenceError, EvidenceLog
from tradewindow.evidence.partitions import PartitionEvidence, PartitionReport
from tradewindow.evidence.publication import PublicationError
from tradewindow.evidence.signatures import (
    SoftwareKey,
    SubmissionFormat,
    sign_json,
    verify_submission,
)
from tradewindow.evidence.timestamps import TimestampError
from tradewindow.evidence.tsa_client import tsa_certificate
from tradewindow.formats import xmldsig, xmldsig_sm2
from tradewindow.formats.xmldsig import SignatureError
from tradewindow.formats.xmldsig_sm2 import Sm2PrivateKey
from tradewindow.settings import Settings
from tradewindow.store import open_store
from tradewindow.store.evidence.anchor_file import AnchorFileError
from tradewindow.store.partition import SqlPartitionChains


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = subparsers.add_parser("keys", help="software signing keys: create, sign, verify")
    actions = keys.add_subparsers(title="actions")
    new = actions.add_parser("new", help="a new key pair and self-signed certificate")
    new.add_argument("--algorithm", choices=[a.value for a in KeyAlgorithm], default="sm2")
    new.add_argument("--out", type=Path, required=True, help="folder for the key files")
    new.add_argument("--subject", default="tradewindow software key", help="certificate CN")
    new.set_defaults(run=_keys_new)
    sign = actions.add_parser("sign", help="XML: enveloped XMLDSig; JSON: signature headers")
    sign.add_argument("file", type=Path)
    sign.add_argument("--key", type=Path, required=True, help="private key PEM")
    sign.add_argument("--cert", type=Path, help="certificate PEM (key id, KeyInfo)")
    sign.add_argument("--algorithm", choices=[a.value for a in KeyAlgorithm])
    sign.add_argument(
        "--sm2-variant",
        choices=list(xmldsig_sm2.VARIANTS),
        default="chinaport-2022",
        help="XML signed with SM2: the 202205 spec's URIs (default), or the xmldsig#sm2-sm3 "
        "method of older China E-Port clients with an SM3 or SHA-1 digest",
    )
    sign.add_argument("--out", type=Path, help="signed XML file (default: standard output)")
    sign.set_defaults(run=_keys_sign)
    verify = actions.add_parser("verify", help="check a signed XML or JSON file")
    verify.add_argument("file", type=Path)
    verify.add_argument("--cert", type=Path, required=True, help="the signer's certificate")
    verify.add_argument("--headers", type=Path, help="JSON: file of 'Name: value' lines")
    verify.set_defaults(run=_keys_verify)

    evidence = subparsers.add_parser("evidence", help="the tamper-evident evidence log")
    steps = evidence.add_subparsers(title="actions")
    check = steps.add_parser("verify", help="check the whole chain, or a bundle offline")
    check.add_argument("--bundle", type=Path, help="an exported bundle (no database needed)")
    check.add_argument(
        "--public-key",
        type=Path,
        help="the platform public key PEM to trust (default: TRADEWINDOW_EVIDENCE_TRUSTED_KEYS;"
        " a bundle or publication needs one of them)",
    )
    check.add_argument(
        "--published",
        type=Path,
        action="append",
        default=[],
        help="checkpoints published earlier (evidence publish), held by a third party; repeatable",
    )
    check.set_defaults(run=_evidence_verify)
    publish = steps.add_parser(
        "publish", help="every signed checkpoint, for a third party to hold and verify against"
    )
    publish.add_argument("--out", type=Path, required=True)
    publish.set_defaults(run=_evidence_publish)
    public = steps.add_parser(
        "public-key", help="the platform public key (PEM) that verifiers trust, and its fingerprint"
    )
    public.add_argument("--out", type=Path, help="PEM file (default: standard output)")
    public.set_defaults(run=_evidence_public_key)
    export = steps.add_parser("export", help="a filing's evidence bundle")
    export.add_argument("--filing", required=True)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(run=_evidence_export)
    head = steps.add_parser("sign-head", help="append a checkpoint signed by the platform key")
    head.set_defaults(run=_evidence_sign_head)


# --- keys ------------------------------------------------------------------------------------


def _keys_new(args: argparse.Namespace) -> int:
    pair = certificates.new_key_pair(KeyAlgorithm(args.algorithm), args.subject)
    args.out.mkdir(parents=True, exist_ok=True)
    private = args.out / f"{pair.key_id}.key.pem"
    descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pair.private_pem)
    (args.out / f"{pair.key_id}.cert.pem").write_bytes(pair.certificate_pem)
    (args.out / f"{pair.key_id}.pub.pem").write_bytes(pair.public_pem)
    print(f"key id {pair.key_id} ({pair.algorithm}): {private}, {pair.key_id}.cert.pem, .pub.pem")
    return 0


def _keys_sign(args: argparse.Namespace) -> int:
    try:
        key = certificates.load_private_key(args.key.read_bytes())
        certificate_pem = args.cert.read_bytes() if args.cert else None
        key_id = certificates.certificate_serial(certificate_pem) if certificate_pem else None
    except (OSError, KeyFileError) as error:
        return _fail(str(error))
    if args.algorithm and KeyAlgorithm(args.algorithm) is not certificates.algorithm_of(key):
        return _fail(f"the key is {certificates.algorithm_of(key)}, not {args.algorithm}")
    body = args.file.read_bytes()
    if _is_xml(body):
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return _fail("CEB XML is signed with SM2 or RSA keys, not Ed25519")
        sm2 = isinstance(key, Sm2PrivateKey)
        algorithm = xmldsig_sm2.VARIANTS[args.sm2_variant] if sm2 else xmldsig.RSA_SHA1
        certificate = x509.load_pem_x509_certificate(certificate_pem) if certificate_pem else None
        try:
            signed = xmldsig.sign(body, key, certificate, key_name=key_id, algorithm=algorithm)
        except SignatureError as error:
            return _fail(f"{error.code}: {error.en}")
        if args.out:
            args.out.write_bytes(signed)
        else:
            sys.stdout.buffer.write(signed)
        return 0
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        return _fail("JSON submissions are signed with an Ed25519 key")
    if key_id is None:
        return _fail("--cert is needed: its serial number is the Signature-Key")
    for name, value in sign_json(body, key, key_id, utc_now()).items():
        print(f"{name}: {value}")
    return 0


def _keys_verify(args: argparse.Namespace) -> int:
    certificate_pem = args.cert.read_bytes()
    try:
        public_key = certificates.load_public_key(certificate_pem)
        certificate = x509.load_pem_x509_certificate(certificate_pem)
    except (KeyFileError, ValueError) as error:
        return _fail(str(error))
    key = SoftwareKey(
        key_id=f"{certificate.serial_number:x}",
        algorithm=certificates.algorithm_of(public_key).value,
        public_key_pem=certificate_pem,
        valid_from=certificate.not_valid_before_utc,
        valid_to=certificate.not_valid_after_utc,
    )
    body = args.file.read_bytes()
    headers: dict[str, str] = {}
    if args.headers:
        for line in args.headers.read_text().splitlines():
            name, _, value = line.partition(":")
            if value:
                headers[name.strip()] = value.strip()
    fmt = SubmissionFormat.XML if _is_xml(body) else SubmissionFormat.JSON
    try:
        verified = verify_submission(body, fmt, headers, [key])
    except SignatureError as error:
        print(f"{error.code}: {error.en} / {error.zh}")
        return 1
    print(f"valid: signed by key {verified.key_id} ({verified.algorithm})")
    return 0


# --- evidence --------------------------------------------------------------------------------


def _evidence_verify(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    try:
        trusted = _trusted_keys(args.public_key, settings)
    except (OSError, ValueError) as error:
        return _fail(str(error))
    if args.bundle:
        if not trusted:
            return _fail(
                "bundle.untrusted: give the platform public key to trust (--public-key PEM, "
                "or TRADEWINDOW_EVIDENCE_TRUSTED_KEYS): the key inside a bundle proves nothing"
            )
        report, fingerprint = bundle.verify_bundle(args.bundle.read_bytes(), trusted)
        if fingerprint:
            print(f"bundle signed by {fingerprint}")
        return _verdict(report)
    with _log(settings) as log:
        if trusted:
            log.public_key = _matching(trusted, log.public_key)
        assert log.public_key is not None  # noqa: S101 - _log always loads the platform key
        with _partition_chains(log, log.public_key) as partitions:
            chains = partitions.verify()
        print(f"platform key {key_fingerprint(log.public_key)}")
        held = []
        for path in args.published:
            try:
                held += publication.read(path.read_bytes(), [log.public_key]).anchors
            except PublicationError as error:
                print(f"altered: {path}: {error.code}: {error.en}")
                return 1
        try:
            report = log.verify(held)
        except AnchorFileError as error:
            return _fail(str(error))
        if report.failure is None and not chains.ok:
            return _partitions_altered(chains)
        code = _verdict(report)
        if code == 0 and chains.partitions:
            records = sum(r.records for r in chains.partitions.values())
            print(
                f"ok: {len(chains.partitions)} partition chains, {records} records,"
                f" {chains.heads_records} signed partition heads"
            )
        if code == 0:
            code = _stamps(log, held, settings)
    return code


def _partitions_altered(chains: PartitionReport) -> int:
    if chains.failure is not None:
        failure = chains.failure
        print(f"altered: partition heads record {failure.seq}: {failure.problem}: {failure.detail}")
    for partition, report in sorted(chains.partitions.items()):
        if report.failure is not None:
            failure = report.failure
            print(
                f"altered: partition {partition} record {failure.seq}: {failure.problem}:"
                f" {failure.detail}"
            )
    return 1


def _verdict(report: VerifyReport) -> int:
    if report.failure is None:
        print(
            f"ok: {report.records} records, {report.checkpoints} signed checkpoints"
            f" (last at seq {report.last_checkpoint_seq}), head {report.head_hash}"
        )
        if report.anchors:
            print(
                f"anchors: {report.anchors} checkpoints held outside the chain agree with it"
                f" (newest at seq {report.anchored_seq})"
            )
        if report.unanchored:
            print(
                f"unanchored tail: {report.unanchored} records after the last checkpoint;"
                " no signature vouches for them yet"
            )
        return 0
    failure = report.failure
    print(f"altered: record {failure.seq}: {failure.problem}: {failure.detail}")
    return 1


def _stamps(log: EvidenceLog, held: list[Anchor], settings: Settings) -> int:
    certificate = tsa_certificate(settings)
    if certificate is None:
        print(
            "time-stamps: no time-stamping authority configured (TRADEWINDOW_EVIDENCE_TSA_URL);"
            " checkpoint times are the platform's own clock"
        )
        return 0
    try:
        stamped = log.stamps(certificate, held)
    except TimestampError as error:
        print(f"altered: time-stamp: {error.code}: {error.en}")
        return 1
    if not stamped:
        print("time-stamps: none of the checkpoints is time-stamped yet")
    else:
        seq, when = stamped[-1]
        print(
            f"time-stamps: {len(stamped)} checkpoints stamped by the TSA; checkpoint {seq}"
            f" existed by {when.isoformat()}"
        )
    return 0


def _evidence_publish(args: argparse.Namespace) -> int:
    with _log(Settings.from_env()) as log:
        data = log.publish()
        count = len(log.anchors())
        fingerprint = key_fingerprint(log.public_key) if log.public_key else ""
    args.out.write_bytes(data)
    print(
        f"{args.out}: {count} signed checkpoints under {fingerprint}; the holder verifies with:"
        " tradewindow evidence verify --published FILE --public-key PLATFORM_KEY.pem"
    )
    return 0


def _evidence_public_key(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    key = platform_key.load_platform_key(platform_key.platform_key_path(settings), create=True)
    pem = platform_key.public_pem(key.public_key())
    if args.out:
        args.out.write_bytes(pem)
        print(f"{args.out}: {key_fingerprint(key.public_key())}")
    else:
        sys.stdout.write(pem.decode("ascii"))
        print(f"# {key_fingerprint(key.public_key())}", file=sys.stderr)
    return 0


def _evidence_export(args: argparse.Namespace) -> int:
    with _log(Settings.from_env()) as log, _partition_chains(log, None) as partitions:
        try:
            data = log.export(args.filing, partitions)
        except EvidenceError as error:
            return _fail(f"{error.code}: {error.en}")
    args.out.write_bytes(data)
    print(f"{args.out}: {len(data)} bytes; verify with: tradewindow evidence verify --bundle FILE")
    return 0


def _evidence_sign_head(_args: argparse.Namespace) -> int:
    with _log(Settings.from_env()) as log, _partition_chains(log, None) as partitions:
        heads = partitions.sign_heads()  # first, so that the checkpoint covers them
        record = log.sign_head()
    if heads is not None:
        print(f"partition heads signed at {heads.seq}")
    print(f"checkpoint {record.seq} over head {record.prev_hash}")
    return 0


@contextmanager
def _partition_chains(
    log: EvidenceLog, trusted: ed25519.Ed25519PublicKey | None
) -> Iterator[PartitionEvidence]:
    """The partitions' evidence chains (partitioned clearance) beside ``log``."""
    engine = getattr(log.store, "engine", None)
    if engine is None:
        raise SystemExit("the evidence store has no database engine")
    yield PartitionEvidence(
        SqlPartitionChains(engine), platform_key=log.platform_key, public_key=trusted
    )


@contextmanager
def _log(settings: Settings) -> Iterator[EvidenceLog]:
    """The evidence log of the configured store as every writer has it (the platform key,
    made on first use; the anchor file; the TSA when configured)."""
    key = platform_key.load_platform_key(platform_key.platform_key_path(settings), create=True)
    store = open_store(settings.database_url)
    try:
        yield evidence_log(settings, store, key)
    finally:
        store.close()


def _trusted_keys(path: Path | None, settings: Settings) -> list[ed25519.Ed25519PublicKey]:
    """The keys given with ``--public-key``, else the configured trust store, else none."""
    source = path or settings.evidence.trusted_keys
    if source is None:
        return []
    keys = platform_key.load_trusted_keys(source)
    if not keys:
        raise ValueError(f"{source} holds no platform public key")
    return keys


def _matching(
    trusted: list[ed25519.Ed25519PublicKey], local: ed25519.Ed25519PublicKey | None
) -> ed25519.Ed25519PublicKey:
    """The trusted key that is the local platform key's, else the first trusted one."""
    fingerprints = {key_fingerprint(key): key for key in trusted}
    if local is not None and key_fingerprint(local) in fingerprints:
        return fingerprints[key_fingerprint(local)]
    return trusted[0]


def _is_xml(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
