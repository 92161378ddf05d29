"""The benchmark's results: the runs, the targets checked, the JSON line (printed by
``benchmarks.table``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cpu import CpuStats
from .delivery import DeliveryStats
from .loopback import LoopbackStats

__all__ = ["Comparison", "Results", "Target", "ratio"]

API_REQUEST_RATIO_TARGET = 10.0
IMPORT_REQUEST_RATIO_TARGET = 100.0
MAP_RATE_TARGET = 30_000.0


@dataclass(frozen=True)
class Target:
    """One of the issues' targets and whether this run met it."""

    name: str
    goal: str
    value: float
    met: bool


def ratio(reference: int | float, ours: int | float) -> float:
    """How many times fewer ``ours`` is than ``reference``."""
    return reference / ours if ours else float("inf")


@dataclass(frozen=True)
class Comparison:
    """Our mapper and a reference strategy on the same workload."""

    ours: DeliveryStats
    reference: DeliveryStats

    @property
    def api_ratio(self) -> float:
        """Reference account-host requests / ours."""
        return ratio(self.reference.api_requests, self.ours.api_requests)

    @property
    def request_ratio(self) -> float:
        """Reference requests / ours, trackcmp.net included."""
        return ratio(self.reference.requests, self.ours.requests)

    def as_json(self, reference: str) -> dict[str, Any]:
        """Both runs and the ratios, for the JSON line."""
        return {
            "mapper": self.ours.as_dict(),
            reference: self.reference.as_dict(),
            "api_request_ratio": round(self.api_ratio, 1),
            "request_ratio": round(self.request_ratio, 2),
        }


@dataclass
class Results:
    """Everything measured in one run, plus the settings it ran with.

    ``mixed``/``imported``: the original workloads (many users), imports applied at once.
    ``repeated``/``repeated_import``: users identifying again and again, imports applied
    ``settings["import_delay"]`` seconds late; ``repeated_instant`` is the repeated mixed
    run with imports applied at once, to isolate what waiting for imports costs.
    """

    settings: dict[str, Any]
    mixed: Comparison
    imported: Comparison
    repeated: Comparison
    repeated_import: Comparison
    repeated_instant: DeliveryStats
    cpu: CpuStats
    loopback: LoopbackStats | None
    loopback_error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ours(self) -> list[DeliveryStats]:
        """Every run of our mapper."""
        return [
            self.mixed.ours,
            self.imported.ours,
            self.imported.reference,  # one by one: ours too, with bulk_threshold=0
            self.repeated.ours,
            self.repeated_import.ours,
            self.repeated_instant,
        ]

    def targets(self) -> list[Target]:
        """The issues' targets (5 and 12)."""

        def at_least(name: str, goal: str, value: float, bar: float) -> Target:
            return Target(name, f">= {bar:,g}{goal}", value, value >= bar)

        ours_429 = sum(run.rate_limited for run in self.ours)
        api, imp = API_REQUEST_RATIO_TARGET, IMPORT_REQUEST_RATIO_TARGET
        return [
            at_least(
                "api_requests_vs_baseline",
                "x fewer API requests (mixed)",
                self.mixed.api_ratio,
                api,
            ),
            at_least(
                "import_requests_vs_one_by_one",
                "x fewer requests (import)",
                self.import_ratio,
                imp,
            ),
            at_least(
                "repeated_api_requests_vs_baseline",
                "x fewer API requests (repeated users)",
                self.repeated.api_ratio,
                api,
            ),
            at_least(
                "repeated_import_vs_baseline",
                "x fewer API requests (repeated-user import)",
                self.repeated_import.api_ratio,
                imp,
            ),
            Target("zero_429", "0 answers 429 (our runs)", float(ours_429), ours_429 == 0),
            at_least(
                "map_events_per_second",
                " events/s mapped per core",
                self.cpu.map_per_second,
                MAP_RATE_TARGET,
            ),
        ]

    @property
    def import_ratio(self) -> float:
        """One-by-one requests / bulk requests, identify import."""
        return ratio(self.imported.reference.requests, self.imported.ours.requests)

    def as_json(self) -> dict[str, Any]:
        """The JSON line's content."""
        return {
            "benchmark": "activecampaign-throughput",
            "settings": self.settings,
            "mixed": self.mixed.as_json("baseline"),
            "import": {
                "bulk": self.imported.ours.as_dict(),
                "one_by_one": self.imported.reference.as_dict(),
                "request_ratio": round(self.import_ratio, 1),
            },
            "repeated_mixed": {
                **self.repeated.as_json("baseline"),
                "mapper_imports_at_once": self.repeated_instant.as_dict(),
            },
            "repeated_import": self.repeated_import.as_json("baseline"),
            "cpu": self.cpu.as_dict(),
            "client_overhead": self.loopback.as_dict() if self.loopback else None,
            "client_overhead_error": self.loopback_error,
            "targets": {
                t.name: {"goal": t.goal, "value": round(t.value, 1), "met": t.met}
                for t in self.targets()
            },
        }
