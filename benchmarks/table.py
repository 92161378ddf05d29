"""Printing the results: one table (a section per workload, then CPU, then the targets)
and the JSON line."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from .report import Comparison, Results, ratio

__all__ = ["render", "results_table"]


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _delivery(table: Table, title: str, reference: str, c: Comparison, *, polls: bool) -> None:
    m, b = c.ours, c.reference
    tracks = bool(m.tracking_requests or b.tracking_requests)
    seconds = f"{ratio(b.simulated_seconds, m.simulated_seconds):.1f}x"
    # (shown, label, ours, reference, ratio, what the reference is)
    # fmt: off
    rows = [
        (True, "API requests (account host)", _n(m.api_requests), _n(b.api_requests),
         f"{c.api_ratio:.1f}x",
         f"{m.bulk_import_requests} bulk imports" if m.bulk_import_requests else ""),
        (polls, "  of which import status polls", _n(m.import_polls), "", "",
         "GET /import/info"),
        (True, "API requests / event", _n(m.api_requests_per_event, 3),
         _n(b.api_requests_per_event, 3), "", ""),
        (tracks, "trackcmp.net requests", _n(m.tracking_requests), _n(b.tracking_requests),
         "", "one per track, both"),
        (tracks, "all requests / event", _n(m.requests_per_event, 3),
         _n(b.requests_per_event, 3), f"{c.request_ratio:.1f}x", ""),
        (True, "simulated seconds", _n(m.simulated_seconds, 1), _n(b.simulated_seconds, 1),
         seconds, ""),
        (True, "429 answers", _n(m.rate_limited), _n(b.rate_limited), "", ""),
        (True, "delivered", _n(m.delivered), _n(b.delivered), "", ""),
    ]
    # fmt: on
    table.add_section()
    table.add_row(f"[bold]{title}[/]", "", "", "", reference)
    for shown, *row in rows:
        if shown:
            table.add_row(*row)


def _protection(table: Table, r: Results) -> None:
    late, instant = r.repeated.ours, r.repeated_instant
    delay = r.settings["import_delay"]
    table.add_section()
    table.add_row(
        "[bold]stale-import protection[/]",
        "",
        "",
        "",
        f"repeated users, imports applied {delay:g} s late / at once",
    )
    table.add_row(
        "import status polls (GET /import/info)",
        _n(late.import_polls),
        _n(instant.import_polls),
        "",
        f"import: {r.repeated_import.ours.import_polls}, mixed: {r.mixed.ours.import_polls}",
    )
    table.add_row(
        "simulated seconds",
        _n(late.simulated_seconds, 1),
        _n(instant.simulated_seconds, 1),
        f"+{late.simulated_seconds - instant.simulated_seconds:.1f} s",
        "waiting for imports to be applied",
    )
    deferred = late.events - late.delivered
    table.add_row("events deferred (retryable 503)", _n(deferred), "", "", "")


def _cpu(table: Table, r: Results) -> None:
    c = r.cpu
    table.add_section()
    table.add_row(
        f"[bold]CPU, one core, {_n(c.events)} mixed events[/]", "", "", "", "events per second"
    )
    table.add_row("plan (validate + decide calls)", _n(c.plan_per_second), "", "", "")
    table.add_row("map (plan + operations, instant JSON)", _n(c.map_per_second), "", "", "")
    table.add_row(
        "end to end on httpx.MockTransport",
        _n(c.end_to_end_per_second),
        "",
        "",
        f"{c.requests_per_event:.2f} requests / event",
    )
    lb = r.loopback
    if lb is None:
        table.add_row("client overhead, loopback", "n/a", "", "", r.loopback_error or "")
        return
    rows = [
        ("client µs / request, loopback server", lb.client_wall_us, lb.raw_wall_us,
         lb.client_wall_us - lb.raw_wall_us, "raw httpx, same request"),
        ("  of which calling-thread CPU", lb.client_cpu_us, lb.raw_cpu_us,
         lb.overhead_us, "raw httpx"),
        ("client µs / request, instant transport", lb.client_instant_us, lb.raw_instant_us,
         lb.instant_overhead_us, "raw httpx, no socket"),
    ]  # fmt: skip
    for label, ours, raw, extra, note in rows:
        table.add_row(label, _n(ours, 1), _n(raw, 1), f"+{extra:.1f} µs", note)


def results_table(r: Results) -> Table:
    """Every measurement of ``r``, and the targets met or missed."""
    s = r.settings
    table = Table(
        title=(
            f"ActiveCampaign throughput — emulator at {s['rate_limit']:g} req/s, "
            f"{s['latency'] * 1000:g} ms answers, simulated time"
        ),
        title_justify="left",
    )
    table.add_column("measure")
    table.add_column("our mapper", justify="right")
    table.add_column("reference", justify="right")
    table.add_column("ratio", justify="right")
    table.add_column("reference is")
    transformer = "RudderStack transformer pattern"
    m = r.mixed.ours
    _delivery(table, f"{_n(m.events)} mixed events", transformer, r.mixed, polls=False)
    _delivery(
        table,
        f"{_n(r.imported.ours.events)}-contact identify import",
        "one by one (bulk_threshold=0)",
        r.imported,
        polls=False,
    )
    delay = f"imports applied {s['import_delay']:g} s late"
    rep = r.repeated.ours
    _delivery(
        table,
        f"{_n(rep.events)} mixed events, {s['repeated_users']} users, {delay}",
        transformer,
        r.repeated,
        polls=True,
    )
    imp = r.repeated_import.ours
    _delivery(
        table,
        f"{_n(imp.events)} identifies of {s['repeated_import_users']} users, {delay}",
        transformer,
        r.repeated_import,
        polls=True,
    )
    _protection(table, r)
    _cpu(table, r)
    table.add_section()
    for target in r.targets():
        mark = "[green]met[/]" if target.met else "[red]missed[/]"
        table.add_row(f"target: {target.goal}", _n(target.value, 1), "", "", mark)
    return table


def render(results: Results, console: Console) -> None:
    """Print the table, then the JSON line (last line of the output)."""
    console.print(results_table(results))
    for note in results.notes:
        console.print(note)
    console.file.write(json.dumps(results.as_json(), separators=(",", ":")) + "\n")
