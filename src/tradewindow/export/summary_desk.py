"""``SummaryDesk``: the summary declaration as an action — preview the summaries of the
departed lists a party filed (with each list's deadline and the overdue ones), and file them
as CEB701 applications through the filing path, whose answers carry CEB702 and CEB792.

The CLI (``tradewindow export summarise``) and the API (``/v1/export/summaries``) call it;
the rules are :mod:`.summary` (merge, deadline) and :mod:`.summarising` (applications).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import msgspec

from tradewindow.cbec.documents import BaseTransfer
from tradewindow.export import summarising
from tradewindow.export.documents import SummaryApplyMessage
from tradewindow.export.model import ExportAnswer, ExportList
from tradewindow.export.ports import ExportStore
from tradewindow.export.summary import Summary, WorkingDays, deadline, policy_on, summarise

# files one CEB701 message for a sender at a time (FileExport.file or ClearExport)
FileApplication = Callable[[SummaryApplyMessage, datetime], ExportAnswer]


class Overdue(msgspec.Struct, frozen=True, kw_only=True):
    invt_no: str
    departed_on: date
    due: date


class Preview(msgspec.Struct, frozen=True, kw_only=True):
    """What filing now would declare: the summaries, the policy's source, the overdue lists."""

    source: str
    summaries: list[Summary]
    overdue: list[Overdue]


class SummaryDesk:
    def __init__(self, store: ExportStore, calendar: WorkingDays | None = None) -> None:
        self.store = store
        self.calendar = calendar or WorkingDays()

    def waiting(self, owner: str | None, ebc_code: str | None = None) -> list[ExportList]:
        """Departed lists not yet summarised that ``owner`` filed (None: anyone's)."""
        with self.store.reading() as records:
            found = records.unsummarised(ebc_code)
        return [x for x in found if owner is None or x.owner == owner]

    def preview(self, owner: str | None, today: date, ebc_code: str | None = None) -> Preview:
        ready = [summarising.released(x) for x in self.waiting(owner, ebc_code)]
        if not ready:
            return Preview(source="", summaries=[], overdue=[])
        policy = policy_on(max(x.departed_on for x in ready))
        overdue = [
            Overdue(invt_no=x.invt_no, departed_on=x.departed_on, due=due)
            for x in sorted(ready, key=lambda x: x.invt_no)
            if (due := deadline(x.departed_on, policy, self.calendar)) < today
        ]
        return Preview(source=policy.source, summaries=summarise(ready, policy), overdue=overdue)

    def file(
        self,
        owner: str | None,
        at: datetime,
        send: FileApplication,
        *,
        agent: tuple[str, str] | None = None,
        ebc_code: str | None = None,
    ) -> list[ExportAnswer]:
        """File one CEB701 per summary of ``owner``'s waiting lists; the answers in order.
        ``agent`` (code, name) declares; by default each list's own declaring agent."""
        by_consignor: dict[str, list[ExportList]] = {}
        for record in self.waiting(owner, ebc_code):
            by_consignor.setdefault(record.inventory.head.ebc_code, []).append(record)
        answers = []
        for ebc, records in sorted(by_consignor.items()):
            head = records[0].inventory.head
            declarant = agent or (head.agent_code, head.agent_name)
            for _summary, apply in summarising.applications(
                records,
                agent=declarant,
                decl_agent=declarant,
                cop_no_prefix=f"SUM{at:%Y%m%d%H%M}{ebc[-4:]}",
                at=at,
            ):
                message = SummaryApplyMessage(
                    guid=apply.head.guid,
                    base_transfer=BaseTransfer(
                        cop_code=declarant[0],
                        cop_name=declarant[1],
                        dxp_mode="DXP",
                        dxp_id="TRADEWINDOW",
                    ),
                    applications=[apply],
                )
                answers.append(send(message, at))
        return answers
