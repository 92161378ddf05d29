"""``tracking_url``: events recorded somewhere other than trackcmp.net (a local server),
under the same https-or-loopback rule as the account URL."""

from __future__ import annotations

import pytest

from activecampaign_client import ConfigurationError

from ._support import TEST_API_KEY, FakeClock, FakeServer, MockApi, make_client, reply

SPAWNED = {"success": 1, "message": "Event spawned"}


async def test_events_go_to_the_tracking_url_given(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=SPAWNED))
    api = mock_api(server, tracking_url="http://127.0.0.1:8123/event")
    await api(api.event_tracking.track, "purchase", email="jane@example.com")
    [request] = server.requests
    assert str(request.url) == "http://127.0.0.1:8123/event"
    assert "Api-Token" not in request.headers
    assert TEST_API_KEY not in request.content.decode()


async def test_the_default_is_trackcmp(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=SPAWNED))
    api = mock_api(server)
    await api(api.event_tracking.track, "purchase", email="jane@example.com")
    assert str(server.requests[0].url) == "https://trackcmp.net/event"
    assert str(api.config.tracking_url) == "https://trackcmp.net/event"


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        ("http://events.example.com/event", "https"),
        ("ftp://127.0.0.1/event", "absolute https URL"),
        ("https://user:pw@events.example.com/event", "credentials"),
        ("https://events.example.com/event?key=1", "query"),
        ("", "must be a URL"),
    ],
)
def test_a_tracking_url_that_would_leak_or_cannot_work_is_refused(
    flavour: str, given: str, hint: str
) -> None:
    with pytest.raises(ConfigurationError, match=hint) as caught:
        make_client(flavour, FakeClock(), tracking_url=given)
    assert "tracking_url" in str(caught.value)
