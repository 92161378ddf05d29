"""contacts: sync, create, get, update, delete, list — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import Contact, SyncedContact

from ._support import Both

pytestmark = pytest.mark.vcr


async def test_sync(api: Both) -> None:
    synced = await api(
        api.contacts.sync,
        "johndoe@example.com",
        first_name="John",
        last_name="Doe",
        phone="7223224241",
        field_values={2: "Albany", 3: "Georgia"},
    )
    assert isinstance(synced, SyncedContact)
    assert synced.contact.id == "10"
    assert (synced.contact.first_name, synced.contact.last_name) == ("John", "Doe")
    assert [(v.id, v.field, v.value) for v in synced.field_values] == [
        ("14", "2", "Albany"),
        ("15", "3", "Georgia"),
    ]


async def test_create(api: Both) -> None:
    created = await api(
        api.contacts.create,
        "johndoe@example.com",
        field_values=[
            {"field": "1", "value": "The Value for First Field"},
            {"field": 6, "value": "2008-01-20"},
        ],
    )
    assert created.contact.id == "113"
    assert created.contact.email == "johndoe@example.com"
    assert [v.owner for v in created.field_values] == ["113", "113"]


async def test_get(api: Both) -> None:
    contact = await api(api.contacts.get, 1)
    assert isinstance(contact, Contact)
    assert (contact.id, contact.email) == ("1", "selmer.koss@example.com")
    assert contact.first_name == "Charles"
    # Keys the model does not declare are kept, not dropped.
    assert contact.model_extra is not None
    assert contact.model_extra["fieldValues"] == ["1"]


async def test_update(api: Both) -> None:
    updated = await api(api.contacts.update, "113", first_name="John", last_name="Doe")
    assert updated.contact.id == "113"
    assert updated.contact.udate == "2018-09-28T13:55:59-05:00"


async def test_delete(api: Both) -> None:
    assert await api(api.contacts.delete, 113) is None
    assert api.requests_sent == 1


async def test_list_by_email(api: Both) -> None:
    contacts = await api.all(api.contacts.list(email="adam@activecampaign.com"))
    assert [(c.id, c.email) for c in contacts] == [("5", "adam@activecampaign.com")]


async def test_list_search(api: Both) -> None:
    contacts = await api.all(api.contacts.list(search="test"))
    assert len(contacts) == 4
    assert all("test" in c.email for c in contacts)
    assert all(isinstance(c.id, str) for c in contacts)
