"""Destinations as context managers, closing only what they created; nothing escapes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign
from rudder_mapper import ActiveCampaignDestination, AsyncActiveCampaignDestination
from rudder_mapper.pipeline import DeadLetterWriter, parse_lines

CONFIG = {"apiUrl": "https://acct.api-us1.com", "apiKey": "k", "actid": "1", "eventKey": "e"}
IDENTIFY = {"type": "identify", "traits": {"email": "a@example.com"}}


def _explode(request: httpx.Request) -> httpx.Response:
    raise RuntimeError("a transport bug")


def test_a_destination_leaves_a_client_it_was_given_open() -> None:
    http = httpx.Client(transport=httpx.MockTransport(_explode))
    client = ActiveCampaign("https://acct.api-us1.com", "k", http_client=http)
    with ActiveCampaignDestination(client) as destination:
        assert destination.owns_client is False
    assert not http.is_closed
    http.close()


def test_from_config_destinations_close_their_client() -> None:
    http = httpx.Client(transport=httpx.MockTransport(_explode))
    with ActiveCampaignDestination.from_config(CONFIG, http, max_concurrency=2) as destination:
        assert (destination.owns_client, destination.max_concurrency) == (True, 2)
    # The client was made by from_config; the httpx client inside it was ours.
    assert not http.is_closed
    http.close()


async def test_async_destination_as_async_context_manager() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(_explode))
    async with AsyncActiveCampaignDestination.from_config(CONFIG, http) as destination:
        assert isinstance(destination.client, AsyncActiveCampaign)
    await http.aclose()


def test_an_unexpected_exception_below_the_client_is_a_result_not_a_raise() -> None:
    http = httpx.Client(transport=httpx.MockTransport(_explode))
    destination = ActiveCampaignDestination.from_config(CONFIG, http)
    result = destination.process(IDENTIFY)
    assert (result.status_code, result.retryable) == (500, False)
    assert "RuntimeError" in (result.error or "")
    batch = destination.process_batch([IDENTIFY] * 12)  # 12: the bulk path as well
    assert [r.status_code for r in batch] == [500] * 12


async def test_the_async_batch_never_raises_either() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(_explode))
    destination = AsyncActiveCampaignDestination.from_config(CONFIG, http)
    track = {"type": "track", "event": "E", "properties": {"email": "a@example.com"}}
    results = await destination.process_batch([IDENTIFY] * 11 + [track])
    assert [r.status_code for r in results] == [500] * 12
    await http.aclose()


@pytest.mark.parametrize("line", ['{"type":"identify","traits":{"email":"a\\ud800@x.co"}}'])
def test_dead_letters_survive_lone_surrogates(tmp_path: Path, line: str) -> None:
    [parsed] = list(parse_lines([line]))
    path = tmp_path / "dead.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        writer = DeadLetterWriter(stream)
        destination = ActiveCampaignDestination.from_config(CONFIG)
        writer.write(parsed, destination.process(parsed.message))
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["message"] == parsed.message
    assert record["dead_letter"]["status_code"] == 400


def test_an_async_destination_serves_one_event_loop_after_another() -> None:
    from activecampaign_client.testing import ActiveCampaignEmulator

    emulator = ActiveCampaignEmulator(latency=0.05)  # answers take (simulated) time
    destination = AsyncActiveCampaignDestination(emulator.async_client())

    async def concurrently(messages: list[dict[str, object]]) -> list[int]:
        # Concurrent process() calls wait on the catalog lock while one of them loads it.
        results = await asyncio.gather(*(destination.process(m) for m in messages))
        return [r.status_code for r in results]

    tracks = [
        {"type": "track", "event": "E", "properties": {"email": f"u{n}@example.com"}}
        for n in range(4)
    ]
    pages = [{"type": "page", "properties": {"url": f"https://s{n}.example.com"}} for n in range(4)]
    # Each asyncio.run is a new loop: the lock must not stay bound to the first one.
    assert asyncio.run(concurrently(tracks)) == [200] * 4
    assert asyncio.run(concurrently(pages)) == [200] * 4
