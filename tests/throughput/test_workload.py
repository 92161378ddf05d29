"""The benchmark's mixed workload at default settings: no 429, everything delivered, far
fewer account requests than events. (``make bench`` runs the 10,000-event version.)"""

from __future__ import annotations

from rudder_mapper import AsyncActiveCampaignDestination
from rudder_mapper.samples import workload

from ._support import TRACKCMP, account_requests, max_starts_within, seeded_emulator


async def test_a_2000_event_mixed_run_gets_no_429() -> None:
    emu = seeded_emulator(latency=0.05)
    events = list(workload(2000, seed=1, track=0.60, page=0.25, users=2000, domains=50))
    results = []
    async with emu.async_client() as client:  # default settings throughout
        destination = AsyncActiveCampaignDestination(client)
        for start in range(0, len(events), 500):
            results += await destination.process_batch(events[start : start + 500])

    assert [r for r in emu.requests if r.status == 429] == []
    assert all(r.delivered for r in results), [r.error for r in results if not r.delivered][:3]
    api = account_requests(emu.requests)
    assert max_starts_within([r.time for r in api]) <= 5
    tracks = sum(1 for e in events if e["type"] == "track")
    assert len([r for r in emu.requests if r.host == TRACKCMP]) == tracks
    # Identifies go in bulk, names and domains are registered once: a small fraction.
    assert len(api) < 0.1 * len(events)
