"""The benchmark's results: targets checked, one rich table, one JSON line."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from .cpu import CpuStats
from .delivery import DeliveryStats
from .loopback import LoopbackStats

__all__ = ["Results", "Target", "render"]

API_REQUEST_RATIO_TARGET = 10.0
IMPORT_REQUEST_RATIO_TARGET = 100.0
MAP_RATE_TARGET = 30_000.0


@dataclass(frozen=True)
class Target:
    """One of the issue's targets and whether this run met it."""

    name: str
    goal: str
    value: float
    met: bool


def _ratio(reference: int, ours: int) -> float:
    return reference / ours if ours else float("inf")


@dataclass
class Results:
    """Everything measured in one run, plus the settings it ran with."""

    settings: dict[str, Any]
    mixed: DeliveryStats
    baseline: DeliveryStats
    bulk: DeliveryStats
    one_by_one: DeliveryStats
    cpu: CpuStats
    loopback: LoopbackStats | None
    loopback_error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def api_request_ratio(self) -> float:
        """Baseline account-host requests / ours, mixed workload."""
        return _ratio(self.baseline.api_requests, self.mixed.api_requests)

    @property
    def request_ratio(self) -> float:
        """Baseline requests / ours, trackcmp.net included, mixed workload."""
        return _ratio(self.baseline.requests, self.mixed.requests)

    @property
    def import_ratio(self) -> float:
        """One-by-one requests / bulk requests, identify import."""
        return _ratio(self.one_by_one.requests, self.bulk.requests)

    def targets(self) -> list[Target]:
        """The issue's four targets."""
        ours_429 = self.mixed.rate_limited + self.bulk.rate_limited + self.one_by_one.rate_limited
        return [
            Target(
                "api_requests_vs_baseline",
                f">= {API_REQUEST_RATIO_TARGET:g}x fewer API requests (mixed)",
                self.api_request_ratio,
                self.api_request_ratio >= API_REQUEST_RATIO_TARGET,
            ),
            Target(
                "import_requests_vs_one_by_one",
                f">= {IMPORT_REQUEST_RATIO_TARGET:g}x fewer requests (import)",
                self.import_ratio,
                self.import_ratio >= IMPORT_REQUEST_RATIO_TARGET,
            ),
            Target("zero_429", "0 answers 429 (our runs)", float(ours_429), ours_429 == 0),
            Target(
                "map_events_per_second",
                f">= {MAP_RATE_TARGET:,.0f} events/s mapped per core",
                self.cpu.map_per_second,
                self.cpu.map_per_second >= MAP_RATE_TARGET,
            ),
        ]

    def as_json(self) -> dict[str, Any]:
        """The JSON line's content."""
        return {
            "benchmark": "activecampaign-throughput",
            "settings": self.settings,
            "mixed": {
                "mapper": self.mixed.as_dict(),
                "baseline": self.baseline.as_dict(),
                "api_request_ratio": round(self.api_request_ratio, 1),
                "request_ratio": round(self.request_ratio, 2),
            },
            "import": {
                "bulk": self.bulk.as_dict(),
                "one_by_one": self.one_by_one.as_dict(),
                "request_ratio": round(self.import_ratio, 1),
            },
            "cpu": self.cpu.as_dict(),
            "client_overhead": self.loopback.as_dict() if self.loopback else None,
            "client_overhead_error": self.loopback_error,
            "targets": {
                t.name: {"goal": t.goal, "value": round(t.value, 1), "met": t.met}
                for t in self.targets()
            },
        }


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _table(r: Results) -> Table:
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
    m, b = r.mixed, r.baseline
    mixed = f"{_n(m.events)} mixed events"
    table.add_section()
    table.add_row(f"[bold]{mixed}[/]", "", "", "", "RudderStack transformer pattern")
    table.add_row(
        "API requests (account host)",
        _n(m.api_requests),
        _n(b.api_requests),
        f"{r.api_request_ratio:.1f}x",
        "",
    )
    table.add_row(
        "API requests / event",
        _n(m.api_requests_per_event, 3),
        _n(b.api_requests_per_event, 3),
        "",
        "",
    )
    table.add_row(
        "trackcmp.net requests",
        _n(m.tracking_requests),
        _n(b.tracking_requests),
        "",
        "one per track, both",
    )
    table.add_row(
        "all requests / event",
        _n(m.requests_per_event, 3),
        _n(b.requests_per_event, 3),
        f"{r.request_ratio:.1f}x",
        "",
    )
    table.add_row(
        "simulated seconds",
        _n(m.simulated_seconds, 1),
        _n(b.simulated_seconds, 1),
        f"{b.simulated_seconds / max(m.simulated_seconds, 1e-9):.1f}x",
        "",
    )
    table.add_row("429 answers", _n(m.rate_limited), _n(b.rate_limited), "", "")
    table.add_row("delivered", _n(m.delivered), _n(b.delivered), "", "")
    k, o = r.bulk, r.one_by_one
    table.add_section()
    table.add_row(
        f"[bold]{_n(k.events)}-contact identify import[/]",
        "",
        "",
        "",
        "one by one (bulk_threshold=0)",
    )
    table.add_row(
        "API requests",
        _n(k.requests),
        _n(o.requests),
        f"{r.import_ratio:.0f}x",
        f"{k.bulk_import_requests} bulk imports",
    )
    table.add_row(
        "simulated seconds", _n(k.simulated_seconds, 1), _n(o.simulated_seconds, 1), "", ""
    )
    table.add_row("429 answers", _n(k.rate_limited), _n(o.rate_limited), "", "")
    table.add_row("delivered", _n(k.delivered), _n(o.delivered), "", "")
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
    if lb is not None:
        table.add_row(
            "client µs / request, loopback server",
            _n(lb.client_wall_us, 1),
            _n(lb.raw_wall_us, 1),
            f"+{lb.client_wall_us - lb.raw_wall_us:.1f} µs",
            "raw httpx, same request",
        )
        table.add_row(
            "  of which calling-thread CPU",
            _n(lb.client_cpu_us, 1),
            _n(lb.raw_cpu_us, 1),
            f"+{lb.overhead_us:.1f} µs",
            "raw httpx",
        )
        table.add_row(
            "client µs / request, instant transport",
            _n(lb.client_instant_us, 1),
            _n(lb.raw_instant_us, 1),
            f"+{lb.instant_overhead_us:.1f} µs",
            "raw httpx, no socket",
        )
    else:
        table.add_row("client overhead, loopback", "n/a", "", "", r.loopback_error or "")
    table.add_section()
    for target in r.targets():
        mark = "[green]met[/]" if target.met else "[red]missed[/]"
        table.add_row(f"target: {target.goal}", _n(target.value, 1), "", "", mark)
    return table


def render(results: Results, console: Console) -> None:
    """Print the table, then the JSON line (last line of the output)."""
    console.print(_table(results))
    for note in results.notes:
        console.print(note)
    console.file.write(json.dumps(results.as_json(), separators=(",", ":")) + "\n")
