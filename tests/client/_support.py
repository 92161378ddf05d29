"""Helpers shared by the client tests: credentials, a fake clock, one body for both clients."""

from __future__ import annotations

import inspect
import os
from collections.abc import AsyncIterable, Callable, Iterable
from typing import Any

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign

# Real credentials when recording (`make record`), placeholders otherwise.
API_URL = os.environ.get("ACTIVECAMPAIGN_API_URL") or "https://testaccount.api-us1.com"
API_KEY = os.environ.get("ACTIVECAMPAIGN_API_KEY") or "test-api-key-0123456789abcdef"
ACTID = os.environ.get("ACTIVECAMPAIGN_ACTID") or "999999999"
EVENT_KEY = os.environ.get("ACTIVECAMPAIGN_EVENT_KEY") or "test-event-key-fedcba9876543210"


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

    @property
    def flavour(self) -> str:
        return "async" if isinstance(self.client, AsyncActiveCampaign) else "sync"

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


def make_client(flavour: str, clock: FakeClock, **options: Any) -> Both:
    """A client of the given flavour ("sync" or "async") on the test account."""
    options.setdefault("actid", ACTID)
    options.setdefault("event_key", EVENT_KEY)
    cls = AsyncActiveCampaign if flavour == "async" else ActiveCampaign
    return Both(cls(API_URL, API_KEY, clock=clock, **options), clock)
