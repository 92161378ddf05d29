"""Helpers shared by the client tests: credentials, a fake clock, one body for both clients."""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterable, Callable, Iterable
from typing import Any

import httpx

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign, RateLimiter

# Placeholders: what the cassettes hold, and what the unit tests always use.
TEST_API_URL = "https://testaccount.api-us1.com"
TEST_API_KEY = "test-api-key-0123456789abcdef"
TEST_ACTID = "999999999"
TEST_EVENT_KEY = "test-event-key-fedcba9876543210"

# Cassette tests talk to a real account when recording (`make record`), else to placeholders.
API_URL = os.environ.get("ACTIVECAMPAIGN_API_URL") or TEST_API_URL
API_KEY = os.environ.get("ACTIVECAMPAIGN_API_KEY") or TEST_API_KEY
ACTID = os.environ.get("ACTIVECAMPAIGN_ACTID") or TEST_ACTID
EVENT_KEY = os.environ.get("ACTIVECAMPAIGN_EVENT_KEY") or TEST_EVENT_KEY


class FakeClock:
    """A Clock that never waits: it records every sleep and moves its time forward instead."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.time = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


class Both:
    """Wraps either client so one test body serves both.

    ``await api(api.tags.get, 16)`` awaits the async client's coroutine and passes the sync
    client's result through; ``await api.all(api.tags.list())`` drains an iterator or an
    async iterator. Attribute access goes to the wrapped client.
    """

    def __init__(self, client: ActiveCampaign | AsyncActiveCampaign, clock: FakeClock) -> None:
        self.client = client
        self.clock = clock

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    async def __call__(self, method: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        result = method(*args, **kwargs)
        if inspect.isawaitable(result):
            return await result
        return result

    async def all(self, items: Iterable[Any] | AsyncIterable[Any]) -> list[Any]:
        if isinstance(items, AsyncIterable):
            return [item async for item in items]
        return list(items)

    async def aclose(self) -> None:
        if isinstance(self.client, AsyncActiveCampaign):
            await self.client.aclose()
        else:
            self.client.close()


def make_client(
    flavour: str,
    clock: FakeClock,
    *,
    api_url: str = API_URL,
    api_key: str = API_KEY,
    **options: Any,
) -> Both:
    """A client of the given flavour ("sync" or "async"); options go to its constructor."""
    options.setdefault("actid", ACTID)
    options.setdefault("event_key", EVENT_KEY)
    cls = AsyncActiveCampaign if flavour == "async" else ActiveCampaign
    return Both(cls(api_url, api_key, clock=clock, **options), clock)


MockApi = Callable[..., Both]
"""The ``mock_api`` fixture: ``mock_api(server, **options)`` gives a client on a FakeServer."""

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def reply(
    status: int = 200,
    *,
    json: Any = None,
    text: str | None = None,
    headers: dict[str, str] | None = None,
) -> Callable[[httpx.Request], httpx.Response]:
    """An answer for FakeServer, built afresh for every request it serves."""

    def answer(request: httpx.Request) -> httpx.Response:
        if text is not None:
            return httpx.Response(status, text=text, headers=headers)
        return httpx.Response(status, json={} if json is None else json, headers=headers)

    return answer


class FakeServer:
    """An httpx.MockTransport handler: records every request, answers from a script.

    Answers are used in order; the last one repeats. An exception answer is raised, as a
    transport failure would be.
    """

    def __init__(self, *answers: Answer, clock: FakeClock | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []  # the clock's time at each request, given a clock
        self._answers = list(answers) or [reply()]
        self._clock = clock

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self._clock is not None:
            self.times.append(self._clock.now())
        answer = self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)


def assert_window_respected(starts: list[float], limiter: RateLimiter) -> None:
    """In sorted start times, request i and request i + burst lie a full window apart."""
    ordered = sorted(starts)
    for first, later in zip(ordered, ordered[limiter.burst :], strict=False):
        assert later - first >= limiter.window
