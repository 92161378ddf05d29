"""A worker in this process, on the real procrastinate queue and a real PostgreSQL: jobs
woken by arrivals and by the sweep, and jobs of a dead worker taken over."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from psycopg_pool import AsyncConnectionPool

from activecampaign_client import RateLimiter, SystemClock
from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import AsyncActiveCampaignDestination
from rudder_mapper.service.accounts import Source
from rudder_mapper.service.jobs import ServiceJobs
from rudder_mapper.service.runner import WorkerSettings, work

from ._support import ACCOUNT, API_KEY, API_URL, Service, identify

# Bounds for waiting on the worker: the sweep runs every 5 s.
DEADLINE = 30.0


@pytest.fixture
async def service(pool: AsyncConnectionPool, tmp_path: Path) -> AsyncIterator[Service]:
    emulator = ActiveCampaignEmulator(
        api_url=API_URL, api_key=API_KEY, actid="1000", event_key="event-key", clock=SystemClock()
    )
    service = Service(pool, tmp_path / "accounts.json", emulator=emulator)
    yield service
    await service.destinations.aclose()


Worker = Callable[[], Awaitable[None]]


@pytest.fixture
async def worker(service: Service, database_url: str) -> AsyncIterator[Worker]:
    """Start a worker in this process (stopped at the end of the test)."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[int]] = []

    def factory(source: Source, limiter: RateLimiter) -> AsyncActiveCampaignDestination:
        client = service.emulator.async_client(
            api_key=source.config["apiKey"], rate_limiter=limiter
        )
        return AsyncActiveCampaignDestination(client, owns_client=True, hold_on_failure=True)

    async def start() -> None:
        tasks.append(
            asyncio.create_task(
                work(
                    database_url,
                    service.accounts_path,
                    WorkerSettings(concurrency=2, grace=2.0),
                    destination_factory=factory,
                    clock=service.emulator.clock,
                    stop=stop,
                    handle_signals=False,
                )
            )
        )

    yield start
    stop.set()
    assert [await asyncio.wait_for(task, 15.0) for task in tasks] == [0] * len(tasks)


async def settled(service: Service, count: int) -> list[str]:
    """The events' states once ``count`` of them are no longer pending (bounded wait)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while True:
        states = [row["state"] for row in await service.rows()]
        if sum(state != "pending" for state in states) >= count or loop.time() > deadline:
            return states
        await asyncio.sleep(0.2)


async def wake_account(service: Service) -> None:
    jobs = ServiceJobs(service.pool)
    await jobs.open()
    await jobs.wake(ACCOUNT)
    await jobs.close()


async def test_arrivals_wake_a_delivery(service: Service, worker: Worker) -> None:
    await worker()
    await service.ingest(identify("ann"), identify("bob"))
    await wake_account(service)
    assert await settled(service, 2) == ["delivered", "delivered"]
    assert service.emulator.contact("bob@example.com") is not None


async def test_the_sweep_finds_events_no_one_woke(service: Service, worker: Worker) -> None:
    await service.ingest(identify("ann"))  # stored, but no job queued (a crash in between)
    await worker()
    assert await settled(service, 1) == ["delivered"]


async def test_a_dead_workers_job_is_taken_over(service: Service, worker: Worker) -> None:
    await service.ingest(identify("ann"))
    async with service.pool.connection() as conn:
        # What a worker killed mid-delivery leaves: its row, heartbeats long stopped, and
        # the account's job marked as running by it (holding the account's lock).
        cur = await conn.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat)"
            " VALUES (now() - interval '1 minute') RETURNING id"
        )
        row = await cur.fetchone()
        assert row is not None
        await conn.execute(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock,"
            " args, status, worker_id) VALUES ('default', 'rudder.deliver', %s, NULL, %s,"
            " 'doing', %s)",
            (f"account:{ACCOUNT}", json.dumps({"account": ACCOUNT}), row[0]),
        )
    await worker()
    assert await settled(service, 1) == ["delivered"]
    async with service.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT status FROM procrastinate_jobs WHERE task_name = 'rudder.deliver'"
        )
        statuses = [r[0] for r in await cur.fetchall()]
    assert "doing" not in statuses
