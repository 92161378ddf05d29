"""One client or destination across successive event loops (``asyncio.run`` per batch),
over real connections: httpx ties a connection to the loop that opened it, so the client
makes its httpx client per loop. Every batch is delivered, and no RuntimeError escapes."""

from __future__ import annotations

import asyncio

from activecampaign_client import AsyncActiveCampaign
from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import AsyncActiveCampaignDestination, DeliveryResult

from ._servers import emulator_answer, json_answer, serving

KEY = "network-test-key-0123456789"


def test_four_asyncio_runs_on_one_destination_are_all_delivered() -> None:
    emulator = ActiveCampaignEmulator(rate_limit=None)
    emulator.add_event_name("Signed Up")
    with serving(emulator_answer(emulator)) as server:
        config = {
            "apiUrl": server.url,
            "apiKey": emulator.api_key,
            "actid": emulator.actid,
            "eventKey": emulator.event_key,
            "trackingUrl": server.url + "/event",
        }
        destination = AsyncActiveCampaignDestination.from_config(config, requests_per_second=None)
        results: list[DeliveryResult] = []
        for batch in range(4):
            messages = [
                {"type": "identify", "traits": {"email": f"user{batch}-{n}@example.com"}}
                for n in range(2)
            ] + [
                {
                    "type": "track",
                    "event": "Signed Up",
                    "context": {"traits": {"email": f"user{batch}-0@example.com"}},
                }
            ]
            results += asyncio.run(destination.process_batch(messages))
        asyncio.run(destination.aclose())
    assert [r.status_code for r in results] == [200] * 12, [r.error for r in results]
    assert len(emulator.contacts()) == 8
    assert len(emulator.tracked_events) == 4


def test_one_async_client_serves_successive_loops_with_warm_connections() -> None:
    with serving(json_answer()) as server:
        client = AsyncActiveCampaign(server.url, KEY, requests_per_second=None)

        async def batch() -> list[str]:
            tags = await asyncio.gather(*(client.tags.get(n) for n in range(3)))
            return [tag.id for tag in tags]

        assert [asyncio.run(batch()) for _ in range(4)] == [["1", "1", "1"]] * 4
        asyncio.run(client.aclose())
    assert len(server.requests) == 12
