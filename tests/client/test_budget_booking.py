"""Requests spending two budgets (bulk import) never hold up calls that spend only one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest

from activecampaign_client import (
    AsyncActiveCampaign,
    RateLimiter,
    RateLimitError,
)
from activecampaign_client.testing import SimulatedClock

from ._support import (
    TEST_API_KEY,
    TEST_API_URL,
    assert_window_respected,
)

TAG = {"tag": {"id": "16", "tag": "vip"}}


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
