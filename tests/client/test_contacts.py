"""contacts: sync, create, get, update, delete, list — replayed from cassettes."""

from __future__ import annotations

import datetime as dt

import pytest

from activecampaign_client import Contact, ListStatus, SyncedContact, TrackingLog

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


async def test_find_by_email(api: Both) -> None:
    contact = await api(api.contacts.find_by_email, "adam@activecampaign.com")
    assert isinstance(contact, Contact)
    assert (contact.id, contact.email) == ("5", "adam@activecampaign.com")
    assert api.requests_sent == 1


async def test_find_by_email_none(api: Both) -> None:
    assert await api(api.contacts.find_by_email, "nobody@example.com") is None


async def test_list_filters(api: Both) -> None:
    # The cassette's query is the proof: listid, tagid, status, the date filters, orders.
    listing = api.contacts.list(
        list_id=2,
        tag_id=3,
        status=ListStatus.SUBSCRIBED,
        updated_after=dt.date(2018, 9, 1),
        created_before="2018-10-01",
        order_by="-cdate",
    )
    contacts = await api.all(listing)
    assert [c.id for c in contacts] == ["7", "6", "5"]


async def test_list_by_id_pages_by_keyset(api: Both) -> None:
    # Page 1: limit=3&orders[id]=asc; page 2 adds id_greater=4 (the last id), no offset.
    # Its meta.total counts what is left (3), which ends the walk with no third request.
    listing = api.contacts.list(order_by="id", page_size=3)
    assert listing.page_size == 3
    pages = await api.all(listing.pages())
    assert [[c.id for c in page.items] for page in pages] == [["2", "3", "4"], ["5", "6", "7"]]
    assert [page.total for page in pages] == [6, 3]
    assert [page.next_after_id for page in pages] == ["4", None]
    assert api.requests_sent == 2


async def test_tracking_logs(api: Both) -> None:
    logs = await api.all(api.contacts.tracking_logs(112))
    assert all(isinstance(log, TrackingLog) for log in logs)
    assert [(log.id, log.contact, log.type) for log in logs] == [
        ("12", "112", "Another event"),
        ("15", "112", "Yet Another Event"),
    ]
    assert logs[0].tstamp == "2022-09-27T12:39:59-05:00"


async def test_tracking_logs_empty(api: Both) -> None:
    assert await api.all(api.contacts.tracking_logs(100)) == []
