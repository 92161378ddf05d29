"""The benchmark's inputs: event streams and the emulated account they are delivered to.

Both are deterministic for a given seed, so every run of ``make bench`` measures the
same thing. The account starts like the demo's: five custom fields and three lists, no
tags, event names or whitelisted domains (the first events create those).
"""

from __future__ import annotations

import random
from typing import Any

from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock
from rudder_mapper.samples import DEMO_FIELDS, DEMO_LISTS, generated_event, workload

__all__ = [
    "BATCH_SIZE",
    "LATENCY",
    "RATE_LIMIT",
    "import_events",
    "mixed_events",
    "seeded_emulator",
]

BATCH_SIZE = 500
"""Events per ``process_batch`` call (the CLI's default batch size too)."""

RATE_LIMIT = 5.0
"""ActiveCampaign's account limit, enforced by the emulator: 5 requests per second."""

LATENCY = 0.05
"""Simulated seconds each answer takes (a 50 ms round trip)."""


def mixed_events(count: int, *, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` events: 60% track, 25% page over 50 domains, 15% identify with 2 tags,
    3 custom fields and 1 list, spread over 2,000 users."""
    return list(workload(count, seed=seed, track=0.60, page=0.25, users=2000, domains=50))


def import_events(count: int, *, seed: int = 2) -> list[dict[str, Any]]:
    """``count`` identify events of ``count`` different users (2 tags, 3 fields, 1 list),
    as an initial import of an existing customer base sends them."""
    rng = random.Random(seed)
    events = []
    for number in range(count):
        user = {
            "userId": f"import-{number}",
            "email": f"contact.{number}@example.com",
            "first": f"First{number}",
            "last": f"Last{number}",
        }
        events.append(generated_event(rng, "identify", user))
    return events


def seeded_emulator(
    *, latency: float = LATENCY, rate_limit: float | None = RATE_LIMIT
) -> ActiveCampaignEmulator:
    """A fresh emulated account on its own simulated clock, with the demo's fields and lists."""
    emulator = ActiveCampaignEmulator(
        clock=SimulatedClock(), rate_limit=rate_limit, latency=latency
    )
    for title, perstag, kind in DEMO_FIELDS:
        emulator.add_field(title, perstag=perstag, type=kind)
    for name in DEMO_LISTS:
        emulator.add_list(name)
    return emulator
