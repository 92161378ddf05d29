"""A 429 pauses the whole shared budget it refused, not just the retrying request."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from activecampaign_client import (
    AsyncActiveCampaign,
    RateLimiter,
    RateLimitError,
)
from activecampaign_client.testing import SimulatedClock

from ._support import (
    TEST_API_KEY,
    TEST_API_URL,
    FakeClock,
    FakeServer,
    MockApi,
    assert_window_respected,
    reply,
)

TAG = {"tag": {"id": "16", "tag": "vip"}}


async def test_a_429_pauses_the_budget_for_the_calls_that_follow(
    mock_api: MockApi, clock: FakeClock
) -> None:
    server = FakeServer(reply(429, headers={"Retry-After": "3"}), reply(json=TAG), clock=clock)
    api = mock_api(server, requests_per_second=5, max_retries=0)
    with pytest.raises(RateLimitError):
        await api(api.tags.get, 16)
    # The next call, though not a retry, waits out the server's Retry-After too.
    await api(api.tags.get, 16)
    assert clock.sleeps == [3.0]
    assert server.times[1] - server.times[0] == 3.0


async def test_only_the_refused_budget_is_paused(mock_api: MockApi, clock: FakeClock) -> None:
    budget_refusal = reply(400, json={"message": "Rate limit exceeded", "failureReasons": []})
    ok = reply(json={**TAG, "success": 1, "message": "Event spawned"})  # a tag or an event
    server = FakeServer(reply(429, headers={"Retry-After": "5"}), budget_refusal, ok, clock=clock)
    api = mock_api(server, requests_per_second=5, tracking_requests_per_second=10, max_retries=0)
    with pytest.raises(RateLimitError):  # trackcmp's 429 pauses trackcmp's budget only
        await api(api.event_tracking.track, "purchase", email="jane@example.com")
    with pytest.raises(RateLimitError):  # bulk import's own per-minute budget
        await api(api.bulk_import.import_contacts, [{"email": "a@example.com"}])
    await api(api.tags.get, 16)
    assert clock.sleeps == []
    await api(api.event_tracking.track, "purchase", email="jane@example.com")
    assert clock.sleeps == [5.0]


async def test_a_429_pauses_tasks_already_waiting_for_their_slot() -> None:
    clock = SimulatedClock()
    starts: list[float] = []

    async def server(request: httpx.Request) -> httpx.Response:
        starts.append(clock.now())
        first = len(starts) == 1
        await clock.asleep(0.05)  # each answer takes 50 ms
        if first:
            return httpx.Response(429, headers={"Retry-After": "2"}, json={})
        return httpx.Response(200, json=TAG)

    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        client = AsyncActiveCampaign(TEST_API_URL, TEST_API_KEY, http_client=http, clock=clock)
        await asyncio.gather(*(client.tags.get(16) for _ in range(8)))
    # Five start at once; the first is refused at 0.05 s with Retry-After: 2. The three
    # booked for the next second, and the retry, all wait for the pause to end.
    assert len(starts) == 9
    assert starts[:5] == [0.0] * 5
    assert min(starts[5:]) >= 2.05
    assert_window_respected(starts, RateLimiter(5))
