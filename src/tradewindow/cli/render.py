"""What the commands print: the shared console, the progress bar and the run summaries."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tradewindow.intake import FileOutcome, Summary

console = Console()


def progress() -> Progress:
    """A transient bar: what is being done, how far, for how long."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


_KINDS = ("order", "payment", "waybill", "inventory")
_STATUS_WORDS = {
    "100": ("returned", "退单"),
    "120": ("accepted", "入库"),
    "300": ("in manual review", "人工审核"),
    "399": ("concluded by customs, awaiting agencies", "海关审结，待其他部门"),
    "500": ("selected for inspection", "查验"),
    "800": ("released", "放行"),
}
# export documents (kinds "export …") where their statuses mean otherwise (spec 202205 ch. 2)
_EXPORT_STATUS_WORDS = {
    "2": ("waiting for their documents", "待三单"),
    "399": ("concluded", "审结"),
    "899": ("departed, closed", "离境结关"),
    "declared": ("declared (CEB792)", "已生成报关单"),
}


def print_summary(summary: Summary) -> None:
    """The run's figures: documents by kind and latest status (every status met, 399
    included), returns by reason, refusals, tax."""
    table = Table(title="Clearance summary / 通关汇总", show_lines=False)
    table.add_column("figure")
    table.add_column("count", justify="right")
    table.add_row("messages read / 读取报文", f"{summary.messages:,}")
    table.add_row("documents / 单证", f"{summary.documents:,}")
    statuses = summary.statuses
    for kind in (*_KINDS, *sorted({k for k, _ in statuses} - set(_KINDS))):
        for status in sorted(s for k, s in statuses if k == kind):
            words = _STATUS_WORDS
            if kind.startswith("export "):
                words = {**_STATUS_WORDS, **_EXPORT_STATUS_WORDS}
            en, zh = words.get(status, (f"status {status}", f"状态 {status}"))
            waiting = " (waiting for companions)" if kind == "inventory" and status == "120" else ""
            label = f"{kind}s {en}{waiting} ({status}) / {zh}"
            table.add_row(label, f"{statuses[(kind, status)]:,}")
    table.add_row("messages unreadable (CEB900)", f"{sum(summary.format_errors.values()):,}")
    table.add_row("messages replayed (same guid, same bytes)", f"{summary.replayed:,}")
    table.add_row("messages refused (guid reused)", f"{summary.guid_reused:,}")
    for code, count in sorted(summary.refused.items()):
        table.add_row(f"messages refused ({code})", f"{count:,}")
    table.add_row("tax bills (CEB816)", f"{summary.tax_bills:,}")
    table.add_row("tax total (CNY)", f"{summary.tax_total:,.2f}")
    console.print(table)
    if summary.returned_by_reason or summary.format_errors:
        reasons = Table(title="Returned by reason / 退单原因")
        reasons.add_column("code")
        reasons.add_column("documents", justify="right")
        for code, count in (summary.returned_by_reason + summary.format_errors).most_common():
            reasons.add_row(code, f"{count:,}")
        console.print(reasons)


def print_files(outcomes: Sequence[FileOutcome], *, more: int = 0) -> None:
    """The inputs that were not all accepted, one block each (names never cut, so they can
    be copied): file, message type, guid; what happened; the receipt files written."""
    if not outcomes:
        return
    console.print("[bold]Files not all accepted / 未全部入库的文件[/]")
    for outcome in outcomes:
        head = f"{outcome.source}  {outcome.message_type or '?'}  {outcome.guid or '?'}"
        console.print(head, markup=False, soft_wrap=True)
        for line in _what(outcome):
            console.print(f"    {line}", markup=False, soft_wrap=True)
        if outcome.receipts:
            console.print(
                f"    receipts: {' '.join(outcome.receipts)}", markup=False, soft_wrap=True
            )
    if more:
        console.print(f"… and {more:,} more (see --report) / 另有 {more:,} 个，见 --report")


def _what(outcome: FileOutcome) -> list[str]:
    if outcome.outcome in ("refused", "unreadable"):
        text = f"{outcome.outcome}: {', '.join(outcome.codes)}"
        return [f"{text} (first used by {outcome.conflict})" if outcome.conflict else text]
    return [
        f"{d.kind} {d.key} returned (100): {', '.join(d.codes) or '-'}"
        for d in outcome.documents
        if d.status == "100"
    ]
