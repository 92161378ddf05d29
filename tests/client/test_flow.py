"""The request loop end to end on a fake server: retries, backoff on the fake clock, errors."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from activecampaign_client import (
    ActiveCampaign,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    UnprocessableEntityError,
)

from ._support import FakeClock, FakeServer, MockApi, make_client, reply

TAG = {"tag": {"id": "16", "tag": "vip", "tagType": "contact"}}
TRACKED = {"success": 1, "message": "Event spawned"}


async def test_rate_limit_is_retried_until_retries_run_out(mock_api: MockApi) -> None:
    server = FakeServer(reply(429, json={"message": "slow down"}, headers={"Retry-After": "3"}))
    api = mock_api(server, max_retries=2)
    with pytest.raises(RateLimitError) as caught:
        await api(api.tags.get, 16)
    assert caught.value.retry_after == 3.0
    assert caught.value.retryable
    assert len(server.requests) == 3
    assert api.clock.sleeps == [3.0, 3.0]


async def test_server_errors_back_off_and_then_succeed(mock_api: MockApi) -> None:
    server = FakeServer(reply(500), reply(502, text="Bad Gateway"), reply(json=TAG))
    api = mock_api(server, max_retries=2)
    tag = await api(api.tags.get, 16)
    assert tag.id == "16"
    assert len(server.requests) == 3
    first, second = api.clock.sleeps
    assert 0.375 <= first <= 0.5
    assert 0.75 <= second <= 1.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_other_client_errors_are_sent_once(mock_api: MockApi, status: int) -> None:
    server = FakeServer(reply(status, json={"message": "no"}))
    api = mock_api(server, max_retries=5)
    with pytest.raises(APIStatusError) as caught:
        await api(api.tags.get, 16)
    assert caught.value.status_code == status
    assert not caught.value.retryable
    assert len(server.requests) == 1
    assert api.clock.sleeps == []


async def test_max_retries_zero_sends_once(mock_api: MockApi) -> None:
    server = FakeServer(reply(503))
    api = mock_api(server, max_retries=0)
    with pytest.raises(InternalServerError):
        await api(api.tags.get, 16)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("eof")],
    ids=lambda exc: type(exc).__name__,
)
async def test_transport_failures_of_safe_requests_are_retried(
    mock_api: MockApi, failure: Exception
) -> None:
    server = FakeServer(failure, reply(json=TAG))
    api = mock_api(server)
    assert (await api(api.tags.get, 16)).id == "16"
    assert len(server.requests) == 2


async def test_timeouts_become_api_timeout_errors(mock_api: MockApi) -> None:
    server = FakeServer(httpx.ReadTimeout("slow"))
    api = mock_api(server, max_retries=1)
    with pytest.raises(APITimeoutError) as caught:
        await api(api.tags.get, 16)
    assert isinstance(caught.value, APIConnectionError)
    assert caught.value.retryable
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("slow"), reply(503), reply(500, text="oops")],
    ids=["timeout", "503", "500"],
)
async def test_track_is_not_replayed_when_the_event_may_have_been_recorded(
    mock_api: MockApi, failure: object
) -> None:
    server = FakeServer(failure, reply(json=TRACKED))  # type: ignore[arg-type]
    api = mock_api(server, max_retries=3)
    with pytest.raises((APITimeoutError, InternalServerError)):
        await api(api.event_tracking.track, "purchase", email="jane@example.com")
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), reply(429, headers={"Retry-After": "1"})],
    ids=["connect-error", "429"],
)
async def test_track_is_retried_when_the_event_surely_was_not_recorded(
    mock_api: MockApi, failure: object
) -> None:
    server = FakeServer(failure, reply(json=TRACKED))  # type: ignore[arg-type]
    api = mock_api(server, max_retries=3)
    tracked = await api(api.event_tracking.track, "purchase", email="jane@example.com")
    assert tracked.success == 1
    assert len(server.requests) == 2


async def test_track_retries_ambiguous_failures_when_asked_to(mock_api: MockApi) -> None:
    server = FakeServer(httpx.ReadTimeout("slow"), reply(json=TRACKED))
    api = mock_api(server, max_retries=3)
    tracked = await api(
        api.event_tracking.track, "purchase", email="jane@example.com", retry_ambiguous=True
    )
    assert tracked.success == 1
    assert len(server.requests) == 2


async def test_errors_carry_status_body_and_parsed_details(mock_api: MockApi) -> None:
    body = {
        "errors": [
            {"title": "Missing attribute", "source": {"pointer": "/data/attributes/contact"}}
        ]
    }
    server = FakeServer(reply(422, json=body))
    api = mock_api(server)
    with pytest.raises(UnprocessableEntityError) as caught:
        await api(api.contact_tags.add, 1, 2)
    error = caught.value
    assert (error.status_code, error.body, error.method) == (422, body, "POST")
    assert error.errors[0].pointer == "/data/attributes/contact"
    assert "Missing attribute" in str(error)


async def test_redirects_are_not_followed(mock_api: MockApi) -> None:
    server = FakeServer(reply(302, headers={"Location": "https://elsewhere.example/login"}))
    api = mock_api(server)
    with pytest.raises(APIStatusError, match="not followed"):
        await api(api.tags.get, 16)
    assert len(server.requests) == 1


async def test_not_found_names_the_request(mock_api: MockApi) -> None:
    server = FakeServer(reply(404, json={"message": "No Result found for Tag with id 16"}))
    api = mock_api(server)
    with pytest.raises(NotFoundError, match=r"GET /api/3/tags/16 -> 404"):
        await api(api.tags.get, 16)


async def test_garbled_json_is_a_retryable_server_error(mock_api: MockApi) -> None:
    server = FakeServer(reply(text='{"tag": {"id": "16"'), reply(json=TAG))
    api = mock_api(server)
    assert (await api(api.tags.get, 16)).id == "16"
    assert len(server.requests) == 2


def garbled(status: int = 200, **headers: str) -> httpx.Response:
    """An answer that says gzip but is not: httpx fails decoding it while it is read."""
    return httpx.Response(
        status,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip", **headers},
        stream=httpx.ByteStream(b'{"tag": "this is not gzip"}'),
    )


async def test_a_body_that_cannot_be_decoded_is_a_retryable_server_error(
    mock_api: MockApi,
) -> None:
    server = FakeServer(garbled(), reply(json=TAG))
    api = mock_api(server)
    assert (await api(api.tags.get, 16)).id == "16"
    assert len(server.requests) == 2

    api = mock_api(FakeServer(garbled()), max_retries=0)
    with pytest.raises(InternalServerError, match="could not be decoded") as caught:
        await api(api.tags.get, 16)
    assert (caught.value.status_code, caught.value.retryable) == (200, True)
    assert caught.value.__context__ is None and caught.value.__cause__ is None


async def test_a_garbled_error_answer_keeps_its_status(mock_api: MockApi) -> None:
    server = FakeServer(garbled(429, **{"Retry-After": "4"}), garbled(404))
    api = mock_api(server, max_retries=3)
    with pytest.raises(NotFoundError):
        await api(api.tags.get, 16)
    assert len(server.requests) == 2
    assert api.clock.sleeps == [4.0]


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("eof"),
        httpx.TooManyRedirects("loop"),
        httpx.DecodingError("raised by the transport itself"),
        httpx.RequestError("something else"),
    ],
    ids=lambda exc: type(exc).__name__,
)
async def test_httpx_errors_become_ours_with_a_detached_cause(
    mock_api: MockApi, failure: httpx.HTTPError
) -> None:
    # httpx attaches the request, Api-Token header included, to its exceptions: ours
    # chains a copy that has its class and text but no request, cause or traceback.
    server = FakeServer(failure)
    api = mock_api(server, max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        await api(api.tags.get, 16)
    error = caught.value
    cause = error.__cause__
    assert type(cause) is type(failure) and str(cause) == str(failure)
    assert cause is not failure
    with pytest.raises(RuntimeError):
        cause.request  # noqa: B018  (httpx: "The .request property has not been set")
    assert cause.__cause__ is None and cause.__context__ is None
    assert cause.__traceback__ is None
    assert error.__context__ is None
    assert "GET /api/3/tags/16" in str(error)
    assert f"{type(failure).__name__}: {failure}" in str(error)
    assert failure.request.headers["Api-Token"]  # httpx's exception did hold it


async def test_a_long_retry_after_is_waited_up_to_the_cap(mock_api: MockApi) -> None:
    server = FakeServer(reply(429, headers={"Retry-After": "3600"}), reply(json=TAG))
    api = mock_api(server)
    assert (await api(api.tags.get, 16)).id == "16"
    assert api.clock.sleeps == [60.0]


class _YieldingInt(int):
    """A count whose addition lets other threads run: any unlocked ``+= 1`` loses updates."""

    def __add__(self, other: object) -> _YieldingInt:
        time.sleep(0)  # gives up the GIL; waits for nothing
        assert isinstance(other, int)
        return _YieldingInt(int(self) + other)


def test_requests_sent_is_exact_across_threads(clock: FakeClock) -> None:
    server = FakeServer(reply(json=TAG))
    with httpx.Client(transport=httpx.MockTransport(server)) as http:
        api = make_client("sync", clock, http_client=http, requests_per_second=None)
        client = api.client
        assert isinstance(client, ActiveCampaign)
        client._driver.ctx.requests_sent = _YieldingInt(0)

        def work() -> None:
            for _ in range(25):
                client.tags.get(16)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(server.requests) == 200
    assert client.requests_sent == 200
