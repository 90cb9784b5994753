"""Any bytes in any file ``clear`` is given get an answer: the decoder returns a submission or a
coded refusal (a CEB900), never raises — whatever the name says the file is."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tradewindow.cbec.clearance import Submission
from tradewindow.cbec.documents import SpecVersion
from tradewindow.intake import Decoder, Refusal, incoming
from tradewindow.settings import Settings

DECODER = Decoder(Settings(), spec=SpecVersion.V202205, xsd=False)
NOW = datetime(2026, 12, 5, tzinfo=UTC)
PREFIXES = [b"", b"<", b"{", b"[", b"UNA:+.? '", b"UNB+UNOC:3", b"\xef\xbb\xbf<", b"\x00"]


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=300),
    suffix=st.sampled_from([".xml", ".json", ".jsonl", ".edi", ".txt", ""]),
)
def test_every_file_is_read_or_refused_with_a_code(
    tmp_path_factory: object, prefix: bytes, body: bytes, suffix: str
) -> None:
    folder = Path(tmp_path_factory.mktemp("in"))  # type: ignore[attr-defined]
    (folder / f"message{suffix}").write_bytes(prefix + body)
    for item in incoming([folder]):
        decoded = DECODER.decode(item, NOW)
        assert isinstance(decoded, Submission | Refusal)
        if isinstance(decoded, Refusal):
            assert decoded.error.code.startswith("CEB900.")
