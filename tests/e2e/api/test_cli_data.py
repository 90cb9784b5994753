"""``tradewindow data push|pull|verify`` against a real server on loopback: a push interrupted
and resumed, a pull resumed over a partly written file, offline verification with the platform
key, a tampered file that fails verification, and a chunk tampered with in the store that a
pull refuses."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from api_world import World
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from data_world import seed_data
from loopback import serve

from tradewindow.cli import main
from tradewindow.datachannel.model import ApprovalKind

CHUNK = 64 * 1024


def test_push_pull_verify(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed_data(world)  # credentials for the sender, the officers and the recipient
    channel = world.window.app.data
    project = channel.records.project("P-DATA")
    assert project is not None
    sender, officer_a, recipient, officer_b = [m.person for m in project.members]
    channel.request(
        sender, "T-CLI", "D-DATA", [recipient], channel.clock().date().replace(year=2099)
    )
    source = tmp_path / "reads.bin"
    data = os.urandom(5 * CHUNK + 77)
    source.write_bytes(data)
    with serve(world.app) as base:
        key = world.keys["data-sender"]
        # an interrupted push: two chunks went before the line dropped
        channel.begin_upload(sender, "T-CLI", len(data), CHUNK)
        for index in (0, 3):
            piece = data[index * CHUNK : (index + 1) * CHUNK]
            channel.put_chunk(sender, "T-CLI", index, piece, hashlib.sha256(piece).hexdigest())
        push = ["data", "push", "--api", base, "--key", key, "--transfer", "T-CLI"]
        assert main([*push, "--chunk-size", str(CHUNK), str(source)]) == 0
        assert "pushed" in capsys.readouterr().out
        channel.approve(officer_a, "T-CLI", ApprovalKind.SENDER_OFFICER)
        channel.approve(officer_b, "T-CLI", ApprovalKind.RECIPIENT_OFFICER)
        channel.release(officer_a, "T-CLI")
        out = tmp_path / "received.bin"
        out.write_bytes(data[: 2 * CHUNK] + b"\0" * 100)  # a pull cut short
        pull = ["data", "pull", "--api", base, "--key", world.keys["data-recipient"]]
        assert main([*pull, "--transfer", "T-CLI", "--parallel", "3", str(out)]) == 0
        assert out.read_bytes() == data
        stranger = ["data", "pull", "--api", base, "--key", world.keys["data-sender"]]
        assert main([*stranger, "--transfer", "T-CLI", str(tmp_path / "x.bin")]) == 1
        assert "DATA.not_found" in " ".join(capsys.readouterr().out.split())
    steps = [r.step for r in channel.records.evidence("T-CLI")]
    assert steps[-1] == "verification"
    pem = tmp_path / "platform.pem"
    public = world.window.app.data.signing_key.public_key()
    pem.write_bytes(public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    assert main(["data", "verify", str(out), "--public-key", str(pem)]) == 0
    assert "signature checked" in " ".join(capsys.readouterr().out.split())
    raw = bytearray(out.read_bytes())
    raw[CHUNK + 5] ^= 1
    out.write_bytes(bytes(raw))
    assert main(["data", "verify", str(out), "--public-key", str(pem)]) == 1
    assert "DATA.file.chunk" in " ".join(capsys.readouterr().out.split())


def test_a_pull_stops_at_a_chunk_tampered_with_in_the_store(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_data(world)
    channel = world.window.app.data
    project = channel.records.project("P-DATA")
    assert project is not None
    sender, officer_a, recipient, officer_b = [m.person for m in project.members]
    channel.request(
        sender, "T-BAD", "D-DATA", [recipient], channel.clock().date().replace(year=2099)
    )
    data = os.urandom(4 * CHUNK)
    channel.begin_upload(sender, "T-BAD", len(data), CHUNK)
    for index in range(4):
        piece = data[index * CHUNK : (index + 1) * CHUNK]
        channel.put_chunk(sender, "T-BAD", index, piece, hashlib.sha256(piece).hexdigest())
    channel.finish_upload(sender, "T-BAD")
    channel.approve(officer_a, "T-BAD", ApprovalKind.SENDER_OFFICER)
    channel.approve(officer_b, "T-BAD", ApprovalKind.RECIPIENT_OFFICER)
    channel.release(officer_a, "T-BAD")
    name = channel.records.chunks("T-BAD")[2].object_name
    stored = channel.objects.root / name[:2] / name[2:]  # type: ignore[attr-defined]
    raw = bytearray(stored.read_bytes())
    raw[100] ^= 1
    stored.write_bytes(bytes(raw))
    with serve(world.app) as base:
        pull = ["data", "pull", "--api", base, "--key", world.keys["data-recipient"]]
        assert main([*pull, "--transfer", "T-BAD", str(tmp_path / "bad.bin")]) == 1
    assert "DATA.download.tampered" in " ".join(capsys.readouterr().out.split())
    assert "verification" not in [r.step for r in channel.records.evidence("T-BAD")]
