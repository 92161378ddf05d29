"""Deadlines on the client's clock: a call that cannot finish in time fails as
APITimeoutError instead of waiting; each attempt's timeouts never exceed the time left.
(Trickling servers, on real sockets: tests/network/test_deadlines.py.)"""

from __future__ import annotations

import httpx
import pytest

from activecampaign_client import (
    APITimeoutError,
    ConfigurationError,
    InternalServerError,
)

from ._support import TEST_API_KEY, TEST_API_URL, FakeServer, MockApi, make_client, reply

TAG = {"tag": {"id": "1", "tag": "vip"}}


async def test_a_call_that_would_wait_past_its_deadline_fails_at_once(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=TAG))
    api = mock_api(server, deadline=0.5)
    for n in range(5):
        await api(api.tags.get, n)
    with pytest.raises(APITimeoutError) as caught:
        await api(api.tags.get, 6)  # its start is a window away
    error = caught.value
    assert error.never_sent and error.retryable
    assert "0.5s deadline" in str(error) and "rate limit" in str(error)
    assert len(server.requests) == 5
    assert api.clock.sleeps == []  # nothing was waited for in vain
    assert api._driver.ctx.limiters["api"].pending() == 0


async def test_the_deadline_covers_retries_and_their_waits(mock_api: MockApi) -> None:
    server = FakeServer(reply(500, json={"message": "boom"}))
    api = mock_api(server, deadline=1.0, max_retries=5)
    with pytest.raises(APITimeoutError) as caught:
        await api(api.tags.get, 1)
    assert isinstance(caught.value.__cause__, InternalServerError)
    assert "retrying after InternalServerError (HTTP 500)" in str(caught.value)
    # 0.5 s of backoff fit in the second; the next (1 s) would not.
    assert len(server.requests) == 2
    assert sum(api.clock.sleeps) <= 1.0


async def test_run_takes_a_deadline_of_its_own(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=TAG))
    api = mock_api(server)
    for n in range(5):
        await api(api.tags.get, n)
    with pytest.raises(APITimeoutError):
        await api(api.run, api.tags.get.operation(6), deadline=0.1)
    assert (await api(api.run, api.tags.get.operation(6))).id == "1"  # no deadline: waits


async def test_each_attempt_is_sent_with_the_time_left_as_its_timeouts(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=TAG))
    api = mock_api(server, deadline=2.0, timeout=httpx.Timeout(10.0, connect=3.0))
    await api(api.tags.get, 1)
    sent = server.requests[0].extensions["timeout"]
    assert sent == {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}


async def test_without_a_deadline_an_attempt_gets_its_own_timeouts(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=TAG))
    api = mock_api(server, timeout=httpx.Timeout(10.0, connect=3.0))
    await api(api.tags.get, 1)
    assert server.requests[0].extensions["timeout"] == {
        "connect": 3.0,
        "read": 10.0,
        "write": 10.0,
        "pool": 10.0,
    }
    assert api.config.attempt_timeout == 10.0  # the whole attempt: the longest of them


@pytest.mark.parametrize("deadline", [0, -1.0, True, "5"])
def test_a_deadline_must_be_a_positive_number(deadline: object) -> None:
    with pytest.raises(ConfigurationError, match="deadline"):
        make_client("sync", None, api_url=TEST_API_URL, api_key=TEST_API_KEY, deadline=deadline)  # type: ignore[arg-type]
