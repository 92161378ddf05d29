"""One account budget for every task and thread of a client: never more than 5 request
starts in any second of simulated time, so the API never has to answer 429."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from activecampaign_client import RateLimiter
from activecampaign_client._limiter import reserve_all
from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import AsyncActiveCampaignDestination

from ._support import (
    ThreadClock,
    account_requests,
    identify,
    max_starts_within,
    page,
    seeded_emulator,
    track,
)


@pytest.mark.parametrize("rate_limit", [5.0, None], ids=["api-limited", "api-unlimited"])
async def test_many_tasks_on_one_async_client_share_the_budget(rate_limit: float | None) -> None:
    # Without the emulator's own limit, only the client's limiter keeps the pace.
    emu = seeded_emulator(rate_limit=rate_limit, latency=0.05)
    async with emu.async_client() as client:

        async def worker(n: int) -> None:
            for step in range(4):
                await client.contacts.sync(f"w{n}-{step}@example.com")

        await asyncio.gather(*(worker(n) for n in range(50)))
    times = [r.time for r in emu.requests]
    assert len(times) == 200
    assert max_starts_within(times) == 5
    assert {r.status for r in emu.requests} <= {200, 201}  # no 429


def test_many_threads_on_one_sync_client_share_the_budget() -> None:
    # Each thread's request is stamped with the time that thread sent it; the emulator's
    # own limit is off, so only the client's limiter keeps the pace.
    emu = ActiveCampaignEmulator(clock=ThreadClock(), rate_limit=None)
    with emu.client() as client, ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda n: client.tags.create(f"tag {n}"), range(120)))
    times = [r.time for r in emu.requests]
    assert len(times) == 120
    assert max_starts_within(times) == 5
    assert max(times) > 23.0  # 120 requests at 5 a second


async def test_a_concurrent_batch_keeps_to_the_budget_with_no_429(
    emu: ActiveCampaignEmulator,
) -> None:
    events = []
    for n in range(400):
        user = f"user{n % 60}"
        kind = n % 4
        if kind == 0:
            events.append(identify(user, name=f"User {n}", tags=[f"tag{n % 9}"]))
        elif kind == 1:
            events.append(page(user, f"https://site{n % 40}.example.com/"))
        else:
            events.append(track(user, f"Event {n % 12}"))
    async with emu.async_client() as client:
        destination = AsyncActiveCampaignDestination(client, max_concurrency=32)
        results = await destination.process_batch(events)
    assert all(r.delivered for r in results)
    api = account_requests(emu.requests)
    assert max_starts_within([r.time for r in api]) <= 5
    assert [r for r in emu.requests if r.status == 429] == []


def test_a_request_spending_two_budgets_is_booked_when_it_really_starts() -> None:
    per_minute, per_second = RateLimiter(3, per=60.0), RateLimiter(2)
    per_second.reserve(0.0)
    per_second.reserve(0.0)  # the account budget is full until 1.03 (window + margin)
    # The per-minute budget alone would allow 0.0; the request starts at 1.03 and both
    # budgets count it there, so the per-minute window opens again at 1.03 + 61.21, not 61.21.
    assert reserve_all([per_minute, per_second], 0.0) == pytest.approx(1.03)
    assert reserve_all([per_minute, per_second], 1.03) == 0.0
    assert reserve_all([per_minute, per_second], 1.03) == pytest.approx(1.03)  # at 2.06
    # Three starts in the per-minute budget: 1.03, 1.03 and 2.06 (margin: 1.21 s a minute).
    assert reserve_all([per_minute, per_second], 3.0) == pytest.approx(1.03 + 61.21 - 3.0)


def test_a_budget_never_books_before_a_start_it_already_booked() -> None:
    per_minute, per_second = RateLimiter(1, per=60.0), RateLimiter(5)
    per_minute.reserve(0.0)
    assert reserve_all([per_minute, per_second], 0.0) == pytest.approx(61.21)
    # A call spending only the account budget queues behind the booked bulk start, so
    # the account window (oldest of the last five) stays exact.
    assert per_second.reserve(0.0) == pytest.approx(61.21)
