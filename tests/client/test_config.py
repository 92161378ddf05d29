"""Constructor contract: the account URL as users copy it, and settings refused early."""

from __future__ import annotations

import httpx
import pytest

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign, ConfigurationError

from ._support import TEST_API_KEY, FakeClock, FakeServer, MockApi, make_client, reply

ACCOUNT = "https://acct.api-us1.com"


@pytest.mark.parametrize(
    "given",
    [
        "https://acct.api-us1.com",
        "https://acct.api-us1.com/",
        "https://acct.api-us1.com/api/3",
        "https://acct.api-us1.com/api/3/",
        "  https://acct.api-us1.com/api/3  ",
        "HTTPS://ACCT.API-US1.COM",
    ],
)
async def test_account_url_is_accepted_as_users_copy_it(mock_api: MockApi, given: str) -> None:
    server = FakeServer(reply(json={"tag": {"id": "1", "tag": "vip"}}))
    api = mock_api(server, api_url=given)
    await api(api.tags.get, 1)
    [request] = server.requests
    assert str(request.url) == "https://acct.api-us1.com/api/3/tags/1"
    assert str(api.config.origin) == "https://acct.api-us1.com/"


async def test_list_calls_have_no_double_slash(mock_api: MockApi) -> None:
    server = FakeServer(reply(json={"tags": [], "meta": {"total": "0"}}))
    api = mock_api(server, api_url="https://acct.api-us1.com/api/3/")
    assert await api.all(api.tags.list(search="a b")) == []
    [request] = server.requests
    assert request.url.path == "/api/3/tags"
    assert "//" not in request.url.raw_path.decode()
    assert dict(request.url.params) == {"search": "a b", "limit": "100", "offset": "0"}


@pytest.mark.parametrize(
    "given",
    [
        "http://localhost:8080",
        "http://127.0.0.1:9000/api/3",
        "http://[::1]:8000/",
        "http://emulator.localhost",
    ],
)
def test_plain_http_is_allowed_for_loopback_only(flavour: str, given: str) -> None:
    client = make_client(flavour, FakeClock(), api_url=given)
    assert client.config.origin.scheme == "http"


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        ("http://acct.api-us1.com", "https"),
        ("http://10.0.0.5", "https"),
        ("", "Settings > Developer"),
        ("   ", "Settings > Developer"),
        ("acct.api-us1.com", "https"),
        ("ftp://acct.api-us1.com", "https"),
        ("https://acct.api-us1.com/admin", "unexpected path"),
        ("https://acct.api-us1.com/api/3/contacts", "unexpected path"),
        ("https://user:pw@acct.api-us1.com", "credentials"),
        ("https://acct.api-us1.com/?x=1", "query"),
    ],
)
def test_unusable_account_urls_are_refused(flavour: str, given: str, hint: str) -> None:
    with pytest.raises(ConfigurationError, match=hint.replace(">", r"\>")):
        make_client(flavour, FakeClock(), api_url=given)


@pytest.mark.parametrize("key", ["", "   ", "abc\ndef"])
def test_missing_or_broken_api_key_is_refused(flavour: str, key: str) -> None:
    with pytest.raises(ConfigurationError, match="api_key"):
        make_client(flavour, FakeClock(), api_key=key)


@pytest.mark.parametrize(
    "options",
    [
        {"max_retries": -1},
        {"max_retries": True},
        {"max_retries": 1.5},
        {"timeout": 0},
        {"timeout": -3.0},
        {"requests_per_second": 0},
        {"actid": 12345},
    ],
    ids=repr,
)
def test_nonsense_settings_are_refused(flavour: str, options: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        make_client(flavour, FakeClock(), **options)


def test_configuration_errors_are_value_errors() -> None:
    with pytest.raises(ValueError):
        ActiveCampaign("http://acct.api-us1.com", TEST_API_KEY)


def test_timeout_accepts_seconds_or_an_httpx_timeout() -> None:
    assert ActiveCampaign(ACCOUNT, TEST_API_KEY, timeout=12).config.timeout.read == 12.0
    custom = httpx.Timeout(3.0, connect=1.0)
    assert AsyncActiveCampaign(ACCOUNT, TEST_API_KEY, timeout=custom).config.timeout == custom


async def test_timeout_reaches_every_request(mock_api: MockApi) -> None:
    server = FakeServer(reply(json={"tag": {"id": "1", "tag": "vip"}}))
    api = mock_api(server, timeout=7.0)
    await api(api.tags.get, 1)
    assert server.requests[0].extensions["timeout"]["read"] == 7.0
