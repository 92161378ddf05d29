"""A caller that gives up before its start gives its booking back: cancelled tasks,
interrupted threads, closed generators. After any storm of them the budget is as free as
the requests really sent leave it. Clocks are injected: nothing waits for real time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from activecampaign_client import RateLimiter
from activecampaign_client._flow import Sleep, execute

from ._support import TEST_ACTID, TEST_API_KEY, TEST_API_URL, TEST_EVENT_KEY, FakeClock, make_client

TAG = {"tag": {"id": "1", "tag": "vip"}}
SPAWNED = {"success": 1, "message": "Event spawned"}
WINDOW = 1.03  # 5 a second: a window and its margin


class ParkingClock(FakeClock):
    """A waiting task parks until it is cancelled: time moves only when the test says."""

    async def asleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.Event().wait()


class InterruptingClock(FakeClock):
    """Ctrl-C arrives while a thread waits for its start."""

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        raise KeyboardInterrupt


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=SPAWNED if request.url.host == "trackcmp.net" else TAG)


def _client(
    flavour: str, clock: FakeClock, transport: httpx.MockTransport | None = None, **options: Any
) -> Any:
    transport = transport or httpx.MockTransport(_answer)
    http = (
        httpx.AsyncClient(transport=transport)
        if flavour == "async"
        else httpx.Client(transport=transport)
    )
    return make_client(
        flavour,
        clock,
        api_url=TEST_API_URL,
        api_key=TEST_API_KEY,
        actid=TEST_ACTID,
        event_key=TEST_EVENT_KEY,
        http_client=http,
        **options,
    ).client


async def _wave(calls: list[Callable[[], Awaitable[Any]]], settled: int) -> int:
    """Start the calls, let ``settled`` of them finish (the rest wait for their start),
    cancel those waiting; how many finished."""
    tasks = [asyncio.create_task(call()) for call in calls]  # type: ignore[arg-type]
    for _ in range(200):  # bounded: a few loop rounds are enough
        if sum(task.done() for task in tasks) >= settled:
            break
        await asyncio.sleep(0)
    for _ in range(5):  # let the others reach their sleep
        await asyncio.sleep(0)
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    return sum(not isinstance(r, BaseException) for r in results)


async def test_waves_of_cancelled_calls_never_jam_the_budget() -> None:
    clock = ParkingClock()
    client = _client("async", clock)
    limiter = client._driver.ctx.limiters["api"]
    for _wave_number in range(8):
        finished = await _wave([lambda n=n: client.tags.get(n) for n in range(20)], settled=5)
        assert finished == 5  # a full burst every window, wave after wave
        assert limiter.pending() == 0
        clock.time += WINDOW
    clock.sleeps.clear()
    assert (await client.tags.get(1)).id == "1"  # at once: the budget is free
    assert clock.sleeps == []


async def test_right_after_a_storm_the_next_call_waits_only_for_the_window() -> None:
    clock = FakeClock()
    parking = ParkingClock()
    client = _client("async", parking)
    finished = await _wave([lambda n=n: client.tags.get(n) for n in range(100)], settled=5)
    assert finished == 5
    # The same budget, on a clock that lets the next call wait: it waits one window, not
    # behind 95 bookings nobody will use.
    client._driver.ctx.clock = clock
    assert (await client.tags.get(1)).id == "1"
    assert clock.sleeps == [pytest.approx(WINDOW)]


async def test_cancelled_tracking_calls_give_back_the_tracking_budget() -> None:
    clock = ParkingClock()
    client = _client("async", clock, tracking_requests_per_second=2)
    limiter = client._driver.ctx.limiters["tracking"]
    for _ in range(3):
        calls = [
            lambda: client.event_tracking.track("signup", email="a@example.com") for _ in range(10)
        ]
        assert await _wave(calls, settled=2) == 2
        assert limiter.pending() == 0
        clock.time += limiter.window + limiter.margin


async def test_cancelled_calls_give_back_their_slots_in_flight() -> None:
    arrived: list[int] = []
    gate = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        arrived.append(1)
        await gate.wait()
        return httpx.Response(200, json=SPAWNED)

    client = _client("async", FakeClock(), httpx.MockTransport(slow), tracking_max_concurrency=2)

    def track() -> Awaitable[Any]:
        return client.event_tracking.track("signup", email="a@example.com")

    # Two in flight, eight waiting for a slot: all cancelled.
    assert await _wave([track for _ in range(10)], settled=10) == 0
    assert len(arrived) == 2
    # Both slots are free again: two new calls reach the server together.
    arrived.clear()
    tasks = [asyncio.create_task(track()) for _ in range(2)]  # type: ignore[arg-type]
    for _ in range(200):
        if len(arrived) == 2:
            break
        await asyncio.sleep(0)
    assert len(arrived) == 2
    gate.set()
    await asyncio.gather(*tasks)


def _spent(clock: FakeClock) -> tuple[Any, RateLimiter]:
    """A sync client whose budget for this window is spent, and its limiter."""
    client = _client("sync", clock)
    for n in range(5):
        client.tags.get(n)
    return client, client._driver.ctx.limiters["api"]


def test_a_thread_interrupted_while_it_waits_gives_its_booking_back() -> None:
    clock = InterruptingClock()
    client, limiter = _spent(clock)
    with pytest.raises(KeyboardInterrupt):
        client.tags.get(6)  # must wait for the next window: interrupted there
    assert limiter.pending() == 0
    clock.time += WINDOW
    assert client.tags.get(7).id == "1"  # no wait: the interrupted booking is gone


def test_a_thread_interrupted_in_flight_gives_its_slot_back() -> None:
    def interrupted(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    client = _client(
        "sync", FakeClock(), httpx.MockTransport(interrupted), tracking_max_concurrency=1
    )
    with pytest.raises(KeyboardInterrupt):
        client.event_tracking.track("signup", email="a@example.com")
    slot = client._driver._slots.for_thread("tracking")
    assert slot is not None and slot.acquire(blocking=False)  # free again


def test_a_flow_closed_while_it_waits_gives_its_booking_back() -> None:
    client, limiter = _spent(FakeClock())
    flow = execute(client.tags.get.operation(6), client._driver.ctx)
    assert isinstance(next(flow), Sleep)  # booked for the next window, waiting
    assert limiter.pending() == 1
    flow.close()  # a driver leaving early closes its flow
    assert limiter.pending() == 0
