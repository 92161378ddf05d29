"""Context managers close the HTTP client the ActiveCampaign client created, never the user's."""

from __future__ import annotations

import httpx
import pytest

from activecampaign_client import ActiveCampaign, APIConnectionError, AsyncActiveCampaign

from ._support import TEST_API_KEY, TEST_API_URL, FakeClock, FakeServer, reply

TAG = {"tag": {"id": "1", "tag": "vip"}}


def test_sync_client_closes_its_own_http_client() -> None:
    with ActiveCampaign(TEST_API_URL, TEST_API_KEY) as client:
        http = client._driver.http
        assert not http.is_closed
    assert http.is_closed


async def test_async_client_closes_its_own_http_client() -> None:
    async with AsyncActiveCampaign(TEST_API_URL, TEST_API_KEY) as client:
        http = client._driver.http
        assert not http.is_closed
    assert http.is_closed


def test_sync_client_leaves_a_given_http_client_open() -> None:
    server = FakeServer(reply(json=TAG))
    with httpx.Client(transport=httpx.MockTransport(server)) as http:
        with ActiveCampaign(
            TEST_API_URL, TEST_API_KEY, http_client=http, clock=FakeClock()
        ) as client:
            client.tags.get(1)
        assert not http.is_closed
        # Still usable by its owner, and by a new client on it.
        ActiveCampaign(TEST_API_URL, TEST_API_KEY, http_client=http, clock=FakeClock()).tags.get(1)
    assert len(server.requests) == 2


async def test_async_client_leaves_a_given_http_client_open() -> None:
    server = FakeServer(reply(json=TAG))
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as http:
        async with AsyncActiveCampaign(
            TEST_API_URL, TEST_API_KEY, http_client=http, clock=FakeClock()
        ) as client:
            await client.tags.get(1)
        assert not http.is_closed
        await AsyncActiveCampaign(
            TEST_API_URL, TEST_API_KEY, http_client=http, clock=FakeClock()
        ).tags.get(1)
    assert len(server.requests) == 2


def test_close_without_a_with_block() -> None:
    client = ActiveCampaign(TEST_API_URL, TEST_API_KEY)
    client.close()
    assert client._driver.http.is_closed


async def test_aclose_without_an_async_with_block() -> None:
    client = AsyncActiveCampaign(TEST_API_URL, TEST_API_KEY)
    http = client._driver.http
    await client.aclose()
    assert http.is_closed and client._driver.http is http


def test_client_is_closed_even_when_the_block_raises() -> None:
    client = ActiveCampaign(TEST_API_URL, TEST_API_KEY)
    with pytest.raises(KeyError), client:
        raise KeyError("boom")
    assert client._driver.http.is_closed


async def test_a_given_client_used_on_a_closed_loop_fails_inside_the_error_tree() -> None:
    # What httpx raises when an AsyncClient's pooled connection belongs to a loop that is
    # closed (one asyncio.run per batch, with a client of the user's): ours to name.
    def closed_loop(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("Event loop is closed")

    async with httpx.AsyncClient(transport=httpx.MockTransport(closed_loop)) as http:
        client = AsyncActiveCampaign(
            TEST_API_URL, TEST_API_KEY, http_client=http, max_retries=0, clock=FakeClock()
        )
        with pytest.raises(APIConnectionError) as caught:
            await client.tags.get(1)
    assert "another event loop" in str(caught.value)
    assert caught.value.retryable


async def test_other_runtime_errors_are_not_disguised() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug")

    async with httpx.AsyncClient(transport=httpx.MockTransport(broken)) as http:
        client = AsyncActiveCampaign(
            TEST_API_URL, TEST_API_KEY, http_client=http, clock=FakeClock()
        )
        with pytest.raises(RuntimeError, match="a bug"):
            await client.tags.get(1)
