"""Export files shaped like GACC's 202205 export sample set, for the sandbox and ``clear``.

GACC's own sample files are not in ``shared/data`` (only the XSDs and the spec PDFs are; the
PDF holds field tables, no sample XML), so these are built here from the coherent set of
``export_set`` and changed the way the issue reports GACC's samples break the 202205 export
XSD while reading fine:

- every data message's ``BaseTransfer`` lists ``dxpId`` before ``dxpMode`` (the XSD's sequence
  is copCode, copName, dxpMode, dxpId, note): the 202205 XSD refuses it at
  ``BaseTransfer/dxpId``, every field is still read. Which exact fault GACC's files carry at
  BaseTransfer could not be checked without them; the order is our stand-in;
- the CEB792 summary result is 2018-shaped (no ``gseqno`` before ``gnum``): 202205 faults it at
  ``SummaryResult[1]/SummaryResultList[n]/gnum``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import export_set as s

from tradewindow.cbec.receipts import return_time
from tradewindow.export import receipts as r
from tradewindow.formats import ceb_export

IN_ORDER = b"<ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>DXPENT0000000001</ceb:dxpId>"
SWAPPED = b"<ceb:dxpId>DXPENT0000000001</ceb:dxpId><ceb:dxpMode>DXP</ceb:dxpMode>"
FAULT_PATH = "BaseTransfer/dxpId"


def shaped(code: str, *documents: object) -> bytes:
    """The ``code`` message of the set with its BaseTransfer children as GACC's samples."""
    data = ceb_export.write_message(s.message(code, *documents))
    assert IN_ORDER in data
    return data.replace(IN_ORDER, SWAPPED)


def sample_set() -> list[tuple[str, bytes]]:
    """A 9610 set in the order GACC numbers it: order, receipt of payment, waybill, list,
    arrival, departure."""
    return [
        ("CEB303Message.xml", shaped("CEB303")),
        ("CEB403Message.xml", shaped("CEB403")),
        ("CEB505Message.xml", shaped("CEB505")),
        ("CEB603Message.xml", shaped("CEB603")),
        ("CEB507Message.xml", shaped("CEB507", s.arrival())),
        ("CEB509Message.xml", shaped("CEB509", s.departure())),
    ]


def summary_result_2018() -> bytes:
    """A CEB792 of two lines without gseqno (2018's shape)."""
    at = datetime(2026, 4, 5, 2, 0, tzinfo=UTC)
    head = r.SummaryResultHead(
        guid=s.guid("792"), customs_code="5141", sum_no="514120260000000001",
        op_date=return_time(at), decl_seq_no="514120260000000001", dec_state="1",
        agent_code=s.AGENT_CODE, agent_name="湾区报关服务有限公司", ebc_code=s.EBC_CODE,
        ebc_name=s.EBC_NAME, decl_agent_code=s.AGENT_CODE, decl_agent_name="湾区报关服务有限公司",
        gross_weight=s.inventory().head.gross_weight, net_weight=s.inventory().head.net_weight,
        msg_count=1, msg_seq_no=1,
    )  # fmt: skip
    items = [
        r.SummaryResultItem(invt_no=s.INVT_NO, logistics_no=s.LOGISTICS_NO, gnum=n, gcode=gcode)
        for n, gcode in enumerate(("8518300000", "6110200090"), 1)
    ]
    result = r.SummaryResult(head=head, items=items)
    return ceb_export.write_receipt(r.SummaryResultMessage(guid=s.guid("792m"), returns=[result]))
