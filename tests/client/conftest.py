"""Fixtures for the client tests: both client flavours, on cassettes or on a fake server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from activecampaign_client import SystemClock

from ._support import (
    TEST_ACTID,
    TEST_API_KEY,
    TEST_API_URL,
    TEST_EVENT_KEY,
    Both,
    FakeClock,
    FakeServer,
    MockApi,
    make_client,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """When recording (``make record``), only the sync run of a cassette test talks to the
    account: both flavours share one cassette, the async run would rewrite it, and running
    each write twice against a real account would fail. Cassettes marked
    ``vcr(record_mode="none")`` are hand-made and replay in both flavours as usual."""
    if config.getoption("--record-mode") in (None, "none"):
        return
    here = Path(__file__).parent
    keep: list[pytest.Item] = []
    skipped: list[pytest.Item] = []
    for item in items:
        marker = item.get_closest_marker("vcr")
        callspec = getattr(item, "callspec", None)
        if (
            here in item.path.parents
            and marker is not None
            and marker.kwargs.get("record_mode") != "none"
            and callspec is not None
            and callspec.params.get("flavour") == "async"
        ):
            skipped.append(item)
        else:
            keep.append(item)
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = keep


@pytest.fixture(autouse=True)
def _no_real_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """A client test that would really wait (a client left on the system clock) fails."""

    def refuse(*args: object) -> None:
        raise AssertionError("the client slept on the real clock; give it clock=FakeClock()")

    async def refuse_async(*args: object) -> None:
        refuse()

    monkeypatch.setattr(SystemClock, "sleep", refuse)
    monkeypatch.setattr(SystemClock, "asleep", refuse_async)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    """Every test using a client runs once with ActiveCampaign and once with the async one."""
    param: str = request.param
    return param


@pytest.fixture
async def api(flavour: str, clock: FakeClock) -> AsyncIterator[Both]:
    """A client on the test account, for cassette replays."""
    both = make_client(flavour, clock)
    try:
        yield both
    finally:
        await both.aclose()


@pytest.fixture
async def mock_api(flavour: str, clock: FakeClock) -> AsyncIterator[MockApi]:
    """``mock_api(server, **options)``: a client whose HTTP goes to a FakeServer.

    Always the placeholder account and credentials, whatever the environment says.
    """
    made: list[httpx.Client | httpx.AsyncClient] = []

    def make(server: FakeServer, **options: Any) -> Both:
        transport = httpx.MockTransport(server)
        http: httpx.Client | httpx.AsyncClient
        if flavour == "async":
            http = httpx.AsyncClient(transport=transport)
        else:
            http = httpx.Client(transport=transport)
        made.append(http)
        options.setdefault("actid", TEST_ACTID)
        options.setdefault("event_key", TEST_EVENT_KEY)
        options.setdefault("api_url", TEST_API_URL)
        options.setdefault("api_key", TEST_API_KEY)
        return make_client(flavour, clock, http_client=http, **options)

    yield make
    for http in made:
        if isinstance(http, httpx.AsyncClient):
            await http.aclose()
        else:
            http.close()


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """One cassette per test function, shared by its sync and async runs."""
    name = request.node.originalname
    return f"{request.cls.__name__}.{name}" if request.cls else name


@pytest.fixture(autouse=True)
def _cassette_fully_played(vcr: Any) -> Iterator[None]:
    """In replay, a cassette with interactions the test did not use is a stale cassette."""
    yield
    if vcr is not None and vcr.record_mode == "none":
        assert vcr.all_played, f"{vcr._path}: only {vcr.play_count} of {len(vcr)} replayed"
