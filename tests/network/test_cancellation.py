"""Cancelled callers give their bookings back, over a real connection and real time.

30 calls under ``asyncio.wait_for(..., 0.5)``: the first 5 go at once, the others wait
for the next window (1.03 s) and are cancelled at 0.5 s. The next call then waits only
for that window — not behind 25 bookings nobody will use (5 windows, as it used to).
"""

from __future__ import annotations

import asyncio
import contextlib

from activecampaign_client import AsyncActiveCampaign, SystemClock

from ._servers import json_answer, serving

KEY = "network-test-key-0123456789"


class WaitLog(SystemClock):
    """Real time, with a record of the waits asked of it."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def asleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await super().asleep(seconds)


async def test_a_storm_of_cancelled_calls_leaves_the_budget_free() -> None:
    clock = WaitLog()
    with serving(json_answer()) as server:
        async with AsyncActiveCampaign(server.url, KEY, clock=clock) as client:

            async def impatient(n: int) -> bool:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(client.tags.get(n), 0.5)
                    return True
                return False

            done = await asyncio.gather(*(impatient(n) for n in range(30)))
            assert done.count(True) == 5
            assert client._driver.ctx.limiters["api"].pending() == 0
            clock.waits.clear()
            assert (await client.tags.get(99)).id == "1"
    window = 1.0 + 0.03  # the rest of the first window, at most
    assert sum(clock.waits) <= window
    assert len(server.requests) == 6
