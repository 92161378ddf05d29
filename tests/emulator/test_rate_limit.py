"""The account limit: at most 5 requests in any 1-second window, on the emulator's clock."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from activecampaign_client import RateLimitError
from activecampaign_client.testing import ActiveCampaignEmulator


def _get_tags(emu: ActiveCampaignEmulator, http: httpx.Client) -> httpx.Response:
    return http.get(emu.api_url + "/api/3/tags", headers={"Api-Token": emu.api_key})


def test_a_burst_beyond_five_in_a_second_gets_429_with_retry_after() -> None:
    emu = ActiveCampaignEmulator()
    with httpx.Client(transport=emu.transport()) as http:
        answers = [_get_tags(emu, http) for _ in range(8)]
        assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
        assert answers[-1].headers["Retry-After"] == "1"
        assert "message" in answers[-1].json()
        emu.clock.sleep(0.999)
        assert _get_tags(emu, http).status_code == 429
        emu.clock.sleep(0.001)
        assert _get_tags(emu, http).status_code == 200
    assert [r.fault for r in emu.requests] == [None] * 10  # throttling is not a fault


def test_the_window_slides() -> None:
    emu = ActiveCampaignEmulator()
    with httpx.Client(transport=emu.transport()) as http:
        statuses = []
        for _ in range(16):  # one request every 1/8 s: at most 5 in any second
            statuses.append(_get_tags(emu, http).status_code)
            emu.clock.sleep(0.125)
    assert statuses == ([200] * 5 + [429] * 3) * 2


def test_a_client_without_its_limiter_is_refused() -> None:
    emu = ActiveCampaignEmulator()
    tag = emu.add_tag("vip")
    with emu.client(requests_per_second=None, max_retries=0) as client:
        for _ in range(5):
            client.tags.get(tag)
        with pytest.raises(RateLimitError) as caught:
            client.contacts.get(1)
    assert caught.value.retry_after == 1.0


def test_a_client_without_its_limiter_recovers_by_retry_after() -> None:
    emu = ActiveCampaignEmulator()
    tag = emu.add_tag("vip")
    with emu.client(requests_per_second=None) as client:
        for _ in range(10):
            client.tags.get(tag)
    assert [r.status for r in emu.requests].count(429) > 0
    assert emu.requests[-1].status == 200


def test_the_default_client_never_gets_a_429_sync() -> None:
    emu = ActiveCampaignEmulator()
    tag = emu.add_tag("vip")
    with emu.client() as client:
        for _ in range(200):
            client.tags.get(tag)
    assert len(emu.requests) == 200
    assert {r.status for r in emu.requests} == {200}
    # 5 a second, simulated: 39 windows of 1 s plus the limiter's 30 ms safety margin.
    assert emu.clock.now() == pytest.approx(39 * 1.03, abs=0.1)


async def test_the_default_client_never_gets_a_429_with_200_concurrent_tasks() -> None:
    emu = ActiveCampaignEmulator()
    tag = emu.add_tag("vip")
    async with emu.async_client() as client:
        await asyncio.gather(*(client.tags.get(tag) for _ in range(200)))
    assert len(emu.requests) == 200
    assert {r.status for r in emu.requests} == {200}
    # Concurrency on the simulated clock: the budget, not the sum of the waits, sets the pace.
    assert emu.clock.now() == pytest.approx(39 * 1.03, abs=0.1)


@pytest.mark.parametrize("rate", [1.0, 2.5, 10.0])
def test_client_and_emulator_agree_on_any_rate(rate: float) -> None:
    emu = ActiveCampaignEmulator(rate_limit=rate)
    tag = emu.add_tag("vip")
    with emu.client(requests_per_second=rate) as client:
        for _ in range(30):
            client.tags.get(tag)
    assert {r.status for r in emu.requests} == {200}


def test_no_limit_when_rate_limit_is_none() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    with httpx.Client(transport=emu.transport()) as http:
        assert {_get_tags(emu, http).status_code for _ in range(50)} == {200}


def test_trackcmp_is_not_on_the_account_budget() -> None:
    emu = ActiveCampaignEmulator()
    emu.add_event_name("e")
    with emu.client() as client:
        for _ in range(20):
            client.event_tracking.track("e", email="a@example.com")
    assert len(emu.tracked_events) == 20
    assert emu.clock.now() == 0.0


def test_a_bad_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="rate_limit"):
        ActiveCampaignEmulator(rate_limit=0)
