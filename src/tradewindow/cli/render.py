"""What the commands print: the shared console, the progress bar and the run summaries."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tradewindow.intake import Summary

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


def print_summary(summary: Summary) -> None:
    """The run's figures: documents by outcome, returns by reason, tax."""
    outcomes = summary.outcomes
    table = Table(title="Clearance summary / 通关汇总", show_lines=False)
    table.add_column("figure")
    table.add_column("count", justify="right")
    table.add_row("messages read", f"{summary.messages:,}")
    table.add_row("documents", f"{summary.documents:,}")
    for kind in ("order", "payment", "waybill"):
        table.add_row(f"{kind}s accepted (120)", f"{outcomes[f'{kind}:accepted']:,}")
    table.add_row("lists released (800)", f"{outcomes['inventory:released']:,}")
    table.add_row("lists waiting for companions (120)", f"{outcomes['inventory:accepted']:,}")
    table.add_row("lists in manual review (300)", f"{outcomes['inventory:manual review']:,}")
    table.add_row("lists selected for inspection (500)", f"{outcomes['inventory:inspection']:,}")
    returned = sum(v for k, v in outcomes.items() if k.endswith(":returned"))
    table.add_row("documents returned (100)", f"{returned:,}")
    table.add_row("messages refused unread (CEB900)", f"{sum(summary.format_errors.values()):,}")
    table.add_row("messages replayed (same guid, same bytes)", f"{summary.replayed:,}")
    table.add_row("messages refused (guid reused)", f"{summary.guid_reused:,}")
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
