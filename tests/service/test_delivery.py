"""One account's delivery run on a real PostgreSQL and an emulated ActiveCampaign."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from activecampaign_client import SystemClock
from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper.service.admin import Admin
from rudder_mapper.service.delivery import DeliverySettings
from rudder_mapper.service.metrics import render_metrics
from rudder_mapper.service.outcomes import RetryPolicy

from ._support import ACCOUNT, API_KEY, API_URL, Service, entry, identify, track


@pytest.fixture
async def service(pool: AsyncConnectionPool, tmp_path: Path) -> AsyncIterator[Service]:
    service = Service(pool, tmp_path / "accounts.json")
    yield service
    await service.destinations.aclose()


async def test_a_backlog_is_delivered_and_settled(service: Service) -> None:
    service.emulator.add_event_name("Bought")
    await service.ingest(identify("ann", firstName="Ann"), track("ann"), identify("bob"))
    settled = await service.run().run(ACCOUNT)
    assert settled == 3
    assert [row["state"] for row in await service.rows()] == ["delivered"] * 3
    contact = service.emulator.contact("ann@example.com")
    assert contact is not None and contact.first_name == "Ann"
    assert [e.event for e in service.emulator.tracked_events] == ["Bought"]
    counters = await Admin(service.pool).counters()
    assert counters[(ACCOUNT, "delivered")] == 3
    assert counters[(ACCOUNT, "latency_count")] == 3
    assert counters[(ACCOUNT, "requests")] == len(service.emulator.requests)


async def test_a_bad_event_is_a_dead_letter_and_stops_nothing(service: Service) -> None:
    await service.ingest({"type": "identify", "userId": "ann"}, identify("ann"))
    await service.run().run(ACCOUNT)
    bad, good = await service.rows()
    assert (bad["state"], bad["status_code"]) == ("dead", 400)
    assert "email" in bad["error"]
    assert good["state"] == "delivered"
    [letter] = await Admin(service.pool).dead_letters()
    assert letter.message == {"type": "identify", "userId": "ann", "messageId": letter.message_id}


async def test_a_retryable_failure_waits_for_its_retry(service: Service) -> None:
    service.emulator.faults.script("POST /api/3/contact/sync", ["503", "503", "503"])
    await service.ingest(identify("ann"))
    await service.run().run(ACCOUNT)
    [row] = await service.rows()
    assert (row["state"], row["attempts"], row["status_code"]) == ("pending", 1, 503)
    assert row["waiting"]
    assert await service.run().run(ACCOUNT) == 0  # not due yet: nothing is sent
    assert service.emulator.contact("ann@example.com") is None


async def test_a_users_later_events_wait_for_an_earlier_ones_retry(service: Service) -> None:
    service.emulator.add_event_name("Bought")
    service.emulator.faults.script("POST /api/3/contact/sync", ["503", "503", "503"])
    await service.ingest(identify("ann"), track("ann"), track("bob"))
    await service.run(DeliverySettings(batch_size=10)).run(ACCOUNT)
    ann_identify, ann_track, bob_track = await service.rows()
    assert (ann_identify["state"], ann_identify["attempts"]) == ("pending", 1)
    assert (ann_track["state"], ann_track["attempts"]) == ("pending", 0)  # nothing sent
    assert bob_track["state"] == "delivered"
    assert [e.email for e in service.emulator.tracked_events] == ["bob@example.com"]

    async with service.pool.connection() as conn:  # the retry's time has come
        await conn.execute("UPDATE rudder_events SET next_attempt_at = clock_timestamp()")
    await service.run().run(ACCOUNT)
    assert [r["state"] for r in await service.rows()] == ["delivered"] * 3
    requests = service.emulator.requests
    synced = [i for i, r in enumerate(requests) if r.path.endswith("sync") and r.fault is None]
    tracked = [i for i, r in enumerate(requests) if r.path == "/event"]
    assert synced[-1] < tracked[-1]  # ann's contact before ann's event


async def test_an_event_failing_past_its_max_age_becomes_a_dead_letter(service: Service) -> None:
    service.emulator.faults.script("POST /api/3/contact/sync", ["503"] * 3)
    await service.ingest(identify("ann"))
    settings = DeliverySettings(retry=RetryPolicy(max_age=1.0))
    await service.run(settings).run(ACCOUNT)
    [row] = await service.rows()
    assert row["state"] == "dead"
    assert row["error"].startswith("gave up after 1 attempts")


async def test_a_wrong_key_pauses_the_account_until_its_settings_change(service: Service) -> None:
    service.write_accounts(entry(api_key="a-wrong-key-000000000000"))
    service.accounts.reload()
    await service.ingest(identify("ann"), identify("bob"), identify("cid"))
    assert await service.run().run(ACCOUNT) == 0
    rows = await service.rows()
    assert [(r["state"], r["attempts"]) for r in rows] == [("pending", 0)] * 3
    assert len(service.emulator.requests) == 1  # the breaker answered the others
    [status] = await Admin(service.pool).accounts()
    assert status.paused_reason is not None and "API key" in status.paused_reason
    assert "a-wrong-key" not in status.paused_reason
    assert await service.run().run(ACCOUNT) == 0  # still paused: nothing sent
    assert len(service.emulator.requests) == 1

    service.write_accounts(entry())
    service.accounts.reload()
    assert await service.run().run(ACCOUNT) == 3
    assert (await Admin(service.pool).accounts())[0].paused_reason is None


async def test_two_runs_of_one_account_never_overlap(service: Service) -> None:
    await service.ingest(*(identify(f"user{i}") for i in range(30)))
    first, second = await asyncio.gather(service.run().run(ACCOUNT), service.run().run(ACCOUNT))
    assert sorted([first, second]) == [0, 30]
    synced = [r for r in service.emulator.requests if r.path.endswith("bulk_import")]
    assert len(synced) == 1


async def test_dead_letters_are_listed_replayed_and_purged(service: Service) -> None:
    await service.ingest({"type": "identify", "userId": "ann"}, {"type": "alias"})
    await service.run().run(ACCOUNT)
    admin = Admin(service.pool)
    letters = await admin.dead_letters(who=ACCOUNT)
    assert len(letters) == 2
    assert await admin.dead_letter(letters[0].id) == letters[0]
    woken = await admin.replay(ids=[letters[0].id])
    assert woken == [ACCOUNT]
    assert [r["state"] for r in await service.rows()] == ["dead", "pending"]
    assert await admin.purge(who=ACCOUNT) == 1
    assert [r["state"] for r in await service.rows()] == ["pending"]


async def test_the_request_budget_is_handed_to_a_run_in_another_process(
    pool: AsyncConnectionPool, tmp_path: Path
) -> None:
    # Two workers' worth of state (each its own limiter and process token) taking turns on
    # one account, on the real clock: the second must not start a second burst of five
    # within the second the first one's burst still counts.
    emulator = ActiveCampaignEmulator(
        api_url=API_URL, api_key=API_KEY, actid="1000", event_key="event-key", clock=SystemClock()
    )
    first = Service(pool, tmp_path / "accounts.json", emulator=emulator)
    second = Service(pool, tmp_path / "accounts.json", emulator=emulator)
    try:
        await first.ingest(*(identify(f"early{i}") for i in range(5)))
        assert await first.run().run(ACCOUNT) == 5
        await second.ingest(*(identify(f"late{i}") for i in range(5)))
        assert await second.run().run(ACCOUNT) == 5
    finally:
        await first.destinations.aclose()
        await second.destinations.aclose()
    times = sorted(r.time for r in emulator.requests)
    assert len(times) == 10
    assert [r.status for r in emulator.requests if r.status == 429] == []
    assert all(later - earlier >= 1.0 for earlier, later in zip(times, times[5:], strict=False))


async def test_metrics_count_refusals_and_time_deliveries(service: Service) -> None:
    service.emulator.faults.script("POST /api/3/contact/sync", ["429"])  # retried by the client
    await service.ingest(identify("ann"), identify("bob"))
    await service.run().run(ACCOUNT)
    text, _ = await render_metrics(service.store)
    metrics = text.decode()
    assert f'rudder_ac_rate_limited_responses_total{{account="{ACCOUNT}"}} 1.0' in metrics
    assert f'rudder_ac_events_delivered_total{{account="{ACCOUNT}"}} 2.0' in metrics
    assert f'rudder_ac_delivery_latency_seconds_count{{account="{ACCOUNT}"}} 2.0' in metrics
    assert (
        f'rudder_ac_delivery_latency_seconds_bucket{{account="{ACCOUNT}",le="+Inf"}} 2.0' in metrics
    )
    assert f'rudder_ac_backlog{{account="{ACCOUNT}"}} 0.0' in metrics


async def test_tracking_not_set_up_pauses_the_account(service: Service) -> None:
    service.write_accounts({k: v for k, v in entry().items() if k != "eventKey"})
    service.accounts.reload()
    await service.ingest(identify("ann"), track("ann"), identify("bob"))
    await service.run().run(ACCOUNT)
    rows = await service.rows()
    # The batch's other users go on (the fault stops tracks only); then the account pauses.
    assert [r["state"] for r in rows] == ["delivered", "pending", "delivered"]
    assert rows[1]["attempts"] == 0  # a configuration fault is not an attempt
    [status] = await Admin(service.pool).accounts()
    assert status.paused_reason is not None and "actid" in status.paused_reason
