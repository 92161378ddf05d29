"""Terminal output of the CLI: the closing summary and the problems worth a look."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .run import Summary

__all__ = ["render_problems", "render_summary"]


def render_summary(console: Console, summary: Summary, *, simulated: bool) -> None:
    """The closing table: what was delivered, rejected, failed, and what it cost."""
    table = Table(title="Delivery summary", show_header=False, title_justify="left")
    table.add_column("metric", style="bold")
    table.add_column("value", justify="right")
    if summary.already_recorded:
        table.add_row(
            "already recorded by the checkpoint (not sent)", f"{summary.already_recorded:,}"
        )
    table.add_row("events read", f"{summary.events:,}")
    if summary.resent:
        table.add_row("  in flight when the last run stopped, sent again", f"{summary.resent:,}")
    table.add_row("delivered", f"[green]{summary.delivered:,}[/green]")
    table.add_row("rejected (bad events, not retryable)", f"[red]{summary.rejected:,}[/red]")
    table.add_row("failed, retryable", f"[yellow]{summary.failed_retryable:,}[/yellow]")
    if summary.config:
        table.add_row("refused: destination configuration", f"[red]{summary.config:,}[/red]")
    if summary.maybe_applied:
        table.add_row("  of which trackcmp may have recorded", f"{summary.maybe_applied:,}")
    if summary.skipped:
        table.add_row("skipped (may already be recorded)", f"{summary.skipped:,}")
    if summary.not_attempted:
        table.add_row(
            "not attempted (left for --resume)", f"[yellow]{summary.not_attempted:,}[/yellow]"
        )
    if summary.interrupted:
        table.add_row(
            "in flight when aborted (sent again on --resume)",
            f"[yellow]{summary.interrupted:,}[/yellow]",
        )
    table.add_row("warnings (values not applied)", f"{summary.warnings:,}")
    table.add_row("requests made", f"{summary.requests:,}")
    table.add_row("requests per event", f"{summary.requests_per_event:.2f}")
    table.add_row("elapsed (wall clock)", f"{summary.elapsed:.2f} s")
    if simulated and summary.simulated_seconds is not None:
        table.add_row("elapsed (emulator's simulated clock)", f"{summary.simulated_seconds:.1f} s")
    console.print(table)


def render_problems(
    console: Console, summary: Summary, *, limit: int = 20, where: str = "the dead-letter file"
) -> None:
    """The first undelivered events with their (original) line numbers and reasons."""
    if not summary.problems:
        return
    table = Table(title="Events not delivered", title_justify="left")
    table.add_column("line", justify="right")
    table.add_column("status", justify="right")
    table.add_column("retry?")
    table.add_column("reason", overflow="fold")
    for number, result in summary.problems[:limit]:
        table.add_row(
            str(number),
            str(result.status_code),
            "yes" if result.retryable else "no",
            Text(result.error or ""),  # event data, never markup
        )
    console.print(table)
    hidden = summary.undelivered - min(limit, len(summary.problems))
    if hidden > 0:
        console.print(f"... and {hidden:,} more (all of them are in {where})", markup=False)
