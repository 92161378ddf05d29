"""Deliver an event stream with one strategy against a fresh emulator, in simulated time.

Each run gets its own emulated account and ``SimulatedClock``: the account enforces
5 requests/second (429 beyond), answers after ``latency`` simulated seconds, applies bulk
imports ``import_delay`` simulated seconds after accepting them, and records every
request. "Simulated seconds" is how far that clock moved while the stream was
delivered: the time the run would take against a real account with that latency, spent
almost entirely waiting for the account's rate budget. It costs no real time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from activecampaign_client import AsyncActiveCampaign
from activecampaign_client.testing import ActiveCampaignEmulator, RecordedRequest
from rudder_mapper import AsyncActiveCampaignDestination, DeliveryResult

from .baseline import BaselineDestination
from .workloads import BATCH_SIZE, LATENCY, seeded_emulator

__all__ = [
    "DeliveryStats",
    "Strategy",
    "StrategyFactory",
    "baseline_strategy",
    "mapper_strategy",
    "measure_delivery",
]

TRACKCMP_HOST = "trackcmp.net"


class Strategy(Protocol):
    """Anything that delivers a batch and returns one result per message, in order."""

    async def process_batch(self, messages: Sequence[Any]) -> list[DeliveryResult]:
        """Deliver ``messages``."""
        ...


StrategyFactory = Callable[[AsyncActiveCampaign], Strategy]
"""Builds a strategy around a client wired to the run's emulator."""


def mapper_strategy(**options: Any) -> StrategyFactory:
    """Our ``AsyncActiveCampaignDestination`` with ``options`` (default settings if none)."""
    return lambda client: AsyncActiveCampaignDestination(client, **options)


def baseline_strategy() -> StrategyFactory:
    """The RudderStack transformer's call pattern (see ``benchmarks.baseline``)."""
    return lambda client: BaselineDestination(client)


@dataclass(frozen=True)
class DeliveryStats:
    """What one delivery run cost. ``api_requests`` went to the account host (and count
    against its 5/s), ``tracking_requests`` to trackcmp.net (one per track event)."""

    events: int
    delivered: int
    api_requests: int
    tracking_requests: int
    bulk_import_requests: int
    import_polls: int
    rate_limited: int
    simulated_seconds: float
    wall_seconds: float

    @property
    def requests(self) -> int:
        """Every HTTP request, account host and trackcmp.net."""
        return self.api_requests + self.tracking_requests

    @property
    def api_requests_per_event(self) -> float:
        """Account-host requests per event."""
        return self.api_requests / self.events if self.events else 0.0

    @property
    def requests_per_event(self) -> float:
        """All requests per event, trackcmp.net included."""
        return self.requests / self.events if self.events else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Fields and derived rates, rounded for the JSON line."""
        data: dict[str, Any] = asdict(self)
        data["simulated_seconds"] = round(self.simulated_seconds, 1)
        data["wall_seconds"] = round(self.wall_seconds, 2)
        data["requests"] = self.requests
        data["api_requests_per_event"] = round(self.api_requests_per_event, 4)
        data["requests_per_event"] = round(self.requests_per_event, 4)
        return data


def _stats(
    recorded: list[RecordedRequest],
    results: list[DeliveryResult],
    simulated: float,
    wall: float,
) -> DeliveryStats:
    tracking = sum(1 for r in recorded if r.host == TRACKCMP_HOST)
    return DeliveryStats(
        events=len(results),
        delivered=sum(1 for r in results if r.delivered),
        api_requests=len(recorded) - tracking,
        tracking_requests=tracking,
        bulk_import_requests=sum(1 for r in recorded if r.path.endswith("/import/bulk_import")),
        import_polls=sum(1 for r in recorded if r.path.endswith("/import/info")),
        rate_limited=sum(1 for r in recorded if r.status == 429),
        simulated_seconds=simulated,
        wall_seconds=wall,
    )


async def _deliver(
    emulator: ActiveCampaignEmulator,
    factory: StrategyFactory,
    events: Sequence[Any],
    batch_size: int,
) -> list[DeliveryResult]:
    results: list[DeliveryResult] = []
    async with emulator.async_client() as client:
        strategy = factory(client)
        for start in range(0, len(events), batch_size):
            results += await strategy.process_batch(events[start : start + batch_size])
    return results


def measure_delivery(
    factory: StrategyFactory,
    events: Sequence[Any],
    *,
    batch_size: int = BATCH_SIZE,
    latency: float = LATENCY,
    import_delay: float = 0.0,
    emulator: ActiveCampaignEmulator | None = None,
) -> DeliveryStats:
    """Deliver ``events`` in batches of ``batch_size`` on a fresh seeded emulator applying
    imports ``import_delay`` simulated seconds after accepting them (0: at once)."""
    emulator = emulator or seeded_emulator(latency=latency, import_delay=import_delay)
    emulator.reset_requests()
    started, wall = emulator.clock.now(), time.perf_counter()
    results = asyncio.run(_deliver(emulator, factory, events, batch_size))
    wall = time.perf_counter() - wall
    return _stats(emulator.requests, results, emulator.clock.now() - started, wall)
