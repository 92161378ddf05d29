"""contact_lists: subscribe, unsubscribe, list — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import ContactList, ListStatus

from ._support import Both

pytestmark = pytest.mark.vcr


async def test_subscribe(api: Both) -> None:
    membership = await api(api.contact_lists.subscribe, 1, 2)
    assert isinstance(membership, ContactList)
    # The answer has status as the integer 1; the model normalises it to "1".
    assert (membership.id, membership.contact, membership.list, membership.status) == (
        "2",
        "1",
        "2",
        "1",
    )


async def test_unsubscribe(api: Both) -> None:
    membership = await api(api.contact_lists.unsubscribe, "1", "2")
    assert (membership.contact, membership.list, membership.status) == ("1", "2", "2")


async def test_list(api: Both) -> None:
    memberships = await api.all(api.contact_lists.list(19))
    assert [(m.id, m.list, m.status) for m in memberships] == [("19", "1", "3")]


async def test_resubscribe(api: Both) -> None:
    # The request carries sourceid 4 (see the cassette's body); the answer is the same as
    # for any subscription, its integer status read as ListStatus.SUBSCRIBED.
    membership = await api(api.contact_lists.subscribe, 1, 2, resubscribe=True)
    assert isinstance(membership, ContactList)
    assert membership.status is ListStatus.SUBSCRIBED
    assert membership.status == "1"
