"""``tradewindow evidence verify | publish`` against the findings of issue 15, on a SQLite store
and the data folder: a deleted tail, a bundle without a trusted key or re-signed by a forger,
and a history rewritten by whoever holds the database, the data folder and the platform key."""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import text

from local_tsa import LocalTsa
from tradewindow.bootstrap import evidence_log
from tradewindow.cli import evidence as commands
from tradewindow.evidence.chain import Entry, RecordKind, key_fingerprint
from tradewindow.evidence.platform_key import load_platform_key, public_pem
from tradewindow.settings import Settings
from tradewindow.store import open_store

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="tradewindow")
    commands.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


@pytest.fixture
def platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("TRADEWINDOW_EVIDENCE_CHECKPOINT_RECORDS", "40")
    return Settings.from_env()


def write(settings: Settings, count: int, start: int = 0) -> None:
    """``count`` records filed as a writer files them (the bootstrapped log), in batches of 10,
    its tail sealed at the end as ``clear`` and ``serve`` do."""
    key = load_platform_key(settings.data_dir / "platform-ed25519.pem", create=True)
    store = open_store(settings.database_url)
    log = evidence_log(settings, store, key)
    for batch in range(start, start + count, 10):
        log.append_many(
            [
                Entry(
                    kind=RecordKind.MESSAGE_ACCEPTED,
                    subjects=(f"F{n % 7}",),
                    payload_digest=hashlib.sha256(str(n).encode()).hexdigest(),
                    actor="party:a",
                    at=T0 + timedelta(seconds=n),
                )
                for n in range(batch, min(batch + 10, start + count))
            ]
        )
    log.seal_tail()
    store.close()


def public_key_file(settings: Settings, path: Path) -> Path:
    key = load_platform_key(settings.data_dir / "platform-ed25519.pem")
    path.write_bytes(public_pem(key.public_key()))
    return path


def test_deleting_the_last_100_records_with_the_checkpoints_fails_verify(
    platform: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    write(platform, 230)  # checkpoints after 40, 80, ... records, and the sealed tail
    assert run("evidence", "verify") == 0
    out = capsys.readouterr().out
    assert "ok: " in out
    assert "anchors: " in out
    assert "no time-stamping authority configured" in out
    engine = open_store(platform.database_url)
    with engine.engine.begin() as connection:
        head = connection.execute(text("SELECT max(seq) FROM evidence_records")).scalar_one()
        for table in ("evidence_subjects", "evidence_records"):
            connection.execute(
                text(f"DELETE FROM {table} WHERE seq > :seq"),  # noqa: S608 - fixed names
                {"seq": head - 100},
            )
    engine.close()
    assert run("evidence", "verify") == 1
    out = capsys.readouterr().out
    assert "chain.truncated" in out
    assert f"checkpoint {head}" in out


def test_verify_reports_the_unanchored_tail(
    platform: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    write(platform, 10)
    store = open_store(platform.database_url)
    key = load_platform_key(platform.data_dir / "platform-ed25519.pem")
    log = evidence_log(platform, store, key)
    log.append(RecordKind.RECEIPT, "F1", "ab" * 32, "platform")
    store.close()
    assert run("evidence", "verify") == 0
    assert "unanchored tail: 1 records after the last checkpoint" in capsys.readouterr().out


def test_a_bundle_needs_a_trusted_key_and_names_the_signer(
    platform: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(platform, 30)
    bundle = tmp_path / "F3.json"
    assert run("evidence", "export", "--filing", "F3", "--out", str(bundle)) == 0
    assert run("evidence", "verify", "--bundle", str(bundle)) == 2
    assert "bundle.untrusted" in capsys.readouterr().err
    public = public_key_file(platform, tmp_path / "platform.pub.pem")
    assert run("evidence", "verify", "--bundle", str(bundle), "--public-key", str(public)) == 0
    key = load_platform_key(platform.data_dir / "platform-ed25519.pem")
    assert f"bundle signed by {key_fingerprint(key.public_key())}" in capsys.readouterr().out


def test_a_trust_store_setting_serves_as_the_trusted_key(
    platform: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(platform, 30)
    bundle = tmp_path / "F3.json"
    assert run("evidence", "export", "--filing", "F3", "--out", str(bundle)) == 0
    store = tmp_path / "trusted"
    store.mkdir()
    public_key_file(platform, store / "platform.pem")
    (store / "other.pem").write_bytes(public_pem(ed25519.Ed25519PrivateKey.generate().public_key()))
    monkeypatch.setenv("TRADEWINDOW_EVIDENCE_TRUSTED_KEYS", str(store))
    assert run("evidence", "verify", "--bundle", str(bundle)) == 0


def test_a_bundle_from_a_forged_chain_re_signed_with_another_key_fails(
    platform: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(platform, 30)
    public = public_key_file(platform, tmp_path / "platform.pub.pem")
    # the forger holds the database, not the key: he replaces the key and signs his own chain
    (platform.data_dir / "platform-ed25519.pem").unlink()
    (platform.data_dir / "evidence-anchors.jsonl").unlink()
    (Path(platform.database_url.removeprefix("sqlite:///"))).unlink()
    write(platform, 30, start=500)
    forged = tmp_path / "forged.json"
    assert run("evidence", "export", "--filing", "F3", "--out", str(forged)) == 0
    capsys.readouterr()
    assert run("evidence", "verify", "--bundle", str(forged), "--public-key", str(public)) == 1
    out = capsys.readouterr().out
    assert "bundle.platform_key" in out
    assert "bundle signed by platform-key:" in out


def test_a_published_copy_proves_a_rewrite_by_whoever_holds_database_and_data_folder(
    platform: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(platform, 50)
    agency = tmp_path / "agency"
    agency.mkdir()
    published = agency / "published.json"
    assert run("evidence", "publish", "--out", str(published)) == 0
    public = agency / "platform.pub.pem"  # what the platform announced, kept by the agency
    assert run("evidence", "public-key", "--out", str(public)) == 0
    assert public.read_bytes() == public_key_file(platform, tmp_path / "check.pem").read_bytes()
    assert run("evidence", "verify", "--published", str(published)) == 0
    capsys.readouterr()

    # the insider keeps the platform key, rewrites the database and the anchor file
    saved_key = (platform.data_dir / "platform-ed25519.pem").read_bytes()
    shutil.rmtree(platform.data_dir)
    Path(platform.database_url.removeprefix("sqlite:///")).unlink()
    platform.data_dir.mkdir()
    (platform.data_dir / "platform-ed25519.pem").write_bytes(saved_key)
    write(platform, 50, start=1000)
    assert run("evidence", "verify") == 0  # alone, the rewritten history holds
    capsys.readouterr()
    assert (
        run("evidence", "verify", "--published", str(published), "--public-key", str(public)) == 1
    )
    assert "anchor.mismatch" in capsys.readouterr().out

    # a publication under another key is refused outright
    other = agency / "other.pub.pem"
    other.write_bytes(public_pem(ed25519.Ed25519PrivateKey.generate().public_key()))
    assert run("evidence", "verify", "--published", str(published), "--public-key", str(other)) == 1
    assert "published.platform_key" in capsys.readouterr().out


def test_checkpoints_are_time_stamped_by_a_configured_tsa_through_the_egress_policy(
    platform: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tsa = LocalTsa()
    certificate = tmp_path / "tsa.pem"
    certificate.write_bytes(tsa.certificate_pem)
    with tsa.serving() as url:
        monkeypatch.setenv("TRADEWINDOW_EVIDENCE_TSA_URL", url)
        monkeypatch.setenv("TRADEWINDOW_EVIDENCE_TSA_CERT", str(certificate))
        # the egress policy refuses loopback: the checkpoint is signed, not stamped
        write(Settings.from_env(), 10)
        assert tsa.requests == []
        assert run("evidence", "verify") == 0
        assert "none of the checkpoints is time-stamped yet" in capsys.readouterr().out
        # a private deployment names its TSA's network in the allow-list
        monkeypatch.setenv("TRADEWINDOW_EGRESS_ALLOW", "127.0.0.1/32")
        write(Settings.from_env(), 10, start=10)
        assert len(tsa.requests) == 1
    assert run("evidence", "verify") == 0
    out = capsys.readouterr().out
    assert "time-stamps: 1 checkpoints stamped by the TSA; checkpoint 22 existed by " in out
    assert "2026-12-05T10:30:15+00:00" in out
    anchors = (platform.data_dir / "evidence-anchors.jsonl").read_text()
    assert anchors.count('"timestamp":"') == 1

    # a token made for another hash, put in the place of the real one, fails verify
    other = base64.b64encode(tsa.token(hashlib.sha256(b"other").digest())).decode()
    store = open_store(platform.database_url)
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE evidence_checkpoints SET timestamp = :t WHERE seq = 22"), {"t": other}
        )
    store.close()
    assert run("evidence", "verify") == 1
    assert "timestamp.imprint" in capsys.readouterr().out
