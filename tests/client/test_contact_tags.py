"""contact_tags: add, remove, list — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import ContactTag

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
