"""Shared by the robustness tests: distinctive secrets, a seeded emulator, request capture."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign
from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock
from rudder_mapper.samples import DEMO_FIELDS, DEMO_LISTS

# Long and unusual, so finding one anywhere cannot be a coincidence.
API_KEY = "ak-robustness-SECRET-5f0c9e2b7d41a8c3"
EVENT_KEY = "ek-robustness-SECRET-93b1d07a6e5c2f48"
ACTID = "611223344"
SECRETS = (API_KEY, EVENT_KEY)
API_URL = "https://robust.api-us1.com"


def seeded_emulator(*, rate_limit: float | None = 5.0, seed: int = 0) -> ActiveCampaignEmulator:
    """An emulated account with the demo's custom fields and lists, on a simulated clock."""
    emulator = ActiveCampaignEmulator(
        api_key=API_KEY,
        actid=ACTID,
        event_key=EVENT_KEY,
        api_url=API_URL,
        clock=SimulatedClock(),
        rate_limit=rate_limit,
        seed=seed,
    )
    for title, perstag, kind in DEMO_FIELDS:
        emulator.add_field(title, perstag=perstag, type=kind)
    for name in DEMO_LISTS:
        emulator.add_list(name)
    return emulator


Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """An httpx.MockTransport handler that records requests and answers with ``answer``."""

    def __init__(self, answer: Handler | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self._answer = answer or (lambda request: httpx.Response(200, json={}))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self._answer(request)


def sync_client(handler: Handler, **options: Any) -> ActiveCampaign:
    """An ActiveCampaign on a MockTransport, with the distinctive secrets, no rate limit."""
    http = httpx.Client(transport=httpx.MockTransport(handler), **options.pop("http", {}))
    options.setdefault("requests_per_second", None)
    return ActiveCampaign(
        API_URL, API_KEY, actid=ACTID, event_key=EVENT_KEY, http_client=http, **options
    )


def async_client(handler: Handler, **options: Any) -> AsyncActiveCampaign:
    """An AsyncActiveCampaign on a MockTransport, like ``sync_client``."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), **options.pop("http", {}))
    options.setdefault("requests_per_second", None)
    return AsyncActiveCampaign(
        API_URL, API_KEY, actid=ACTID, event_key=EVENT_KEY, http_client=http, **options
    )


def leaked(text: str) -> list[str]:
    """Which secrets (by name) appear in ``text``, plain or URL-encoded."""
    found = []
    for name, secret in (("api key", API_KEY), ("event key", EVENT_KEY)):
        if secret in text or secret.replace("-", "%2D") in text:
            found.append(name)
    return found
