"""``tradewindow keys`` and ``tradewindow evidence`` end to end on files and a SQLite store."""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import pytest

from tradewindow.cli import evidence as commands
from tradewindow.evidence.chain import RecordKind
from tradewindow.evidence.log import EvidenceLog
from tradewindow.evidence.platform_key import load_platform_key, public_pem
from tradewindow.store import open_store

UNSIGNED = Path(__file__).parents[2] / "data" / "ceb" / "inventory_621.unsigned.xml"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="tradewindow")
    commands.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


def new_key(tmp_path: Path, algorithm: str) -> tuple[Path, Path]:
    out = tmp_path / algorithm
    assert run("keys", "new", "--algorithm", algorithm, "--out", str(out)) == 0
    return next(out.glob("*.key.pem")), next(out.glob("*.cert.pem"))


@pytest.mark.parametrize("algorithm", ["sm2", "rsa"])
def test_sign_and_verify_ceb_xml(
    tmp_path: Path, algorithm: str, capsys: pytest.CaptureFixture[str]
) -> None:
    key, cert = new_key(tmp_path, algorithm)
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    signed = tmp_path / "signed.xml"
    assert run("keys", "sign", str(UNSIGNED), "--key", str(key), "--cert", str(cert),
               "--out", str(signed)) == 0  # fmt: skip
    assert run("keys", "verify", str(signed), "--cert", str(cert)) == 0
    assert f"({algorithm})" in capsys.readouterr().out
    signed.write_bytes(signed.read_bytes().replace(b"<ceb:copNo>", b"<ceb:copNo>1", 1))
    assert run("keys", "verify", str(signed), "--cert", str(cert)) == 1
    assert "signature.digest_mismatch" in capsys.readouterr().out


def test_sign_json_prints_headers_that_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key, cert = new_key(tmp_path, "ed25519")
    body = tmp_path / "order.json"
    body.write_bytes(b'{"orderNo":"A1"}')
    capsys.readouterr()
    assert run("keys", "sign", str(body), "--key", str(key), "--cert", str(cert)) == 0
    headers = tmp_path / "headers.txt"
    headers.write_text(capsys.readouterr().out)
    assert "Signature: ed25519=" in headers.read_text()
    assert run("keys", "verify", str(body), "--cert", str(cert), "--headers", str(headers)) == 0


def test_evidence_verify_export_and_offline_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    key_file = tmp_path / "platform.pem"
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", url)
    monkeypatch.setenv("TRADEWINDOW_PLATFORM_KEY_FILE", str(key_file))
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    store = open_store(url)
    log = EvidenceLog(store.evidence, load_platform_key(key_file, create=True))
    public = tmp_path / "platform.pub.pem"
    public.write_bytes(public_pem(load_platform_key(key_file).public_key()))
    for n in range(5):
        payload = hashlib.sha256(bytes([n])).hexdigest()
        log.append(RecordKind.MESSAGE_ACCEPTED, f"F{n % 2}", payload, "party:1")
    store.close()
    assert run("evidence", "verify") == 0
    bundle = tmp_path / "F1.bundle.json"
    assert run("evidence", "export", "--filing", "F1", "--out", str(bundle)) == 0
    assert run("evidence", "verify", "--bundle", str(bundle), "--public-key", str(public)) == 0
    assert "ok: " in capsys.readouterr().out
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 1
    bundle.write_bytes(bytes(data))
    assert run("evidence", "verify", "--bundle", str(bundle), "--public-key", str(public)) == 1
    assert "altered: record" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("variant", "methods"),
    [
        ("chinaport-2022", (b"chinaport.gov.cn/2022/04/xmldsig#sm2-sm3", b"2022/04/xmldsig#sm3")),
        ("w3c-sm3", (b"2000/09/xmldsig#sm2-sm3", b"2000/09/xmldsig#sm3")),
        ("w3c-sha1", (b"2000/09/xmldsig#sm2-sm3", b"2000/09/xmldsig#sha1")),
    ],
)
def test_keys_sign_writes_each_sm2_variant_in_use_and_verify_accepts_it(
    tmp_path: Path, variant: str, methods: tuple[bytes, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    key, cert = new_key(tmp_path, "sm2")
    signed = tmp_path / "signed.xml"
    assert run("keys", "sign", str(UNSIGNED), "--key", str(key), "--cert", str(cert),
               "--sm2-variant", variant, "--out", str(signed)) == 0  # fmt: skip
    text = signed.read_bytes()
    assert all(method in text for method in methods)
    assert run("keys", "verify", str(signed), "--cert", str(cert)) == 0
    assert "(sm2)" in capsys.readouterr().out
