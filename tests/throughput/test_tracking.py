"""trackcmp.net calls are not account calls: they never spend the 5/s account budget, and
``tracking_requests_per_second`` gives them a budget of their own."""

from __future__ import annotations

import asyncio

from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import AsyncActiveCampaignDestination

from ._support import TRACKCMP, account_requests, max_starts_within, track


async def _track_many(emu: ActiveCampaignEmulator, count: int, **options: float | None) -> None:
    emu.add_event_name("Signed Up")
    async with emu.async_client(**options) as client:
        await asyncio.gather(
            *(
                client.event_tracking.track("Signed Up", email=f"t{n}@example.com")
                for n in range(count)
            )
        )


async def test_tracking_calls_leave_the_account_budget_untouched(
    emu: ActiveCampaignEmulator,
) -> None:
    emu.add_event_name("Signed Up")
    async with emu.async_client() as client:
        for n in range(50):  # ten times the account's per-second budget, at once
            await client.event_tracking.track("Signed Up", email=f"t{n}@example.com")
        tracked_until = emu.clock.now()
        # The account budget is still whole: five API calls start without waiting.
        await asyncio.gather(*(client.tags.create(f"tag {n}") for n in range(5)))
    assert len(emu.tracked_events) == 50
    api = account_requests(emu.requests)
    assert [r.time for r in api] == [tracked_until] * 5
    assert {r.status for r in emu.requests} <= {200, 201}


async def test_tracking_is_unlimited_by_default(emu: ActiveCampaignEmulator) -> None:
    await _track_many(emu, 40)
    assert {r.time for r in emu.requests} == {0.0}  # no waiting at all


async def test_tracking_requests_per_second_paces_only_trackcmp(
    emu: ActiveCampaignEmulator,
) -> None:
    emu.add_event_name("Signed Up")
    async with emu.async_client(tracking_requests_per_second=2.0) as client:
        await asyncio.gather(
            *(
                client.event_tracking.track("Signed Up", email=f"t{n}@example.com")
                for n in range(20)
            ),
            *(client.tags.create(f"tag {n}") for n in range(5)),
        )
    tracking = [r.time for r in emu.requests if r.host == TRACKCMP]
    api = [r.time for r in account_requests(emu.requests)]
    assert len(tracking) == 20 and max_starts_within(tracking) == 2
    assert api == [0.0] * 5  # not queued behind the tracking calls


async def test_a_track_heavy_batch_spends_account_requests_only_on_catalogs(
    emu: ActiveCampaignEmulator,
) -> None:
    events = [track(f"user{n % 25}", f"Event {n % 4}") for n in range(300)]
    async with emu.async_client() as client:
        results = await AsyncActiveCampaignDestination(client).process_batch(events)
    assert all(r.delivered for r in results)
    api = [f"{r.method} {r.path}" for r in account_requests(emu.requests)]
    # One listing of event names, then each new name registered once.
    assert api == ["GET /api/3/eventTrackingEvents"] + ["POST /api/3/eventTrackingEvents"] * 4
    assert len([r for r in emu.requests if r.host == TRACKCMP]) == 300
