"""A client pointed at the emulator's transport without the emulator's clock is told so at
its first request, instead of earning a 429 at its sixth with nothing naming the cause."""

from __future__ import annotations

import httpx
import pytest

from activecampaign_client import (
    ActiveCampaign,
    AsyncActiveCampaign,
    ConfigurationError,
    SystemClock,
)
from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock
from rudder_mapper import ActiveCampaignDestination

MESSAGE = r"clock=emu\.clock"


def _options(emu: ActiveCampaignEmulator) -> dict[str, str]:
    return {"api_url": emu.api_url, "api_key": emu.api_key}


def test_a_client_on_another_clock_fails_its_first_request() -> None:
    emu = ActiveCampaignEmulator()
    with (
        httpx.Client(transport=emu.transport()) as http,
        ActiveCampaign(**_options(emu), http_client=http) as ac,
        pytest.raises(ConfigurationError, match=MESSAGE) as caught,
    ):
        ac.tags.get(1)
    assert "SystemClock" in str(caught.value) and "SimulatedClock" in str(caught.value)
    assert emu.requests == []  # refused before the emulator served (or counted) anything


async def test_an_async_client_on_another_clock_fails_its_first_request() -> None:
    emu = ActiveCampaignEmulator()
    async with httpx.AsyncClient(transport=emu.async_transport()) as http:
        ac = AsyncActiveCampaign(**_options(emu), http_client=http, clock=SimulatedClock())
        with pytest.raises(ConfigurationError, match=MESSAGE):
            await ac.contacts.sync("jane@example.com")
    assert emu.requests == []


def test_with_the_emulators_clock_the_budget_is_kept() -> None:
    emu = ActiveCampaignEmulator()
    with (
        httpx.Client(transport=emu.transport()) as http,
        ActiveCampaign(**_options(emu), http_client=http, clock=emu.clock) as ac,
    ):
        for n in range(12):
            ac.tags.create(f"tag {n}")
    assert [r.status for r in emu.requests] == [201] * 12  # no 429: paced on one timeline
    assert emu.clock.now() >= 2.0


def test_two_real_clocks_keep_the_same_time() -> None:
    emu = ActiveCampaignEmulator(clock=SystemClock(), rate_limit=None)
    with (
        httpx.Client(transport=emu.transport()) as http,
        ActiveCampaign(**_options(emu), http_client=http, requests_per_second=None) as ac,
    ):
        assert ac.tags.create("vip").name == "vip"  # a SystemClock of its own: allowed


def test_plain_httpx_requests_are_served_as_before() -> None:
    emu = ActiveCampaignEmulator()
    with httpx.Client(transport=emu.transport()) as http:
        response = http.get(f"{emu.api_url}/api/3/tags", headers={"Api-Token": emu.api_key})
    assert response.status_code == 200


def test_a_destination_on_the_emulator_needs_its_clock_too() -> None:
    emu = ActiveCampaignEmulator()
    config = {"apiUrl": emu.api_url, "apiKey": emu.api_key, "actid": emu.actid}
    config["eventKey"] = emu.event_key
    identify = {"type": "identify", "userId": "u1", "traits": {"email": "jane@example.com"}}
    with ActiveCampaignDestination.from_config(
        config, httpx.Client(transport=emu.transport())
    ) as dest:
        result = dest.process(identify)
    assert (result.status_code, result.field) == (400, "config")
    assert "clock=emu.clock" in str(result.error)
    with ActiveCampaignDestination.from_config(
        config, httpx.Client(transport=emu.transport()), clock=emu.clock
    ) as dest:
        assert dest.process(identify).delivered
