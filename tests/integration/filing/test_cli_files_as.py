"""``tradewindow clear --as PARTY`` files through the filing use case as that party: the same
rights as the API (a stranger's order is refused with a CEB900 naming the code, nothing of it
claimed), what is accepted is the party's; without ``--as`` the operator files, and its
documents are nobody else's to read. Old ownerless rows get the operator on migration."""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec
import pytest
from alembic import command
from alembic.config import Config
from lxml import etree
from sqlalchemy import Engine, select

import builders
from tradewindow.bootstrap import bootstrap
from tradewindow.cbec.clearance import Submission
from tradewindow.cli import main
from tradewindow.formats import ceb_json
from tradewindow.parties.model import RegisterParty
from tradewindow.settings import Settings
from tradewindow.store.engine import _MIGRATIONS, create_store_engine
from tradewindow.store.filing.tables import api_messages, filings

PARTIES = {"platform": builders.EBP_CODE, "other-platform": "4403960009"}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRADEWINDOW_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TRADEWINDOW_DATA_DIR", str(tmp_path / "var"))
    app = bootstrap()
    try:
        for party_id, code in PARTIES.items():
            app.parties.register(
                RegisterParty(
                    id=party_id,
                    name_zh=party_id,
                    name_en=party_id,
                    kind="enterprise",
                    roles=("ecommerce_platform",),
                    identifiers=(("cn.customs", code),),
                )
            )
    finally:
        app.close()
    return tmp_path


def order_file(folder: Path, order_no: str, cop_code: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    message = builders.order_message(
        builders.order(order_no=order_no), guid_=builders.guid("cli", order_no, cop_code)
    )
    message = msgspec.structs.replace(
        message, base_transfer=builders.base_transfer(cop_code=cop_code)
    )
    path = folder / f"{order_no}.json"
    path.write_bytes(ceb_json.write_message(message))
    return path


def owners(workdir: Path) -> dict[str, str]:
    engine = create_store_engine(f"sqlite:///{workdir / 'tw.db'}")
    try:
        with engine.connect() as connection:
            found = connection.execute(select(filings.c.key, filings.c.party_id)).all()
        return {row.key: row.party_id for row in found}
    finally:
        engine.dispose()


def test_a_stranger_is_refused_with_a_ceb900_and_claims_nothing(workdir: Path) -> None:
    path = order_file(workdir / "in", "SO-CLI-1", "4403960009")
    out = workdir / "out"
    assert main(["clear", str(path), "--out", str(out), "--as", "other-platform"]) == 1  # refused
    [receipt] = [etree.fromstring(f.read_bytes()) for f in out.iterdir()]
    assert etree.QName(receipt).localname == "CEB900Message"
    assert "auth.not_commissioned" in etree.tostring(receipt, encoding="unicode")
    assert owners(workdir) == {}
    # the genuine platform is not locked out of its own order number
    mine = order_file(workdir / "in2", "SO-CLI-1", builders.EBP_CODE)
    assert main(["clear", str(mine), "--out", str(workdir / "out2"), "--as", "platform"]) == 0
    assert owners(workdir) == {f"{builders.EBP_CODE}|SO-CLI-1": "platform"}


def test_an_unknown_party_files_nothing(workdir: Path) -> None:
    path = order_file(workdir / "in", "SO-CLI-2", builders.EBP_CODE)
    assert main(["clear", str(path), "--out", str(workdir / "out"), "--as", "nobody"]) == 2
    assert owners(workdir) == {}


def test_without_as_the_operator_files_and_the_evidence_says_so(workdir: Path) -> None:
    path = order_file(workdir / "in", "SO-CLI-3", builders.EBP_CODE)
    assert main(["clear", str(path), "--out", str(workdir / "out")]) == 0
    assert owners(workdir) == {f"{builders.EBP_CODE}|SO-CLI-3": "operator:local"}
    app = bootstrap()
    try:
        actors = {r.actor for r in app.evidence.records() if r.kind == "message_accepted"}
        assert actors == {"operator:local"}
        # the platform whose code it names reads none of it: the operator owns it
        assert app_filing_of(app.store.engine, "platform") == []
    finally:
        app.close()


def app_filing_of(engine: Engine, party_id: str) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(select(filings.c.key).where(filings.c.party_id == party_id))
            .scalars()
            .all()
        )


def _alembic(engine: Engine, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def test_ownerless_rows_get_the_operator_on_migration(database_url: str, tmp_path: Path) -> None:
    settings = Settings(
        database_url=database_url, data_dir=tmp_path, credential_pepper="migration-pepper-0123"
    )
    app = bootstrap(settings)
    try:
        # cleared as `clear` did before the filing use case: no sender, no owner recorded
        message = builders.order_message(builders.order(order_no="SO-OLD-1"))
        data = ceb_json.write_message(message)
        old = Submission(message=message, digest=_sha(data), received_at=builders.NOW)
        assert not app.clearance.submit([old])[0].refused
        engine = app.store.engine
        _alembic(engine, "downgrade", "filing@0006_web")
        assert app_filing_of(engine, "operator:local") == []
        _alembic(engine, "upgrade", "heads")
        assert app_filing_of(engine, "operator:local") == [f"{builders.EBP_CODE}|SO-OLD-1"]
        with engine.connect() as connection:
            sender = connection.execute(
                select(api_messages.c.party_id).where(api_messages.c.guid == message.guid)
            ).scalar_one()
        assert sender == "operator:local"
        _alembic(engine, "downgrade", "filing@0006_web")  # removes exactly what it added
        assert app_filing_of(engine, "operator:local") == []
        _alembic(engine, "upgrade", "heads")
    finally:
        app.close()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
