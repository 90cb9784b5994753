"""Parcels after release on the logistics timeline (bootstrap wiring): a CEB711 delivery is a
RECE shipment event and a CEB513 signature a CMPL one on the parcel's transport document,
linked to its master bill; the logistics firm the parcel names sees them, a stranger not."""

from __future__ import annotations

from test_clearance_to_gate import app, submit  # noqa: F401 - the fixture

import builders as b
import lifecycle_builders as lb
from tradewindow.bootstrap import App
from tradewindow.logistics.customs import timeline
from tradewindow.logistics.events import Viewer
from tradewindow.logistics.model import ShipmentEvent
from tradewindow.parties.model import RegisterParty

BILL = "784-12345675"


def test_arrival_and_signature_are_shipment_events(app: App) -> None:  # noqa: F811 - fixture
    for party_id, code in (("sf-express", b.LOGISTICS_CODE), ("someone-else", "4403969999")):
        app.parties.register(
            RegisterParty(id=party_id, name_zh=party_id, name_en=party_id, kind="enterprise",
                          roles=("logistics_firm",), identifiers=(("cn.customs", code),))
        )  # fmt: skip
    s = b.import_set()
    submit(app, *s.messages)
    submit(app, lb.delivery_message(lb.delivery(s.waybill)))
    submit(app, lb.status_message(lb.waybill_status(s.waybill, logistics_time="20260301120000")))
    carrier = Viewer(party_id="sf-express")
    seen = timeline(app.logistics.events, carrier, transport_document=b.LOGISTICS_NO)
    codes = [e.shipment_event_type_code for e in seen if isinstance(e, ShipmentEvent)]
    assert sorted(codes) == ["CMPL", "RECE"]  # one clock in this test: both at noon
    assert all(e.document_type_code == "TRD" for e in seen if isinstance(e, ShipmentEvent))
    stranger = Viewer(party_id="someone-else")
    assert timeline(app.logistics.events, stranger, transport_document=b.LOGISTICS_NO) == []
    by_bill = timeline(app.logistics.events, carrier, transport_document=BILL)
    assert {e.shipment_event_type_code for e in by_bill if isinstance(e, ShipmentEvent)} >= {
        "RECE",
        "CMPL",
    }
