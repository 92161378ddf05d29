"""Endpoints the client does not wrap: ``client.run(ApiRequest(...))`` and ``PageQuery``,
with the same account host, key handling, errors and retry rules as wrapped calls."""

from __future__ import annotations

import json

import httpx
import pytest
from pydantic import BaseModel, ConfigDict

from activecampaign_client import ApiRequest, InternalServerError, NotFoundError, PageQuery

from ._support import TEST_API_KEY, FakeServer, MockApi, reply


class Deal(BaseModel):
    """A model of the caller's own, for an endpoint the client has none for."""

    model_config = ConfigDict(extra="allow")

    id: str
    title: str


async def test_one_request_answers_its_decoded_json(mock_api: MockApi) -> None:
    server = FakeServer(reply(json={"deal": {"id": "12", "title": "Acme"}}))
    api = mock_api(server)
    data = await api(api.run, ApiRequest("GET", "deals/12"))
    assert data == {"deal": {"id": "12", "title": "Acme"}}
    (request,) = server.requests
    assert request.url == "https://testaccount.api-us1.com/api/3/deals/12"
    assert request.headers["Api-Token"] == TEST_API_KEY


async def test_a_body_is_sent_as_json(mock_api: MockApi) -> None:
    server = FakeServer(reply(201, json={"account": {"id": "3", "name": "Acme"}}))
    api = mock_api(server)
    body = {"account": {"name": "Acme"}}
    data = await api(api.run, ApiRequest("POST", "accounts", json=body))
    assert data["account"]["id"] == "3"
    assert json.loads(server.requests[0].content) == body


async def test_errors_and_retries_are_those_of_any_call(mock_api: MockApi) -> None:
    server = FakeServer(reply(404, json={"message": "No Result found for Deal with id 9"}))
    api = mock_api(server)
    with pytest.raises(NotFoundError, match="Deal with id 9"):
        await api(api.run, ApiRequest("GET", "deals/9"))
    # A POST is sent once after a 5xx (it may have been applied); a GET is retried.
    flaky = FakeServer(reply(503, text="busy"), reply(json={"ok": 1}))
    api = mock_api(flaky)
    with pytest.raises(InternalServerError):
        await api(api.run, ApiRequest("POST", "automations", json={}))
    assert len(flaky.requests) == 1
    assert await api(api.run, ApiRequest("GET", "automations")) == {"ok": 1}


async def test_a_page_query_walks_a_listing_into_models(mock_api: MockApi) -> None:
    def deals(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        page = [{"id": str(n), "title": f"Deal {n}"} for n in range(offset, min(offset + 2, 5))]
        return httpx.Response(200, json={"deals": page, "meta": {"total": "5"}})

    server = FakeServer(deals)
    api = mock_api(server)
    query = PageQuery("deals", "deals", Deal, {"filters[stage]": "3"}, page_size=2)
    found = await api(api.run, query.collect())
    assert [(d.id, d.title) for d in found] == [(str(n), f"Deal {n}") for n in range(5)]
    assert [r.url.params["offset"] for r in server.requests] == ["0", "2", "4"]
    assert {r.url.params["filters[stage]"] for r in server.requests} == {"3"}
