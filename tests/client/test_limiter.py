"""RateLimiter: a sliding window, never more than N request starts in any window."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from activecampaign_client import (
    ConfigurationError,
    RateLimiter,
)

from ._support import (
    TEST_API_URL,
    FakeClock,
    FakeServer,
    MockApi,
    assert_window_respected,
    make_client,
    reply,
)

TAG = {"tag": {"id": "16", "tag": "vip"}}


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
