"""Secrets stay where they belong: the Api-Token on the account host only, and no key in any
repr, str or error message."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest

from activecampaign_client import ActiveCampaignError, ConfigurationError, InternalServerError

from ._support import (
    TEST_ACTID,
    TEST_API_KEY,
    TEST_EVENT_KEY,
    Answer,
    FakeClock,
    FakeServer,
    MockApi,
    make_client,
    reply,
)

TAG = {"tag": {"id": "16", "tag": "vip"}}
SPAWNED = {"success": 1, "message": "Event spawned"}
SECRETS = (TEST_API_KEY, TEST_EVENT_KEY)


def form_of(request: httpx.Request) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(request.content.decode()).items()}


async def test_api_token_goes_to_the_account_host_only(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=TAG), reply(json=SPAWNED))
    api = mock_api(server)
    await api(api.tags.get, 16)
    await api(api.event_tracking.track, "purchase", email="jane@example.com")
    account_call, trackcmp_call = server.requests
    assert account_call.url.host == "testaccount.api-us1.com"
    assert account_call.headers["Api-Token"] == TEST_API_KEY
    assert trackcmp_call.url == "https://trackcmp.net/event"
    assert "Api-Token" not in trackcmp_call.headers
    assert TEST_API_KEY not in trackcmp_call.content.decode()
    assert form_of(trackcmp_call)["actid"] == TEST_ACTID
    assert form_of(trackcmp_call)["key"] == TEST_EVENT_KEY


async def test_a_quote_in_the_email_survives_in_visit(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=SPAWNED))
    api = mock_api(server)
    email = 'o"brien\\jr@example.com'
    await api(api.event_tracking.track, "purchase", email=email, eventdata={"sku": "A-1"})
    form = form_of(server.requests[0])
    assert json.loads(form["visit"]) == {"email": email}
    assert json.loads(form["eventdata"]) == {"sku": "A-1"}
    assert form["event"] == "purchase"


async def test_string_eventdata_is_sent_as_is(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=SPAWNED))
    api = mock_api(server)
    await api(api.event_tracking.track, "purchase", email="jane@example.com", eventdata="A-1")
    assert form_of(server.requests[0])["eventdata"] == "A-1"


@pytest.mark.parametrize(
    "missing", [{"actid": None}, {"event_key": None}, {"actid": None, "event_key": None}]
)
async def test_track_without_credentials_says_where_to_find_them(
    mock_api: MockApi, missing: dict[str, None]
) -> None:
    server = FakeServer(reply(json=SPAWNED))
    api = mock_api(server, **missing)
    with pytest.raises(ConfigurationError) as caught:
        await api(api.event_tracking.track, "purchase", email="jane@example.com")
    message = str(caught.value)
    assert "actid" in message
    assert "event_key" in message
    assert "Settings > Tracking > Event Tracking" in message
    assert server.requests == []


def test_client_repr_and_str_hide_the_secrets(flavour: str) -> None:
    api = make_client(flavour, FakeClock(), api_key=TEST_API_KEY, event_key=TEST_EVENT_KEY)
    for text in (repr(api.client), str(api.client), repr(api.config), str(api.config)):
        assert "testaccount.api-us1.com" in text or "***" in text
        for secret in (*SECRETS, TEST_ACTID):
            assert secret not in text
    for resource in (api.contacts, api.event_tracking, api.event_tracking.track):
        for secret in SECRETS:
            assert secret not in repr(resource)


# Every way a call can fail, with an answer that echoes the request where it could.
FAILURES: list[tuple[str, Answer]] = [
    ("400", reply(400, json={"message": "bad"})),
    ("401", reply(401, text="Unauthorized")),
    ("403", reply(403, json={"errors": [{"title": "Forbidden"}]})),
    ("404", reply(404, json={"message": "No Result found"})),
    ("409", reply(409, json={})),
    ("422", reply(422, json={"errors": [{"title": "Invalid", "source": {"pointer": "/x"}}]})),
    ("429", reply(429, json={}, headers={"Retry-After": "1"})),
    ("500", reply(500, text="<html><body>Internal error</body></html>")),
    ("302", reply(302, headers={"Location": "https://acct.activehosted.com/admin/"})),
    ("html-200", reply(text="<!DOCTYPE html><html><title>Login</title></html>")),
    ("garbled-200", reply(text="{not json")),
    ("shape", reply(json={"tag": {"name": "no id"}})),
    ("connect", httpx.ConnectError("connection refused")),
    ("timeout", httpx.ReadTimeout("timed out")),
    ("protocol", httpx.RemoteProtocolError("peer closed connection")),
]


def assert_no_secret(error: BaseException) -> None:
    texts = [repr(error), str(error), *map(str, error.args), repr(vars(error))]
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"{type(error).__name__} leaks a secret: {text}"


@pytest.mark.parametrize(("name", "answer"), FAILURES, ids=[name for name, _ in FAILURES])
async def test_no_error_reveals_a_secret(mock_api: MockApi, name: str, answer: Answer) -> None:
    server = FakeServer(answer)
    api = mock_api(server, max_retries=0)
    with pytest.raises(ActiveCampaignError) as on_account:
        await api(api.tags.get, 16)
    assert_no_secret(on_account.value)
    with pytest.raises(ActiveCampaignError) as on_trackcmp:
        await api(api.event_tracking.track, "purchase", email="jane@example.com")
    assert_no_secret(on_trackcmp.value)


async def test_refused_event_error_reveals_no_secret(mock_api: MockApi) -> None:
    server = FakeServer(reply(json={"success": 0, "message": "Invalid key"}))
    api = mock_api(server)
    with pytest.raises(ActiveCampaignError) as caught:
        await api(api.event_tracking.track, "purchase", email="jane@example.com")
    assert_no_secret(caught.value)
    assert "Invalid key" in str(caught.value)


async def test_configuration_and_input_errors_reveal_no_secret(flavour: str) -> None:
    with pytest.raises(ConfigurationError) as bad_url:
        make_client(flavour, FakeClock(), api_url=f"http://{TEST_API_KEY}.example.com")
    assert_no_secret(bad_url.value)
    with pytest.raises(ConfigurationError) as bad_url_with_key:
        make_client(flavour, FakeClock(), api_url=f"https://x:{TEST_EVENT_KEY}@acct.api-us1.com")
    assert_no_secret(bad_url_with_key.value)


async def test_an_html_page_from_trackcmp_does_not_blame_the_api_key(mock_api: MockApi) -> None:
    # The Api-Token is never sent to trackcmp.net; its HTML page says nothing about it.
    page = "<!doctype html><html><body>Service Unavailable</body></html>"
    server = FakeServer(reply(text=page, headers={"Content-Type": "text/html"}))
    api = mock_api(server, max_retries=0)
    with pytest.raises(InternalServerError) as caught:
        await api(api.event_tracking.track, "purchase", email="jane@example.com")
    message = str(caught.value)
    assert "API key" not in message and "Settings > Developer" not in message
    assert "actid" in message and "event key" in message and "try again later" in message
    assert caught.value.retryable
