"""Environment defaults, ``with_options`` and the options every method takes per call."""

from __future__ import annotations

import httpx
import pytest

from activecampaign_client import (
    ActiveCampaign,
    AsyncActiveCampaign,
    ConfigurationError,
    InternalServerError,
    InvalidInputError,
)
from activecampaign_client.testing import ActiveCampaignEmulator

from ._support import (
    TEST_ACTID,
    TEST_API_KEY,
    TEST_API_URL,
    TEST_EVENT_KEY,
    FakeServer,
    MockApi,
    reply,
)

ENVIRONMENT = {
    "ACTIVECAMPAIGN_API_URL": "https://fromenv.api-us1.com",
    "ACTIVECAMPAIGN_API_KEY": "key-from-the-environment",
    "ACTIVECAMPAIGN_ACTID": "123456",
    "ACTIVECAMPAIGN_EVENT_KEY": "event-key-from-the-environment",
}
TAG = {"tag": {"id": "3", "tag": "vip"}}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.mark.parametrize("cls", [ActiveCampaign, AsyncActiveCampaign])
def test_settings_not_given_come_from_the_environment(
    environment: pytest.MonkeyPatch, cls: type[ActiveCampaign] | type[AsyncActiveCampaign]
) -> None:
    client = cls()
    assert str(client.config.origin) == "https://fromenv.api-us1.com/"
    assert client.config.api_key == "key-from-the-environment"
    assert (client.config.actid, client.config.event_key) == (
        "123456",
        "event-key-from-the-environment",
    )
    given = cls(TEST_API_URL, TEST_API_KEY, actid=TEST_ACTID)  # arguments win
    assert (given.config.host, given.config.api_key) == ("testaccount.api-us1.com", TEST_API_KEY)
    # An account given in code is never paired with the environment's event key.
    assert (given.config.actid, given.config.event_key) == (TEST_ACTID, None)
    key_from_env = cls(TEST_API_URL)  # the key alone may come from the environment
    assert key_from_env.config.api_key == "key-from-the-environment"
    assert key_from_env.config.event_key is None


@pytest.mark.parametrize(
    ("missing", "argument"),
    [("ACTIVECAMPAIGN_API_URL", "api_url"), ("ACTIVECAMPAIGN_API_KEY", "api_key")],
)
@pytest.mark.parametrize("cls", [ActiveCampaign, AsyncActiveCampaign])
def test_a_required_setting_found_nowhere_is_named(
    environment: pytest.MonkeyPatch,
    missing: str,
    argument: str,
    cls: type[ActiveCampaign] | type[AsyncActiveCampaign],
) -> None:
    environment.setenv(missing, "  ")  # blank counts as unset
    with pytest.raises(ConfigurationError) as caught:
        cls()
    assert f"{argument} was not given and {missing} is not set" in str(caught.value)
    assert "key-from-the-environment" not in str(caught.value)


def test_tracking_without_its_keys_names_their_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("ACTIVECAMPAIGN_ACTID", "ACTIVECAMPAIGN_EVENT_KEY"):
        monkeypatch.delenv(name, raising=False)
    with (
        ActiveCampaign(TEST_API_URL, TEST_API_KEY) as ac,
        pytest.raises(
            ConfigurationError, match="ACTIVECAMPAIGN_ACTID and ACTIVECAMPAIGN_EVENT_KEY"
        ),
    ):
        ac.event_tracking.track("Signed Up", email="jane@example.com")


async def test_with_options_changes_only_what_it_is_given(mock_api: MockApi) -> None:
    server = FakeServer(reply(503, text="busy"))
    api = mock_api(server, max_retries=2)
    patient = api.client.with_options(timeout=120, max_retries=0, deadline=300)
    assert type(patient) is type(api.client)
    assert patient.config.timeout.read == 120.0 and patient.config.attempt_timeout == 120.0
    assert api.client.config.timeout.read != 120.0  # the original is unchanged
    with pytest.raises(InternalServerError):
        await api(patient.tags.get, 3)
    assert len(server.requests) == 1  # no retry
    assert server.requests[0].extensions["timeout"]["read"] == 120.0
    with pytest.raises(InternalServerError):
        await api(api.tags.get, 3)
    assert len(server.requests) == 4  # the original still retries twice
    assert (patient.requests_sent, api.requests_sent) == (1, 3)  # each counts its own


async def test_with_options_shares_the_pool_budget_and_clock(mock_api: MockApi) -> None:
    api = mock_api(FakeServer(reply(json=TAG)))
    derived = api.client.with_options(timeout=5)
    original_driver, derived_driver = api.client._driver, derived._driver
    assert derived_driver.ctx.limiters["api"] is original_driver.ctx.limiters["api"]
    assert derived_driver._slots is original_driver._slots
    assert derived.clock is api.client.clock
    if isinstance(api.client, ActiveCampaign):
        assert derived_driver.http is original_driver.http  # type: ignore[union-attr]
        derived.close()  # owns nothing: the shared pool stays open
        assert not original_driver.http.is_closed  # type: ignore[union-attr]
    else:
        assert derived_driver._clients is original_driver._clients  # type: ignore[union-attr]


def test_clients_from_with_options_keep_one_rate_budget() -> None:
    emu = ActiveCampaignEmulator()
    with emu.client() as ac:
        quick = ac.with_options(timeout=1)
        for n in range(8):
            (ac if n % 2 else quick).tags.create(f"tag {n}")
    assert [r.status for r in emu.requests] == [201] * 8  # no 429: one budget for both
    starts = [r.time for r in emu.requests]
    assert starts[5] - starts[0] >= 1.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"deadline": "soon"}, "deadline"),
        ({"requests_per_second": 2}, "not requests_per_second"),
    ],
)
def test_with_options_refuses_bad_settings(overrides: dict[str, object], message: str) -> None:
    with (
        ActiveCampaign(TEST_API_URL, TEST_API_KEY) as ac,
        pytest.raises(ConfigurationError, match=message),
    ):
        ac.with_options(**overrides)  # type: ignore[arg-type]


async def test_per_call_options_reach_every_request(mock_api: MockApi) -> None:
    def tags(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        page = [{"id": str(n), "tag": f"t{n}"} for n in range(offset, min(offset + 2, 3))]
        return httpx.Response(200, json={"tags": page, "meta": {"total": "3"}})

    server = FakeServer(tags)
    api = mock_api(server)
    listing = api.tags.list(
        page_size=2,
        extra_headers={"X-Trace": "abc"},
        extra_query={"filters[search][neq]": "x"},
        timeout=7,
    )
    assert len(await api.all(listing)) == 3
    assert len(server.requests) == 2
    for request in server.requests:
        assert request.headers["X-Trace"] == "abc"
        assert request.headers["Api-Token"] == TEST_API_KEY  # untouched
        assert request.url.params["filters[search][neq]"] == "x"
        assert request.extensions["timeout"]["read"] == 7.0


async def test_per_call_options_on_a_method_and_its_operation(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=TAG))
    api = mock_api(server)
    await api(api.tags.get, 3, extra_headers={"User-Agent": "my-app/1.0"}, timeout=2.5)
    first = server.requests[-1]
    assert first.headers["User-Agent"] == "my-app/1.0"
    assert first.extensions["timeout"]["connect"] == 2.5
    operation = api.tags.get.operation(3, extra_query={"include": "contactGoalTags"})
    await api(api.run, operation)
    assert server.requests[-1].url.params["include"] == "contactGoalTags"
    await api(api.tags.get, 3)  # none: the client's own
    assert "include" not in server.requests[-1].url.params
    assert server.requests[-1].headers["User-Agent"].startswith("activecampaign-client-python/")


async def test_tracking_takes_them_too(mock_api: MockApi) -> None:
    server = FakeServer(reply(json={"success": 1, "message": "Event spawned"}))
    api = mock_api(server, actid=TEST_ACTID, event_key=TEST_EVENT_KEY)
    await api(api.event_tracking.track, "Signed Up", email="a@example.com", timeout=3)
    assert server.requests[0].extensions["timeout"]["read"] == 3.0


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"extra_headers": {"Api-Token": "other"}}, "extra_headers"),
        ({"extra_headers": {"content-type": "text/plain"}}, "extra_headers"),
        ({"extra_headers": {"X-A": "line\r\nbreak"}}, "extra_headers"),
        ({"extra_headers": ["X-A"]}, "extra_headers"),
        ({"extra_query": {"limit": 1.5}}, "extra_query"),
        ({"timeout": -1}, "timeout"),
    ],
)
async def test_bad_options_are_refused_before_sending(
    mock_api: MockApi, options: dict[str, object], field: str
) -> None:
    server = FakeServer(reply(json=TAG))
    api = mock_api(server)
    with pytest.raises(InvalidInputError) as caught:
        await api(api.tags.get, 3, **options)
    assert caught.value.field == field
    assert server.requests == []
