"""The request loop end to end on a fake server: retries, backoff on the fake clock, errors."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from activecampaign_client import (
    ActiveCampaign,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    UnprocessableEntityError,
)

from ._support import Answer, Both, FakeClock, FakeServer, MockApi, make_client, reply

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
async def test_httpx_errors_become_ours_with_nothing_chained(
    mock_api: MockApi, failure: httpx.HTTPError
) -> None:
    # httpx attaches the request, Api-Token header included, to its exceptions: ours must
    # not carry it along as __cause__ or __context__, where a traceback would show it.
    server = FakeServer(failure)
    api = mock_api(server, max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        await api(api.tags.get, 16)
    error = caught.value
    assert error.__cause__ is None
    assert error.__context__ is None
    assert "GET /api/3/tags/16" in str(error)
    assert failure.request.headers["Api-Token"]  # httpx's exception did hold it


async def test_a_long_retry_after_is_waited_up_to_the_cap(mock_api: MockApi) -> None:
    server = FakeServer(reply(429, headers={"Retry-After": "3600"}), reply(json=TAG))
    api = mock_api(server)
    assert (await api(api.tags.get, 16)).id == "16"
    assert api.clock.sleeps == [60.0]


# One answer every call below can read its result from.
ANY_ANSWER = {
    "contact": {"id": "1", "email": "jane@example.com"},
    "tag": {"id": "9", "tag": "vip"},
    "contactTag": {"id": "4", "contact": "3", "tag": "9"},
    "fieldValue": {"id": "8", "contact": "2", "field": "6", "value": "x"},
    "contactList": {"contact": "1", "list": "2", "status": 1},
    "eventTrackingEvent": {"name": "purchase"},
    "data": {"type": "urlWhitelistings", "id": "5", "attributes": {"whitelisted_domain": "a.com"}},
    "batchId": "b-1",
    "queued_contacts": 1,
}

# Creates and deletes: the server may have acted on an attempt that timed out or got a 5xx,
# and a second one would answer 422 "duplicate" (or 404) to a call that succeeded.
NOT_REPLAYED: dict[str, Callable[[Both], Any]] = {
    "tags.create": lambda api: api.tags.create("vip"),
    "contacts.create": lambda api: api.contacts.create("jane@example.com"),
    "event_tracking.create_event": lambda api: api.event_tracking.create_event("purchase"),
    "site_tracking.add_domain": lambda api: api.site_tracking.add_domain("a.com"),
    "field_values.create": lambda api: api.field_values.create(2, 6, "x"),
    "tags.delete": lambda api: api.tags.delete(9),
    "contacts.delete": lambda api: api.contacts.delete(1),
    "contact_tags.remove": lambda api: api.contact_tags.remove(4),
    "site_tracking.remove_domain": lambda api: api.site_tracking.remove_domain(5),
}

# Reads, PUTs and the writes that are upserts or set a state: harmless to send twice.
REPLAYED: dict[str, Callable[[Both], Any]] = {
    "tags.get": lambda api: api.tags.get(9),
    "contacts.update (PUT)": lambda api: api.contacts.update(1, first_name="Jane"),
    "contacts.sync": lambda api: api.contacts.sync("jane@example.com"),
    "contact_lists.subscribe": lambda api: api.contact_lists.subscribe(1, 2),
    "contact_tags.add": lambda api: api.contact_tags.add(3, 9),
    "bulk_import": lambda api: api.bulk_import.import_contacts([{"email": "a@example.com"}]),
}

AMBIGUOUS = [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset"), reply(503)]
# A pool timeout, like a refused connection, never left the client: the server saw nothing.
SURELY_NOT_ACTED_ON = [
    httpx.ConnectError("refused"),
    httpx.PoolTimeout("no free connection in the pool"),
    reply(429, headers={"Retry-After": "1"}),
]


@pytest.mark.parametrize("failure", AMBIGUOUS, ids=["timeout", "reset", "503"])
@pytest.mark.parametrize("name", sorted(NOT_REPLAYED))
async def test_creates_and_deletes_are_not_replayed_after_an_ambiguous_failure(
    mock_api: MockApi, name: str, failure: Answer
) -> None:
    server = FakeServer(failure, reply(json=ANY_ANSWER))
    api = mock_api(server, max_retries=3)
    with pytest.raises((APIConnectionError, InternalServerError)) as caught:
        await api(NOT_REPLAYED[name], api)
    assert caught.value.retryable  # the caller may still decide to check and try again
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "failure", SURELY_NOT_ACTED_ON, ids=["connect-error", "pool-timeout", "429"]
)
@pytest.mark.parametrize("name", sorted(NOT_REPLAYED))
async def test_creates_and_deletes_are_retried_when_surely_not_acted_on(
    mock_api: MockApi, name: str, failure: Answer
) -> None:
    server = FakeServer(failure, reply(json=ANY_ANSWER))
    api = mock_api(server, max_retries=3)
    await api(NOT_REPLAYED[name], api)
    assert len(server.requests) == 2


@pytest.mark.parametrize("failure", AMBIGUOUS, ids=["timeout", "reset", "503"])
@pytest.mark.parametrize("name", sorted(REPLAYED))
async def test_reads_updates_and_upserts_are_replayed_after_an_ambiguous_failure(
    mock_api: MockApi, name: str, failure: Answer
) -> None:
    server = FakeServer(failure, reply(json=ANY_ANSWER))
    api = mock_api(server, max_retries=3)
    await api(REPLAYED[name], api)
    assert len(server.requests) == 2


def tags_page(start: int, count: int, total: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "tags": [{"id": str(i), "tag": f"t{i}"} for i in range(start, start + count)]
    }
    if total is not None:
        page["meta"] = {"total": total}
    return page


def at_most(requests: int, answer: Callable[[httpx.Request], httpx.Response]) -> Answer:
    """An answer that fails the test instead of letting a listing loop forever."""

    calls = 0

    def guarded(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        assert calls <= requests, "the listing kept asking for pages"
        return answer(request)

    return guarded


async def test_a_listing_stops_when_the_server_ignores_limit(mock_api: MockApi) -> None:
    # No meta.total, and 150 tags where 100 were asked for: that is everything there is.
    server = FakeServer(at_most(3, reply(json=tags_page(0, 150))))
    api = mock_api(server)
    tags = await api.all(api.tags.list())
    assert len(tags) == 150
    assert len(server.requests) == 1


@pytest.mark.parametrize("total", [None, "250", "1000000"])
async def test_a_listing_stops_when_the_server_ignores_offset(
    mock_api: MockApi, total: str | None
) -> None:
    # Full pages, but always the first one: the repeat ends the listing, nothing twice.
    server = FakeServer(at_most(6, reply(json=tags_page(0, 100, total))))
    api = mock_api(server)
    tags = await api.all(api.tags.list())
    assert [t.id for t in tags] == [str(i) for i in range(100)]
    assert len(server.requests) == 2
    query = api.tags.list.query()
    assert len(await api(api.run, query.collect())) == 100
    assert len(server.requests) == 4


async def test_a_listing_without_end_is_refused_after_max_pages(mock_api: MockApi) -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json=tags_page(offset, 100))

    server = FakeServer(at_most(5, endless))
    api = mock_api(server)
    query = dataclasses.replace(api.tags.list.query(), max_pages=3)
    with pytest.raises(APIResponseValidationError, match="after 3 pages"):
        await api(api.run, query.collect())
    assert len(server.requests) == 3
    assert api.tags.list.query().max_pages == 10_000


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
