"""contact_tags: add, remove, list — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import ContactTag, Tag

from ._support import Both

pytestmark = pytest.mark.vcr


async def test_add(api: Both) -> None:
    link = await api(api.contact_tags.add, 1, 20)
    assert isinstance(link, ContactTag)
    assert (link.id, link.contact, link.tag) == ("1", "1", "20")


async def test_remove(api: Both) -> None:
    assert await api(api.contact_tags.remove, "1") is None
    assert api.requests_sent == 1


async def test_list(api: Both) -> None:
    # No meta.total in this answer: a page shorter than the page size is the last one.
    links = await api.all(api.contact_tags.list(1))
    assert [(link.id, link.tag) for link in links] == [("1", "20"), ("2", "16")]
    assert api.requests_sent == 1


async def test_remove_tag(api: Both) -> None:
    # The contact's links are listed, then the one carrying tag 16 (link 2) is deleted.
    link = await api(api.contact_tags.remove_tag, 1, 16)
    assert isinstance(link, ContactTag)
    assert (link.id, link.tag) == ("2", "16")
    assert api.requests_sent == 2


async def test_remove_tag_not_carried(api: Both) -> None:
    assert await api(api.contact_tags.remove_tag, 1, 5) is None
    assert api.requests_sent == 1  # the listing only: nothing to delete


async def test_tags(api: Both) -> None:
    tags = await api(api.contact_tags.tags, 1)
    assert all(isinstance(tag, Tag) for tag in tags)
    assert [(tag.id, tag.name) for tag in tags] == [("20", "My Tag"), ("16", "VIP")]
    assert api.requests_sent == 3
