"""A CEB623 cancellation of a released list withdraws its last-mile release: the container
that could gate out is held again (shipment event HOLD after RELS) and its gate-out refused."""

from __future__ import annotations

import hashlib

import msgspec
from test_clearance_to_gate import (  # the last-mile harness of the clearance-to-gate tests
    BOX,
    TERMINAL,
    app,  # noqa: F401 - the fixture
    discharged,
    gate_out,
    release_by_agencies,
    submit,
)

import builders as b
import lifecycle_builders as lb
from tradewindow.bootstrap import App
from tradewindow.cbec.clearance import Submission
from tradewindow.logistics.customs import timeline
from tradewindow.logistics.model import ShipmentEvent


def test_a_cancelled_list_no_longer_gates_out(app: App) -> None:  # noqa: F811 - the fixture
    discharged(app)
    s = b.import_set()
    submit(app, *s.messages)
    release_by_agencies(app)
    assert app.logistics.customs.may_gate_out(BOX).allowed
    seen = timeline(app.logistics.events, TERMINAL, equipment=BOX)
    invt_no = next(e.document_id for e in seen if isinstance(e, ShipmentEvent))
    assert invt_no is not None
    cancel = lb.cancel_message(lb.cancel(s.inventory, invt_no))
    digest = hashlib.sha256(msgspec.json.encode(cancel)).hexdigest()
    [answer] = app.clearance.submit([Submission(message=cancel, digest=digest, received_at=b.NOW)])
    assert [(r.receipt_type, r.status) for r in answer.receipts] == [("CEB624", "399")]
    decision = app.logistics.customs.may_gate_out(BOX)
    assert not decision.allowed
    assert decision.customs == "held"
    assert gate_out(app, "gate-after-cancel") == ["TNT.gateOut.notReleased"]
    assert [a.event_id for a in app.logistics.customs.alerts()] == ["gate-after-cancel"]
