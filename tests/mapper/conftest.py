"""Fixtures for the mapper tests: destinations of both flavours, on cassettes or the emulator.

Cassette tests run with the placeholder account and a plain httpx client, so vcrpy serves
every answer. Their cassettes were recorded from the in-process emulator (whose answers
follow the reference examples): run them with ``RECORD_FROM_EMULATOR=1`` and
``--record-mode=all`` to record again (see cassettes/README.md).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign
from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock
from rudder_mapper import (
    ActiveCampaignDestination,
    AsyncActiveCampaignDestination,
    DeliveryResult,
)

TEST_API_URL = "https://testaccount.api-us1.com"
TEST_API_KEY = "test-api-key"
TEST_ACTID = "1000000"
TEST_EVENT_KEY = "test-event-key"


def seeded_emulator(**options: Any) -> ActiveCampaignEmulator:
    """The account the seed examples assume: their custom fields, lists 2 and 3, one tag."""
    emulator = ActiveCampaignEmulator(
        api_url=TEST_API_URL,
        api_key=TEST_API_KEY,
        actid=TEST_ACTID,
        event_key=TEST_EVENT_KEY,
        clock=SimulatedClock(),
        **options,
    )
    emulator.add_field("Interest", perstag="INTEREST")
    emulator.add_field("Country", perstag="COUNTRY")
    emulator.add_field("Hobbies", perstag="HOBBIES", type="checkbox")
    for name in ("Newsletter", "Product Updates", "Promotions"):
        emulator.add_list(name)
    emulator.add_tag("Returning User")
    return emulator


@dataclass
class Harness:
    """One destination (sync or async) and the HTTP requests it sent."""

    flavour: str
    destination: ActiveCampaignDestination | AsyncActiveCampaignDestination
    sent: list[httpx.Request] = field(default_factory=list)

    async def process(self, message: Any) -> DeliveryResult:
        """``process`` on either flavour."""
        if isinstance(self.destination, AsyncActiveCampaignDestination):
            return await self.destination.process(message)
        return self.destination.process(message)

    async def process_batch(self, messages: list[Any]) -> list[DeliveryResult]:
        """``process_batch`` on either flavour."""
        if isinstance(self.destination, AsyncActiveCampaignDestination):
            return await self.destination.process_batch(messages)
        return self.destination.process_batch(messages)

    def calls(self) -> list[str]:
        """``METHOD path`` of every request sent, in order."""
        return [f"{r.method} {r.url.path}" for r in self.sent]


@pytest.fixture(params=["sync", "async"])
def flavour(request: pytest.FixtureRequest) -> str:
    """Each destination test runs with the sync and the async destination."""
    value: str = request.param
    return value


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """One cassette per test function, shared by its sync and async runs."""
    name: str = request.node.originalname
    return name


def _http_client(
    flavour: str,
    emulator: ActiveCampaignEmulator | None,
    sent: list[httpx.Request],
    *,
    recordable: bool = False,
) -> httpx.Client | httpx.AsyncClient:
    """An httpx client remembering every request it sends (the emulator's, if given).

    ``recordable`` puts the emulator behind an ``httpx.MockTransport``, one of the
    transports vcrpy intercepts, so a cassette can be recorded from its answers.
    """
    if flavour == "async":

        async def remember_async(request: httpx.Request) -> None:
            sent.append(request)

        transport: httpx.AsyncBaseTransport | None = (
            emulator.async_transport() if emulator else None
        )
        if recordable and emulator:
            transport = httpx.MockTransport(emulator.async_transport().handle_async_request)  # type: ignore[arg-type]
        return httpx.AsyncClient(transport=transport, event_hooks={"request": [remember_async]})

    def remember(request: httpx.Request) -> None:
        sent.append(request)

    sync_transport: httpx.BaseTransport | None = emulator.transport() if emulator else None
    if recordable and emulator:
        sync_transport = httpx.MockTransport(emulator.transport().handle_request)
    return httpx.Client(transport=sync_transport, event_hooks={"request": [remember]})


def _harness(
    flavour: str,
    http: httpx.Client | httpx.AsyncClient,
    sent: list[httpx.Request],
    client_options: dict[str, Any] | None = None,
    **options: Any,
) -> Harness:
    client_options = {
        "api_url": TEST_API_URL,
        "api_key": TEST_API_KEY,
        "actid": TEST_ACTID,
        "event_key": TEST_EVENT_KEY,
        "clock": options.pop("clock", None) or SimulatedClock(),
        **(client_options or {}),
    }
    if isinstance(http, httpx.AsyncClient):
        client = AsyncActiveCampaign(http_client=http, **client_options)
        return Harness(flavour, AsyncActiveCampaignDestination(client, **options), sent)
    sync_client = ActiveCampaign(http_client=http, **client_options)
    return Harness(flavour, ActiveCampaignDestination(sync_client, **options), sent)


async def _close(http: httpx.Client | httpx.AsyncClient) -> None:
    if isinstance(http, httpx.AsyncClient):
        await http.aclose()
    else:
        http.close()  # noqa: ASYNC212 - a sync client closes without I/O waits


@pytest.fixture
async def cassette_harness(flavour: str) -> AsyncIterator[Harness]:
    """A destination whose requests are answered by the test's cassette.

    With RECORD_FROM_EMULATOR=1 the requests go to a freshly seeded emulator instead, so
    ``--record-mode=all`` writes the cassette from its answers.
    """
    emulator = seeded_emulator() if os.environ.get("RECORD_FROM_EMULATOR") else None
    sent: list[httpx.Request] = []
    http = _http_client(flavour, emulator, sent, recordable=True)
    yield _harness(flavour, http, sent, clock=emulator.clock if emulator else None)
    await _close(http)


EmulatorHarness = Callable[..., Awaitable[tuple[Harness, ActiveCampaignEmulator]]]


@pytest.fixture
async def on_emulator(flavour: str) -> AsyncIterator[EmulatorHarness]:
    """``await on_emulator(emulator=None, client_options=None, **destination_options)``: a
    destination on an emulator (a freshly seeded one unless given), recording what it sends."""
    opened: list[httpx.Client | httpx.AsyncClient] = []

    async def make(
        emulator: ActiveCampaignEmulator | None = None,
        client_options: dict[str, Any] | None = None,
        **options: Any,
    ) -> tuple[Harness, ActiveCampaignEmulator]:
        emulator = emulator or seeded_emulator()
        sent: list[httpx.Request] = []
        http = _http_client(flavour, emulator, sent)
        opened.append(http)
        harness = _harness(flavour, http, sent, client_options, clock=emulator.clock, **options)
        return harness, emulator

    yield make
    for http in opened:
        await _close(http)
