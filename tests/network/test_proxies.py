"""Plain http (loopback only) never goes through a proxy: the Api-Token and the event key
would cross it in clear. https follows the environment, as httpx does."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign, ConfigurationError

from ._servers import ConnectionRecorder, json_answer, serving

KEY = "network-test-key-0123456789"
SPAWNED = b'{"success":1,"message":"Event spawned"}'


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ConnectionRecorder]:
    """A proxy named by every proxy variable, which records any connection made to it."""
    recorder = ConnectionRecorder()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, recorder.url)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield recorder
    finally:
        recorder.close()


def _answer(handler: object) -> None:
    from ._servers import Handler

    assert isinstance(handler, Handler)
    body = SPAWNED if handler.path.startswith("/event") else b'{"tag":{"id":"1","tag":"vip"}}'
    handler.body()
    handler.reply(200, body)


def test_the_sync_client_goes_straight_to_a_loopback_account(proxy: ConnectionRecorder) -> None:
    with (
        serving(_answer) as server,
        ActiveCampaign(
            server.url,
            KEY,
            actid="1",
            event_key="event-key-0123",
            tracking_url=server.url + "/event",
            requests_per_second=None,
        ) as client,
    ):
        assert client.tags.get(1).id == "1"
        client.event_tracking.track("signup", email="a@example.com")
        # https is the environment's business, as with httpx itself.
        http = client._driver.http
        assert http._transport_for_url(httpx.URL("https://trackcmp.net/event")) is not (
            http._transport
        )
    assert [path for _, path, _ in server.requests] == ["/api/3/tags/1", "/event"]
    assert proxy.connections == 0


async def test_the_async_client_goes_straight_to_a_loopback_account(
    proxy: ConnectionRecorder,
) -> None:
    with serving(_answer) as server:
        async with AsyncActiveCampaign(server.url, KEY, requests_per_second=None) as client:
            assert (await client.tags.get(1)).id == "1"
    assert len(server.requests) == 1
    assert proxy.connections == 0


def test_an_http_client_that_would_proxy_plain_http_is_refused(
    proxy: ConnectionRecorder,
) -> None:
    with serving(json_answer()) as server:
        with httpx.Client() as trusting, pytest.raises(ConfigurationError) as caught:
            ActiveCampaign(server.url, KEY, http_client=trusting)
        assert "http_client" in str(caught.value) and KEY not in str(caught.value)
        with httpx.Client(trust_env=False) as plain:
            client = ActiveCampaign(server.url, KEY, http_client=plain, requests_per_second=None)
            assert client.tags.get(1).id == "1"
    assert proxy.connections == 0
