"""trackcmp.net calls: their own cap on calls in flight, and rate slots booked only once granted."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from activecampaign_client import (
    ActiveCampaign,
    APIConnectionError,
    AsyncActiveCampaign,
    ConfigurationError,
    RateLimiter,
)
from activecampaign_client.testing import SimulatedClock

from ._support import (
    TEST_API_KEY,
    TEST_API_URL,
    FakeClock,
    assert_window_respected,
    make_client,
)

TAG = {"tag": {"id": "16", "tag": "vip"}}


class InFlight:
    """Counts requests in flight per host; ``peak`` is the most seen at once."""

    def __init__(self) -> None:
        self.now: dict[str, int] = {}
        self.peak: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, request: httpx.Request) -> None:
        with self._lock:
            host = request.url.host
            self.now[host] = self.now.get(host, 0) + 1
            self.peak[host] = max(self.peak.get(host, 0), self.now[host])

    def leave(self, request: httpx.Request) -> None:
        with self._lock:
            self.now[request.url.host] -= 1


SPAWNED = {"success": 1, "message": "Event spawned"}


@pytest.mark.parametrize(("cap", "peak"), [(3, 3), (None, 20)])
async def test_tracking_max_concurrency_caps_trackcmp_calls_in_flight(
    cap: int | None, peak: int
) -> None:
    clock = SimulatedClock()
    flight = InFlight()

    async def server(request: httpx.Request) -> httpx.Response:
        flight.enter(request)
        await clock.asleep(0.05)  # each answer takes 50 ms
        flight.leave(request)
        return httpx.Response(200, json={**TAG, **SPAWNED})

    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        client = AsyncActiveCampaign(
            TEST_API_URL,
            TEST_API_KEY,
            actid="1",
            event_key="k",
            http_client=http,
            clock=clock,
            requests_per_second=None,
            tracking_max_concurrency=cap,
        )
        tracks = [client.event_tracking.track("E", email="a@example.com") for _ in range(20)]
        reads = [client.tags.get(16) for _ in range(10)]
        await asyncio.gather(*tracks, *reads)
    assert flight.peak["trackcmp.net"] == peak
    assert flight.peak["testaccount.api-us1.com"] == 10  # account calls are not capped by it


def test_tracking_max_concurrency_is_shared_by_threads() -> None:
    flight = InFlight()
    together = threading.Barrier(3, timeout=30)  # three in flight at once, never more

    def server(request: httpx.Request) -> httpx.Response:
        flight.enter(request)
        together.wait()
        flight.leave(request)
        return httpx.Response(200, json=SPAWNED)

    with httpx.Client(transport=httpx.MockTransport(server)) as http:
        api = make_client("sync", FakeClock(), http_client=http, tracking_max_concurrency=3)
        client = api.client
        assert isinstance(client, ActiveCampaign)
        threads = [
            threading.Thread(target=lambda: client.event_tracking.track("E", email="a@example.com"))
            for _ in range(9)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert client.requests_sent == 9
    assert flight.peak["trackcmp.net"] == 3


@pytest.mark.parametrize("cap", [0, -1, 2.5, True, "3"])
def test_client_refuses_nonsense_tracking_concurrency(
    flavour: str, clock: FakeClock, cap: object
) -> None:
    with pytest.raises(ConfigurationError, match="tracking_max_concurrency"):
        make_client(flavour, clock, tracking_max_concurrency=cap)


def test_the_async_tracking_cap_works_on_each_event_loop(clock: FakeClock) -> None:
    # asyncio primitives belong to one loop: the client makes its semaphore per loop.
    sent = 0

    async def server(request: httpx.Request) -> httpx.Response:
        nonlocal sent
        sent += 1
        await asyncio.sleep(0)  # let the other tasks queue on the semaphore
        return httpx.Response(200, json=SPAWNED)

    http = httpx.AsyncClient(transport=httpx.MockTransport(server))
    client = AsyncActiveCampaign(
        TEST_API_URL,
        TEST_API_KEY,
        actid="1",
        event_key="k",
        http_client=http,
        clock=clock,
        tracking_max_concurrency=1,
    )

    async def burst() -> None:
        await asyncio.gather(
            *(client.event_tracking.track("E", email="a@example.com") for _ in range(3))
        )

    asyncio.run(burst())
    asyncio.run(burst())
    asyncio.run(http.aclose())
    assert sent == 6


async def test_a_rate_slot_is_booked_once_a_concurrency_slot_is_granted() -> None:
    # Two trackcmp calls in flight at most, two starts a second at most; every fourth
    # call takes 4 s. Rate slots booked before the wait for a concurrency slot were
    # spent while waiting, and the calls that waited then started together (11 in one
    # second).
    clock = SimulatedClock()
    starts: list[float] = []

    async def server(request: httpx.Request) -> httpx.Response:
        starts.append(clock.now())
        await clock.asleep(4.0 if len(starts) % 4 == 0 else 0.05)
        return httpx.Response(200, json=SPAWNED)

    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        client = AsyncActiveCampaign(
            TEST_API_URL,
            TEST_API_KEY,
            actid="1",
            event_key="k",
            http_client=http,
            clock=clock,
            tracking_requests_per_second=2,
            tracking_max_concurrency=2,
        )
        await asyncio.gather(
            *(client.event_tracking.track("E", email=f"u{n}@x.com") for n in range(40))
        )
    assert len(starts) == 40
    assert_window_respected(starts, RateLimiter(2))


async def test_a_tracking_slot_comes_back_after_a_failure_or_a_cancelled_call() -> None:
    clock = SimulatedClock()
    in_flight, stuck = asyncio.Event(), asyncio.Event()
    answers = ["hang", "fail", "ok"]

    async def server(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if answer == "hang":
            in_flight.set()
            await stuck.wait()  # never set: this call is cancelled in flight
        if answer == "fail":
            raise httpx.ConnectTimeout("no connection")
        return httpx.Response(200, json=SPAWNED)

    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        client = AsyncActiveCampaign(
            TEST_API_URL,
            TEST_API_KEY,
            actid="1",
            event_key="k",
            http_client=http,
            clock=clock,
            max_retries=0,
            tracking_max_concurrency=1,
        )
        hanging = asyncio.create_task(client.event_tracking.track("E", email="a@x.com"))
        await in_flight.wait()
        hanging.cancel()
        with pytest.raises(APIConnectionError):
            await client.event_tracking.track("E", email="a@x.com")
        await client.event_tracking.track("E", email="a@x.com")  # the one slot is free
    assert answers == []


def test_threads_book_a_tracking_start_once_they_have_a_slot() -> None:
    # The threaded twin of the test above, on a simulated clock shared by the threads.
    clock = SimulatedClock()
    starts: list[float] = []
    lock = threading.Lock()

    def server(request: httpx.Request) -> httpx.Response:
        with lock:
            starts.append(clock.now())
            count = len(starts)
        clock.sleep(4.0 if count % 4 == 0 else 0.05)
        return httpx.Response(200, json=SPAWNED)

    with httpx.Client(transport=httpx.MockTransport(server)) as http:
        client = ActiveCampaign(
            TEST_API_URL,
            TEST_API_KEY,
            actid="1",
            event_key="k",
            http_client=http,
            clock=clock,
            tracking_requests_per_second=2,
            tracking_max_concurrency=2,
        )
        with ThreadPoolExecutor(8) as pool:
            list(
                pool.map(lambda n: client.event_tracking.track("E", email=f"u{n}@x.com"), range(24))
            )
    assert len(starts) == 24
    assert_window_respected(starts, RateLimiter(2))
    assert clock.now() < 24.0  # the threads' waits overlap: not one after another
