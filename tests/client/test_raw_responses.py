"""``client.with_raw_response``: status, headers and body of a call, ``parse()`` for its
typed result — on both clients, with the same errors and no secret exposed."""

from __future__ import annotations

import inspect
from collections.abc import Coroutine
from typing import Any

import httpx
import pytest

from activecampaign_client import (
    ActiveCampaign,
    APIResponseValidationError,
    AsyncActiveCampaign,
    NotFoundError,
    Page,
    RawResponse,
    Tag,
)

from ._support import TEST_API_KEY, TEST_API_URL, FakeServer, MockApi, reply

TAG = {"tag": {"id": "3", "tag": "vip", "tagType": "contact"}}


async def test_status_headers_and_the_parsed_result(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=TAG, headers={"X-Request-Id": "req-42"}))
    api = mock_api(server)
    raw = await api(api.with_raw_response.tags.get, 3)
    assert isinstance(raw, RawResponse)
    assert (raw.status_code, raw.headers["x-request-id"]) == (200, "req-42")
    assert raw.http_response.json() == TAG
    tag = raw.parse()
    assert isinstance(tag, Tag) and (tag.id, tag.name) == ("3", "vip")
    assert "Api-Token" not in raw.http_response.request.headers  # the key stays inside
    assert raw.http_response.request.url.path == "/api/3/tags/3"
    assert repr(raw) == "<RawResponse GET /api/3/tags/3 -> 200>"


async def test_a_call_without_a_result_parses_to_none(mock_api: MockApi) -> None:
    api = mock_api(FakeServer(reply(json={})))
    raw = await api(api.with_raw_response.tags.delete, 3)
    assert raw.status_code == 200 and raw.parse() is None


async def test_an_error_status_still_raises(mock_api: MockApi) -> None:
    api = mock_api(FakeServer(reply(404, json={"message": "No Result found for Tag with id 9"})))
    with pytest.raises(NotFoundError):
        await api(api.with_raw_response.tags.get, 9)


async def test_an_answer_that_does_not_fit_raises_at_parse(mock_api: MockApi) -> None:
    api = mock_api(FakeServer(reply(json={"tag": {"id": "3"}}, headers={"X-Seen": "1"})))
    raw = await api(api.with_raw_response.tags.get, 3)
    assert (raw.status_code, raw.headers["x-seen"]) == (200, "1")  # still there to look at
    with pytest.raises(APIResponseValidationError, match="tag"):
        raw.parse()


async def test_a_call_of_several_requests_keeps_each_answer(mock_api: MockApi) -> None:
    links = {"contactTags": [{"id": "9", "contact": "1", "tag": "16"}]}
    server = FakeServer(reply(json=links), reply(json={}, headers={"X-Which": "delete"}))
    api = mock_api(server)
    raw = await api(api.with_raw_response.contact_tags.remove_tag, 1, 16)
    assert [r.request.method for r in raw.responses] == ["GET", "DELETE"]
    assert raw.headers["x-which"] == "delete"  # the answer the result came from
    assert raw.parse() is not None


async def test_a_listing_answers_its_first_page(mock_api: MockApi) -> None:
    page = {"tags": [{"id": "1", "tag": "a"}, {"id": "2", "tag": "b"}], "meta": {"total": "5"}}
    server = FakeServer(reply(json=page))
    api = mock_api(server)
    raw = await api(api.with_raw_response.tags.list, page_size=2, extra_query={"x": "1"})
    first = raw.parse()
    assert isinstance(first, Page)
    assert ([t.id for t in first.items], first.total, first.next_offset) == (["1", "2"], 5, 2)
    assert len(server.requests) == 1
    assert server.requests[0].url.params["x"] == "1"


async def test_raw_clients_share_their_clients_settings(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=TAG))
    api = mock_api(server)
    raw_client = api.with_raw_response
    assert raw_client is api.with_raw_response  # made once
    assert raw_client.config is api.client.config
    patient = api.client.with_options(timeout=60).with_raw_response
    raw = await api(patient.tags.get, 3)
    assert raw.status_code == 200
    assert server.requests[-1].extensions["timeout"]["read"] == 60.0


def test_raw_methods_describe_themselves() -> None:
    with ActiveCampaign(TEST_API_URL, TEST_API_KEY) as ac:
        get = inspect.signature(ac.with_raw_response.tags.get)
        assert get.return_annotation == RawResponse[Tag]
        listing = inspect.signature(ac.with_raw_response.tags.list)
        assert listing.return_annotation == RawResponse[Page[Tag]]


async def test_async_raw_methods_describe_themselves() -> None:
    async with AsyncActiveCampaign(TEST_API_URL, TEST_API_KEY) as ac:
        get = inspect.signature(ac.with_raw_response.tags.get)
        assert get.return_annotation == Coroutine[Any, Any, RawResponse[Tag]]


def test_a_raw_response_keeps_no_key_or_body_of_the_request() -> None:
    # The request of a raw response is a copy without its body (trackcmp's event key
    # travels there) and without the Api-Token header.
    server = FakeServer(lambda request: httpx.Response(200, json=TAG))
    transport = httpx.MockTransport(server)
    with (
        httpx.Client(transport=transport) as http,
        ActiveCampaign(TEST_API_URL, TEST_API_KEY, http_client=http) as ac,
    ):
        raw = ac.with_raw_response.tags.get(3)
    assert raw.http_response.request.content == b""
    assert dict(raw.http_response.request.headers).get("api-token") is None
