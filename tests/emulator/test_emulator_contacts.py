"""Contacts and what hangs off them, through the real client (sync and async)."""

from __future__ import annotations

import pytest

from activecampaign_client import NotFoundError, UnprocessableEntityError
from activecampaign_client.testing import ActiveCampaignEmulator

from ._support import Api


async def test_sync_creates_then_updates_by_email(emu: ActiveCampaignEmulator, api: Api) -> None:
    city = emu.add_field("City")
    created = await api(
        api.contacts.sync, "jane@example.com", first_name="Jane", field_values={city: "Paris"}
    )
    assert created.contact.id == "1"
    assert [(v.field, v.value) for v in created.field_values] == [(city, "Paris")]

    updated = await api(
        api.contacts.sync, "JANE@example.com", last_name="Doe", field_values={city: "Lyon"}
    )
    assert updated.contact.id == created.contact.id
    [jane] = emu.contacts()
    assert (jane.email, jane.first_name, jane.last_name) == ("jane@example.com", "Jane", "Doe")
    assert jane.field_values == {city: "Lyon"}


async def test_sync_answers_201_when_created_200_when_updated(
    emu: ActiveCampaignEmulator, api: Api
) -> None:
    await api(api.contacts.sync, "jane@example.com")
    await api(api.contacts.sync, "jane@example.com", phone="123")
    assert [r.status for r in emu.requests] == [201, 200]
    assert emu.requests[0].json == {"contact": {"email": "jane@example.com"}}


async def test_sync_drops_values_of_unknown_fields(emu: ActiveCampaignEmulator, api: Api) -> None:
    synced = await api(api.contacts.sync, "jane@example.com", field_values={"42": "x"})
    assert synced.field_values == []
    assert emu.contact("jane@example.com").field_values == {}  # type: ignore[union-attr]


@pytest.mark.parametrize("operation", ["sync", "create"])
async def test_invalid_email_is_a_422_on_the_email(
    emu: ActiveCampaignEmulator, api: Api, operation: str
) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        await api(getattr(api.contacts, operation), "jane@localhost")
    [error] = caught.value.errors
    assert error.pointer == "/data/attributes/email"
    assert emu.contacts() == []


async def test_create_refuses_an_existing_email(emu: ActiveCampaignEmulator, api: Api) -> None:
    emu.add_contact("jane@example.com")
    with pytest.raises(UnprocessableEntityError) as caught:
        await api(api.contacts.create, "Jane@Example.com", first_name="Jane")
    assert caught.value.errors[0].code == "duplicate"
    assert len(emu.contacts()) == 1


async def test_get_update_delete(emu: ActiveCampaignEmulator, api: Api) -> None:
    contact_id = emu.add_contact("jane@example.com", first_name="Jane")
    got = await api(api.contacts.get, contact_id)
    assert (got.id, got.email, got.first_name) == (contact_id, "jane@example.com", "Jane")

    await api(api.contacts.update, contact_id, email="j@example.com", phone="555")
    assert emu.contact("jane@example.com") is None
    assert emu.contact("j@example.com").phone == "555"  # type: ignore[union-attr]

    await api(api.contacts.delete, contact_id)
    assert emu.contacts() == []
    with pytest.raises(NotFoundError, match="No Result found"):
        await api(api.contacts.get, contact_id)


async def test_update_to_an_email_in_use_is_a_duplicate(
    emu: ActiveCampaignEmulator, api: Api
) -> None:
    emu.add_contact("taken@example.com")
    jane = emu.add_contact("jane@example.com")
    with pytest.raises(UnprocessableEntityError):
        await api(api.contacts.update, jane, email="taken@example.com")


async def test_list_filters_by_email_and_search(emu: ActiveCampaignEmulator, api: Api) -> None:
    emu.add_contact("jane@example.com", first_name="Jane")
    emu.add_contact("john@example.com", last_name="Janeway")
    emu.add_contact("bob@example.org")
    by_email = await api.all(api.contacts.list(email="JOHN@example.com"))
    assert [c.email for c in by_email] == ["john@example.com"]
    searched = await api.all(api.contacts.list(search="jane"))
    assert [c.email for c in searched] == ["jane@example.com", "john@example.com"]


async def test_tags_on_contacts(emu: ActiveCampaignEmulator, api: Api) -> None:
    jane = emu.add_contact("jane@example.com")
    vip = emu.add_tag("VIP")
    link = await api(api.contact_tags.add, jane, vip)
    again = await api(api.contact_tags.add, jane, vip)
    assert again.id == link.id  # no duplicate link
    assert [t.tag for t in await api.all(api.contact_tags.list(jane))] == [vip]
    assert emu.contact("jane@example.com").tags == {"VIP"}  # type: ignore[union-attr]

    await api(api.contact_tags.remove, link.id)
    assert emu.contact("jane@example.com").tags == set()  # type: ignore[union-attr]
    with pytest.raises(NotFoundError):
        await api(api.contact_tags.remove, link.id)


async def test_tagging_an_unknown_contact_or_tag_is_a_404(
    emu: ActiveCampaignEmulator, api: Api
) -> None:
    jane = emu.add_contact("jane@example.com")
    with pytest.raises(NotFoundError, match="Tag not found"):
        await api(api.contact_tags.add, jane, 99)
    with pytest.raises(NotFoundError, match="Contact not found"):
        await api(api.contact_tags.add, 99, emu.add_tag("vip"))


async def test_field_values(emu: ActiveCampaignEmulator, api: Api) -> None:
    jane = emu.add_contact("jane@example.com")
    colors = emu.add_field("Colors", type="checkbox")
    created = await api(api.field_values.create, jane, colors, "||red||blue||")
    assert (created.contact, created.field, created.value) == (jane, colors, "||red||blue||")
    updated = await api(
        api.field_values.update, created.id, contact_id=jane, field_id=colors, value="||red||"
    )
    assert updated.id == created.id
    listed = await api.all(api.field_values.list(jane))
    assert [(v.id, v.value) for v in listed] == [(created.id, "||red||")]
    assert emu.contact("jane@example.com").field_values == {colors: "||red||"}  # type: ignore[union-attr]


async def test_list_subscriptions(emu: ActiveCampaignEmulator, api: Api) -> None:
    jane = emu.add_contact("jane@example.com")
    news = emu.add_list("Newsletter")
    subscribed = await api(api.contact_lists.subscribe, jane, news)
    assert subscribed.status == "1"
    unsubscribed = await api(api.contact_lists.unsubscribe, jane, news)
    assert (unsubscribed.id, unsubscribed.status) == (subscribed.id, "2")
    listed = await api.all(api.contact_lists.list(jane))
    assert [(m.list, m.status) for m in listed] == [(news, "2")]
    assert emu.contact("jane@example.com").lists == {news: "2"}  # type: ignore[union-attr]


async def test_subscribing_to_an_unknown_list_is_a_404(
    emu: ActiveCampaignEmulator, api: Api
) -> None:
    jane = emu.add_contact("jane@example.com")
    with pytest.raises(NotFoundError):
        await api(api.contact_lists.subscribe, jane, 7)


async def test_deleting_a_contact_removes_its_links(emu: ActiveCampaignEmulator, api: Api) -> None:
    field, news = emu.add_field("City"), emu.add_list("News")
    jane = emu.add_contact(
        "jane@example.com", tags=["vip"], field_values={field: "Paris"}, lists={news: "1"}
    )
    await api(api.contacts.delete, jane)
    again = emu.add_contact("jane@example.com")
    assert emu.contact("jane@example.com") == emu.contacts()[0]
    assert emu.contacts()[0].id == again
    assert (emu.contacts()[0].tags, emu.contacts()[0].field_values) == (set(), {})
