"""lists: list, get — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import MailingList

from ._support import Both

pytestmark = pytest.mark.vcr


async def test_list(api: Both) -> None:
    lists = await api.all(api.lists.list())
    assert len(lists) == 4
    assert lists[0].name == "Email Subscription"
    assert lists[0].stringid == "email-subscription"
    assert all(isinstance(item.id, str) for item in lists)


async def test_get(api: Both) -> None:
    mailing_list = await api(api.lists.get, 1)
    assert isinstance(mailing_list, MailingList)
    assert (mailing_list.id, mailing_list.name) == ("1", "Email Subscription")
