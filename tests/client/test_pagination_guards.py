"""Listings end even when the server ignores limit, offset or its own total."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from activecampaign_client import (
    APIResponseValidationError,
)

from ._support import Answer, FakeServer, MockApi, reply

TAG = {"tag": {"id": "16", "tag": "vip", "tagType": "contact"}}
TRACKED = {"success": 1, "message": "Event spawned"}


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
