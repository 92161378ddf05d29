"""An ``http_client`` you pass keeps its settings: its default headers travel with every
request (ours win where they must) and its timeout applies when you give none. Keys that
cannot travel in a header are refused at construction, without echoing them."""

from __future__ import annotations

import httpx
import pytest

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign, ConfigurationError
from activecampaign_client._requests import _USER_AGENT

from ._support import TEST_ACTID, TEST_API_KEY, TEST_API_URL, TEST_EVENT_KEY, FakeClock, FakeServer

TAG = {"tag": {"id": "1", "tag": "vip"}}
SPAWNED = {"success": 1, "message": "Event spawned"}
USER_HEADERS = {
    "X-Trace": "trace-42",
    "User-Agent": "MyApp/1.0",
    "Accept": "text/plain",
    "Content-Type": "text/plain",
    "Api-Token": "a-token-the-user-set-by-mistake",
}


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=SPAWNED if request.url.host == "trackcmp.net" else TAG)


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_the_user_clients_headers_are_merged_into_every_request(flavour: str) -> None:
    server = FakeServer(_answer)
    options = {"actid": TEST_ACTID, "event_key": TEST_EVENT_KEY, "clock": FakeClock()}
    transport = httpx.MockTransport(server)
    if flavour == "sync":
        with httpx.Client(headers=USER_HEADERS, transport=transport) as http:
            client = ActiveCampaign(TEST_API_URL, TEST_API_KEY, http_client=http, **options)  # type: ignore[arg-type]
            client.tags.create("vip")
            client.event_tracking.track("signup", email="a@example.com")
    else:
        async with httpx.AsyncClient(headers=USER_HEADERS, transport=transport) as ahttp:
            aclient = AsyncActiveCampaign(TEST_API_URL, TEST_API_KEY, http_client=ahttp, **options)  # type: ignore[arg-type]
            await aclient.tags.create("vip")
            await aclient.event_tracking.track("signup", email="a@example.com")
    account, trackcmp = server.requests
    for request in (account, trackcmp):
        assert request.headers["X-Trace"] == "trace-42"
        assert request.headers["User-Agent"] == f"MyApp/1.0 {_USER_AGENT}"
        assert request.headers["Accept"] == "application/json"
        assert request.headers["Accept-Encoding"] == "gzip, deflate"
    assert account.headers["Content-Type"] == "application/json"
    assert trackcmp.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert account.headers["Api-Token"] == TEST_API_KEY
    assert "Api-Token" not in trackcmp.headers  # the key goes to the account host only


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_the_user_clients_timeout_applies_when_none_is_given(flavour: str) -> None:
    server = FakeServer(_answer)
    timeout = httpx.Timeout(7.0, connect=2.0)
    transport = httpx.MockTransport(server)
    if flavour == "sync":
        with httpx.Client(timeout=timeout, transport=transport) as http:
            client = ActiveCampaign(TEST_API_URL, TEST_API_KEY, http_client=http, clock=FakeClock())
            client.tags.get(1)
            config = client.config
    else:
        async with httpx.AsyncClient(timeout=timeout, transport=transport) as ahttp:
            aclient = AsyncActiveCampaign(
                TEST_API_URL, TEST_API_KEY, http_client=ahttp, clock=FakeClock()
            )
            await aclient.tags.get(1)
            config = aclient.config
    assert server.requests[0].extensions["timeout"] == timeout.as_dict()
    assert config.timeout == timeout and config.attempt_timeout == 7.0


def test_a_timeout_given_wins_over_the_user_clients() -> None:
    with httpx.Client(timeout=7.0) as http:
        client = ActiveCampaign(TEST_API_URL, TEST_API_KEY, http_client=http, timeout=3.0)
    assert client.config.timeout == httpx.Timeout(3.0, connect=3.0)


def test_without_an_http_client_the_default_timeout_applies() -> None:
    client = ActiveCampaign(TEST_API_URL, TEST_API_KEY)
    assert client.config.timeout == httpx.Timeout(30.0, connect=5.0)
    assert client.config.attempt_timeout == 30.0
    client.close()


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("api_key", "abc\x00def0123"),
        ("api_key", "clé-0123456789"),
        ("api_key", "abc\tdef0123"),
        ("event_key", "zq\x7fwith-delete"),
        ("event_key", "ключ-0123456789"),
        ("actid", "12\u200b34"),
    ],
)
def test_keys_that_are_not_printable_ascii_are_refused_by_name(parameter: str, value: str) -> None:
    arguments = {"api_key": TEST_API_KEY, "actid": TEST_ACTID, "event_key": TEST_EVENT_KEY}
    arguments[parameter] = value
    with pytest.raises(ValueError) as caught:
        ActiveCampaign(TEST_API_URL, **arguments)  # type: ignore[arg-type]
    assert isinstance(caught.value, ConfigurationError)
    message = str(caught.value)
    assert message.startswith(parameter) and "printable ASCII" in message
    assert value not in message and value[:3] not in message
