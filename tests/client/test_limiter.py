"""RateLimiter: a sliding window, never more than N request starts in any window."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from activecampaign_client import (
    ActiveCampaign,
    APIConnectionError,
    AsyncActiveCampaign,
    ConfigurationError,
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
    make_client,
    reply,
)

TAG = {"tag": {"id": "16", "tag": "vip"}}


def assert_window_respected(starts: list[float], limiter: RateLimiter) -> None:
    """In sorted start times, request i and request i + burst lie a full window apart."""
    ordered = sorted(starts)
    for first, later in zip(ordered, ordered[limiter.burst :], strict=False):
        assert later - first >= limiter.window


def test_a_burst_of_n_starts_at_once_and_the_next_waits_a_window_and_a_margin() -> None:
    limiter = RateLimiter(5)
    waits = [limiter.reserve(100.0) for _ in range(6)]
    assert waits[:5] == [0.0] * 5
    # 2 % of the window plus 10 ms: 30 ms at 5 requests a second.
    assert waits[5] == pytest.approx(1.03)


@given(
    gaps=st.lists(st.floats(min_value=0.0, max_value=0.5), min_size=6, max_size=60),
    latencies=st.lists(st.floats(min_value=0.0, max_value=0.025), min_size=60, max_size=60),
)
def test_network_jitter_does_not_land_more_than_the_burst_in_a_server_window(
    gaps: list[float], latencies: list[float]
) -> None:
    # The server counts arrivals: each start plus its own latency, up to 25 ms apart.
    limiter = RateLimiter(5)
    now, arrivals = 0.0, []
    for gap, latency in zip(gaps, latencies, strict=False):
        now += gap
        arrivals.append(now + limiter.reserve(now) + latency)
    assert_window_respected(arrivals, limiter)


def test_slow_callers_never_wait() -> None:
    limiter = RateLimiter(5)
    assert [limiter.reserve(100.0 + 0.25 * i) for i in range(20)] == [0.0] * 20


def test_rates_below_one_per_second_allow_one_request_per_interval() -> None:
    limiter = RateLimiter(0.5)
    assert (limiter.burst, limiter.window) == (1, 2.0)
    assert limiter.reserve(0.0) == 0.0
    assert limiter.reserve(0.0) == pytest.approx(2.0 + limiter.margin)


def test_per_minute_budgets() -> None:
    limiter = RateLimiter(20, per=60.0)
    assert (limiter.burst, limiter.window) == (20, 60.0)
    assert [limiter.reserve(0.0) for _ in range(20)] == [0.0] * 20
    assert limiter.reserve(0.0) == pytest.approx(60.0 + 60.0 * 0.02 + 0.01)


def test_a_hold_delays_every_start_until_it_ends() -> None:
    limiter = RateLimiter(5)
    assert limiter.reserve(10.0) == 0.0
    limiter.hold_until(13.0)
    limiter.hold_until(12.0)  # a shorter hold never shortens the pause
    assert [limiter.reserve(10.5) for _ in range(4)] == [2.5] * 4
    # After the pause the window still counts: 4 more at 13.0, then the sixth waits.
    assert limiter.reserve(13.0) == 0.0
    assert limiter.reserve(13.0) == pytest.approx(limiter.window + limiter.margin)


@given(
    rate=st.sampled_from([1.0, 2.0, 5.0, 10.0]),
    gaps=st.lists(st.floats(min_value=0.0, max_value=0.7), min_size=1, max_size=60),
)
def test_no_window_ever_holds_more_than_the_burst(rate: float, gaps: list[float]) -> None:
    limiter = RateLimiter(rate)
    now, starts = 0.0, []
    for gap in gaps:
        now += gap
        starts.append(now + limiter.reserve(now))
    assert_window_respected(starts, limiter)


def test_threads_sharing_a_limiter_never_exceed_the_burst() -> None:
    limiter = RateLimiter(5)
    starts: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for _ in range(10):
            start = 50.0 + limiter.reserve(50.0)
            with lock:
                starts.append(start)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(starts) == 80
    assert_window_respected(starts, limiter)


@pytest.mark.parametrize("rate", [0, -1, float("inf"), float("nan")])
def test_nonsense_rates_are_refused(rate: float) -> None:
    with pytest.raises(ValueError):
        RateLimiter(rate)


@pytest.mark.parametrize("rate", [0, -5.0])
def test_client_refuses_nonsense_rates(flavour: str, clock: FakeClock, rate: float) -> None:
    with pytest.raises(ConfigurationError):
        make_client(flavour, clock, requests_per_second=rate)


async def test_client_waits_on_its_clock_beyond_the_burst(
    mock_api: MockApi, clock: FakeClock
) -> None:
    server = FakeServer(reply(json=TAG), clock=clock)
    api = mock_api(server, requests_per_second=5)
    for _ in range(11):
        await api(api.tags.get, 16)
    assert len(server.requests) == 11
    # Requests 6 and 11 each waited for the window of the five before them.
    assert len(clock.sleeps) == 2
    assert_window_respected(server.times, RateLimiter(5))


async def test_bulk_imports_also_keep_to_their_per_minute_budget(
    mock_api: MockApi, clock: FakeClock
) -> None:
    answer = {"success": 1, "queued_contacts": 1, "batchId": "b-1", "message": "queued"}
    server = FakeServer(reply(json=answer), clock=clock)
    api = mock_api(server, requests_per_second=5)
    for _ in range(21):
        await api(api.bulk_import.import_contacts, [{"email": "jane@example.com"}])
    # 20 single-contact imports a minute: the 21st waits for the minute to pass.
    assert server.times[20] - server.times[0] >= 60.0
    assert_window_respected(server.times, RateLimiter(20, per=60.0))
    assert_window_respected(server.times, RateLimiter(5))


async def test_no_limit_when_disabled(mock_api: MockApi, clock: FakeClock) -> None:
    server = FakeServer(reply(json=TAG))
    api = mock_api(server, requests_per_second=None)
    for _ in range(20):
        await api(api.tags.get, 16)
    assert clock.sleeps == []


async def test_trackcmp_calls_do_not_spend_the_account_budget(
    mock_api: MockApi, clock: FakeClock
) -> None:
    server = FakeServer(reply(json={"success": 1, "message": "Event spawned"}))
    api = mock_api(server, requests_per_second=5)
    for _ in range(12):
        await api(api.event_tracking.track, "purchase", email="jane@example.com")
    assert len(server.requests) == 12
    assert clock.sleeps == []


async def test_tasks_sharing_an_async_client_share_its_budget(clock: FakeClock) -> None:
    server = FakeServer(reply(json=TAG), clock=clock)
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        api = make_client("async", clock, api_url=TEST_API_URL, http_client=http)
        await asyncio.gather(*(api.client.tags.get(16) for _ in range(15)))
    assert len(server.requests) == 15
    assert_window_respected(server.times, RateLimiter(5))


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


def _recording_server(
    clock: SimulatedClock, answer: Callable[[httpx.Request], httpx.Response], latency: float
) -> tuple[dict[str, list[float]], Callable[[httpx.Request], Awaitable[httpx.Response]]]:
    """A MockTransport handler noting when each path was asked for, on ``clock``."""
    sent: dict[str, list[float]] = {}

    async def server(request: httpx.Request) -> httpx.Response:
        sent.setdefault(request.url.path.rsplit("/", 1)[-1], []).append(clock.now())
        await clock.asleep(latency)
        return answer(request)

    return sent, server


QUEUED = {"success": 1, "queued_contacts": 1, "batchId": "b-1", "message": "queued"}
BUDGET_REFUSAL = {"message": "Rate limit exceeded", "failureReasons": []}


async def test_an_import_waiting_for_its_minute_does_not_hold_up_account_calls() -> None:
    # 21 single-contact imports: the 21st waits a minute for its own budget. It once
    # booked the account budget a minute ahead too, and since account bookings stay in
    # time order, a tags.get asked next was sent after it, at 61.21 s.
    clock = SimulatedClock()
    sent, server = _recording_server(
        clock, lambda r: httpx.Response(200, json=QUEUED if "import" in r.url.path else TAG), 0.05
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        client = AsyncActiveCampaign(TEST_API_URL, TEST_API_KEY, http_client=http, clock=clock)

        async def read_after_the_imports() -> float:
            await asyncio.sleep(0)  # the imports book first
            asked = clock.now()
            await client.tags.get(16)
            return asked

        imports = [
            client.bulk_import.import_contacts([{"email": f"u{n}@x.com"}]) for n in range(21)
        ]
        *_, asked = await asyncio.gather(*imports, read_after_the_imports())
    assert asked == 0.0
    # 20 imports in the first 4 seconds (5 a second), then the read: not a minute later.
    assert sent["16"][0] <= 4.2
    assert sent["bulk_import"][20] >= 60.0 + sent["bulk_import"][0]
    everything = sorted(sent["bulk_import"] + sent["16"])
    assert_window_respected(everything, RateLimiter(5))
    assert_window_respected(sent["bulk_import"], RateLimiter(20, per=60.0))


async def test_an_import_held_by_its_budget_refusal_does_not_hold_up_account_calls() -> None:
    # The first import is refused with bulk import's "rate limit" 400, which pauses the
    # import budget for a minute; the second import waits that minute out — without
    # booking the account budget a minute ahead, so the read asked after it goes at once.
    clock = SimulatedClock()
    refusals = [True]

    def answer(request: httpx.Request) -> httpx.Response:
        if "import" not in request.url.path:
            return httpx.Response(200, json=TAG)
        if refusals and refusals.pop():
            return httpx.Response(400, json=BUDGET_REFUSAL)
        return httpx.Response(200, json=QUEUED)

    sent, server = _recording_server(clock, answer, 0.05)
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        client = AsyncActiveCampaign(
            TEST_API_URL, TEST_API_KEY, http_client=http, clock=clock, max_retries=0
        )
        with pytest.raises(RateLimitError):
            await client.bulk_import.import_contacts([{"email": "a@x.com"}])

        async def read_after_the_import() -> None:
            await asyncio.sleep(0)  # the import books first
            await client.tags.get(16)

        await asyncio.gather(
            client.bulk_import.import_contacts([{"email": "b@x.com"}]), read_after_the_import()
        )
    assert sent["bulk_import"][1] >= 60.05  # the import waited out its budget's pause
    assert sent["16"] == [0.05]  # the read did not


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
