"""tags: create, get, delete, list (two pages, string meta.total) — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import Tag

from ._support import Both

pytestmark = pytest.mark.vcr


async def test_create(api: Both) -> None:
    tag = await api(api.tags.create, "My Tag", description="Description")
    assert isinstance(tag, Tag)
    assert (tag.id, tag.name, tag.tag_type) == ("16", "My Tag", "contact")


async def test_get(api: Both) -> None:
    tag = await api(api.tags.get, "1")
    assert (tag.id, tag.name, tag.description) == ("1", "My Tag", "Description")
    assert tag.model_extra is not None
    assert tag.model_extra["subscriber_count"] == "0"


async def test_delete(api: Both) -> None:
    assert await api(api.tags.delete, 16) is None
    assert api.requests_sent == 1


async def test_list_walks_every_page(api: Both) -> None:
    # meta.total is the string "5"; the first page holds 3 tags, the second starts at offset 3.
    tags = await api.all(api.tags.list())
    assert [t.id for t in tags] == ["1", "2", "3", "4", "5"]
    assert [t.tag_type for t in tags] == ["contact"] * 3 + ["template"] * 2
    assert api.requests_sent == 2


async def test_list_search(api: Both) -> None:
    tags = await api.all(api.tags.list(search="t"))
    assert [t.name for t in tags] == ["two", "three", "test1", "test2"]


async def test_update(api: Both) -> None:
    tag = await api(api.tags.update, 2, name="My Tag", description="Description")
    assert (tag.id, tag.name, tag.description, tag.tag_type) == (
        "2",
        "My Tag",
        "Description",
        "contact",
    )


async def test_find(api: Both) -> None:
    # One request with filters[search][eq]; the name compares case-insensitively.
    tag = await api(api.tags.find, "TWO")
    assert tag is not None
    assert (tag.id, tag.name) == ("2", "two")
    assert api.requests_sent == 1


async def test_find_none(api: Both) -> None:
    assert await api(api.tags.find, "nine") is None
    assert api.requests_sent == 1


async def test_list_starts_with(api: Both) -> None:
    # match= other than "contains" goes to filters[search][<operator>] (the cassette's query).
    tags = await api.all(api.tags.list(search="t", match="starts_with"))
    assert [t.name for t in tags] == ["two", "three", "test1", "test2"]
