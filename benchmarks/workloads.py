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
    "IMPORT_DELAY",
    "LATENCY",
    "RATE_LIMIT",
    "import_events",
    "mixed_events",
    "repeated_import_events",
    "repeated_mixed_events",
    "seeded_emulator",
]

BATCH_SIZE = 500
"""Events per ``process_batch`` call (the CLI's default batch size too)."""

RATE_LIMIT = 5.0
"""ActiveCampaign's account limit, enforced by the emulator: 5 requests per second."""

LATENCY = 0.05
"""Simulated seconds each answer takes (a 50 ms round trip)."""

IMPORT_DELAY = 5.0
"""Simulated seconds between ActiveCampaign accepting a bulk import and applying it, in the
repeated-user runs (the others apply imports at once, as every earlier figure did). Not a
documented figure (imports are "processed asynchronously"): an assumption, a few seconds
for a few hundred contacts, that makes re-identified contacts meet imports in flight."""


def mixed_events(count: int, *, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` events: 60% track, 25% page over 50 domains, 15% identify with 2 tags,
    3 custom fields and 1 list, spread over 2,000 users."""
    return list(workload(count, seed=seed, track=0.60, page=0.25, users=2000, domains=50))


def repeated_mixed_events(count: int, *, users: int = 600, seed: int = 3) -> list[dict[str, Any]]:
    """Like ``mixed_events`` but over ``users`` people: at 10,000 events and 600 users,
    each identifies 2.5 times on average, often twice in one batch of 500, and again in
    the next batches (every login, every session start)."""
    return list(workload(count, seed=seed, track=0.60, page=0.25, users=users, domains=50))


def repeated_import_events(count: int, *, users: int = 334, seed: int = 4) -> list[dict[str, Any]]:
    """``count`` identifies (2 tags, 3 fields, 1 list) of ``users`` people picked at random:
    about 3 each, as an import replaying a customer base's recent sign-ins sends them."""
    rng = random.Random(seed)
    people = [
        {
            "userId": f"returning-{n}",
            "email": f"returning.{n}@example.com",
            "first": f"First{n}",
            "last": f"Last{n}",
        }
        for n in range(users)
    ]
    return [generated_event(rng, "identify", rng.choice(people)) for _ in range(count)]


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
    *,
    latency: float = LATENCY,
    rate_limit: float | None = RATE_LIMIT,
    import_delay: float = 0.0,
) -> ActiveCampaignEmulator:
    """A fresh emulated account on its own simulated clock, with the demo's fields and lists;
    it applies bulk imports ``import_delay`` seconds after accepting them."""
    emulator = ActiveCampaignEmulator(
        clock=SimulatedClock(), rate_limit=rate_limit, latency=latency, import_delay=import_delay
    )
    for title, perstag, kind in DEMO_FIELDS:
        emulator.add_field(title, perstag=perstag, type=kind)
    for name in DEMO_LISTS:
        emulator.add_list(name)
    return emulator
