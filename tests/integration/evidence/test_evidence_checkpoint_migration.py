"""Migration 0017_evidence_checkpoints copies the checkpoints already in the chain (v1: signed
over seq, time and head) into the anchors table, where they still verify and now also catch a
truncated tail. On SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import msgspec
from alembic import command
from alembic.config import Config
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import Engine, text

from tradewindow.evidence import chain
from tradewindow.evidence.chain import Entry, RecordKind
from tradewindow.evidence.log import EvidenceLog
from tradewindow.store import migrate, open_store
from tradewindow.store.engine import _MIGRATIONS, create_store_engine

KEY = ed25519.Ed25519PrivateKey.from_private_bytes(b"\x05" * 32)
T0 = datetime(2025, 2, 1, tzinfo=UTC)


def _alembic(engine: Engine, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def v1_checkpoint(seq: int, prev_hash: str) -> chain.Record:
    """A checkpoint as the code before issue 15 signed it."""
    at = chain.time_text(T0 + timedelta(hours=1))
    signature = KEY.sign(chain.checkpoint_message(seq, at, prev_hash))
    return chain.seal(
        Entry(
            kind=RecordKind.CHECKPOINT,
            subjects=(chain.key_fingerprint(KEY.public_key()),),
            payload_digest=prev_hash,
            actor=chain.PLATFORM,
            at=T0 + timedelta(hours=1),
            signature=base64.b64encode(signature).decode(),
        ),
        seq,
        prev_hash,
    )


def test_old_checkpoints_become_anchors_and_still_verify(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        _alembic(engine, "upgrade", "0003_evidence")
        records = chain.seal_all(
            [
                Entry(
                    kind=RecordKind.RECEIPT,
                    subjects=(f"F{n}",),
                    payload_digest=hashlib.sha256(bytes([n])).hexdigest(),
                    actor="party:a",
                    at=T0 + timedelta(seconds=n),
                )
                for n in range(5)
            ],
            0,
            chain.GENESIS,
        )
        records.append(v1_checkpoint(6, records[-1].hash))
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO evidence_records (seq, at, kind, subjects, payload_digest,"
                    " signature, actor, prev_hash, hash) VALUES (:seq, :at, :kind, :subjects,"
                    " :payload_digest, :signature, :actor, :prev_hash, :hash)"
                ),
                [msgspec.structs.asdict(r) for r in records],
            )
    finally:
        engine.dispose()
    migrate(database_url)
    store = open_store(database_url)
    try:
        log = EvidenceLog(store.evidence, KEY)
        (anchor,) = log.anchors()
        assert (anchor.seq, anchor.records, anchor.head_hash) == (6, 5, records[4].hash)
        assert chain.anchor_problem(anchor, KEY.public_key()) is None
        report = log.verify()
        assert report.ok, report.failure
        assert report.anchored_seq == 6
        with store.engine.begin() as connection:
            connection.execute(text("DELETE FROM evidence_records WHERE seq > 3"))
        failure = log.verify().failure
        assert failure is not None
        assert failure.problem == "chain.truncated"
    finally:
        store.close()
