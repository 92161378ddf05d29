"""The endpoints and helpers added for issue 13, end to end: both clients on the emulator."""

from __future__ import annotations

import datetime as dt

import pytest

from activecampaign_client import (
    FieldOptionInput,
    InvalidInputError,
    ListStatus,
    NotFoundError,
    UnprocessableEntityError,
)
from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock

from ._support import Api


async def test_tag_update_find_and_exact_match(emu: ActiveCampaignEmulator, api: Api) -> None:
    vip = emu.add_tag("VIP")
    emu.add_tag("VIP customers")
    emu.add_tag("Newsletter")
    found = await api(api.tags.find, "vip")
    assert found is not None and (found.id, found.name) == (vip, "VIP")
    assert await api(api.tags.find, "vi") is None  # exact, not "contains"
    assert [t.name for t in await api.all(api.tags.list(search="vip", match="eq"))] == ["VIP"]
    contains = await api.all(api.tags.list(search="vip"))
    assert [t.name for t in contains] == ["VIP", "VIP customers"]
    starts = await api.all(api.tags.list(search="news", match="starts_with"))
    assert [t.name for t in starts] == ["Newsletter"]

    renamed = await api(api.tags.update, vip, name="Gold", description="top tier")
    assert (renamed.id, renamed.name, renamed.description) == (vip, "Gold", "top tier")
    assert emu.tags()[vip] == "Gold"
    with pytest.raises(UnprocessableEntityError) as caught:
        await api(api.tags.update, vip, name="newsletter")  # another tag's name, any case
    assert caught.value.errors[0].code == "duplicate"
    with pytest.raises(InvalidInputError, match="name"):
        await api(api.tags.update, vip)  # nothing to change: refused before sending


async def test_remove_tag_and_tags_of_a_contact(emu: ActiveCampaignEmulator, api: Api) -> None:
    contact = emu.add_contact("jane@example.com", tags=["vip", "beta"])
    tags = emu.tags()
    names = [t.name for t in await api(api.contact_tags.tags, contact)]
    assert names == ["vip", "beta"]
    vip = next(ident for ident, name in tags.items() if name == "vip")
    removed = await api(api.contact_tags.remove_tag, contact, vip)
    assert removed is not None and removed.tag == vip
    snapshot = emu.contact("jane@example.com")
    assert snapshot is not None and snapshot.tags == {"beta"}
    assert await api(api.contact_tags.remove_tag, contact, vip) is None  # no longer carried


async def test_find_by_email(emu: ActiveCampaignEmulator, api: Api) -> None:
    contact = emu.add_contact("Jane.Doe@Example.com", first_name="Jane")
    emu.add_contact("jane.doe@example.org")
    found = await api(api.contacts.find_by_email, "jane.doe@example.com")
    assert found is not None and (found.id, found.first_name) == (contact, "Jane")
    assert await api(api.contacts.find_by_email, "nobody@example.com") is None
    assert len(emu.requests) == 2  # one request each


async def test_contact_filters(emu: ActiveCampaignEmulator, api: Api) -> None:
    clock = emu.clock
    assert isinstance(clock, SimulatedClock)
    newsletter, other = emu.add_list("Newsletter"), emu.add_list("Other")
    alice = emu.add_contact("alice@example.com", lists={newsletter: "1"}, tags=["vip"])
    bob = emu.add_contact("bob@example.com", lists={newsletter: "2"})
    await clock.asleep(86_400)  # a day later (simulated)
    carol = emu.add_contact("carol@example.com", lists={other: "1"}, tags=["vip"])

    async def ids(**filters: object) -> list[str]:
        return [c.id for c in await api.all(api.contacts.list(**filters))]

    assert await ids(list_id=newsletter) == [alice, bob]
    assert await ids(list_id=newsletter, status=ListStatus.SUBSCRIBED) == [alice]
    assert await ids(status=2) == [bob]
    assert await ids(tag_id=emu_tag(emu, "vip")) == [alice, carol]
    noon = dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert await ids(created_after=noon) == [carol]
    assert await ids(created_after=dt.date(2024, 1, 1)) == [carol]  # after midnight, strictly
    assert await ids(created_before="2024-01-01T12:00:00") == [alice, bob]
    assert await ids(order_by="-email") == [carol, bob, alice]
    with pytest.raises(InvalidInputError, match="status"):
        await ids(status=7)
    with pytest.raises(InvalidInputError, match="order_by"):
        await ids(order_by="email desc")


def emu_tag(emu: ActiveCampaignEmulator, name: str) -> str:
    return next(ident for ident, tag in emu.tags().items() if tag == name)


async def test_keyset_paging_walks_every_contact_once(
    emu: ActiveCampaignEmulator, api: Api
) -> None:
    made = [emu.add_contact(f"c{n:02d}@example.com") for n in range(23)]
    listing = api.contacts.list(order_by="id", page_size=5)
    pages = await api.all(listing.pages())
    assert [len(page.items) for page in pages] == [5, 5, 5, 5, 3]
    assert [c.id for page in pages for c in page.items] == made
    queries = [r.params for r in emu.requests]
    assert all("offset" not in q and q["orders[id]"] == "asc" for q in queries)
    assert [q.get("id_greater") for q in queries] == [None, made[4], made[9], made[14], made[19]]
    descending = await api.all(api.contacts.list(order_by="-id", page_size=10))
    assert [c.id for c in descending] == made[::-1]


async def test_offset_pages_report_the_total(emu: ActiveCampaignEmulator, api: Api) -> None:
    for n in range(7):
        emu.add_tag(f"tag {n}")
    pages = await api.all(api.tags.list(page_size=3).pages())
    assert [(len(p.items), p.total, p.next_offset) for p in pages] == [
        (3, 7, 3),
        (3, 7, 6),
        (1, 7, None),
    ]
    assert [r.params["limit"] for r in emu.requests] == ["3", "3", "3"]


async def test_custom_fields(emu: ActiveCampaignEmulator, api: Api) -> None:
    newsletter = emu.add_list("Newsletter")
    field = await api(api.fields.create, "Shirt size", type="dropdown", perstag="SHIRT_SIZE")
    assert (field.title, field.type, field.perstag) == ("Shirt size", "dropdown", "SHIRT_SIZE")
    options = await api(
        api.fields.add_options, field.id, ["S", FieldOptionInput(value="M", isdefault=True)]
    )
    assert [(o.value, o.label, o.orderid, o.isdefault) for o in options] == [
        ("S", "S", 1, False),
        ("M", "M", 2, True),
    ]
    rel = await api(api.fields.add_to_list, field.id, newsletter)
    assert (rel.field, rel.relid) == (field.id, newsletter)
    again = await api(api.fields.get, field.id)
    assert again.model_extra is not None
    assert again.model_extra["options"] == [o.id for o in options]
    assert again.model_extra["relations"] == [rel.id]

    changed = await api(api.fields.update, field.id, title="T-shirt size", visible=False)
    assert (changed.id, changed.title, changed.type) == (field.id, "T-shirt size", "dropdown")
    with pytest.raises(UnprocessableEntityError):
        await api(api.fields.create, "t-shirt SIZE")  # titles are unique, any letter case
    await api(api.fields.remove_from_list, rel.id)
    await api(api.fields.delete, field.id)
    assert field.id not in emu.fields()
    with pytest.raises(NotFoundError):
        await api(api.fields.get, field.id)


async def test_field_value_get_and_delete(emu: ActiveCampaignEmulator, api: Api) -> None:
    interest = emu.add_field("Interest")
    contact = emu.add_contact("jane@example.com", field_values={interest: "Books"})
    (value,) = await api.all(api.field_values.list(contact))
    fetched = await api(api.field_values.get, value.id)
    assert (fetched.contact, fetched.field, fetched.value) == (contact, interest, "Books")
    await api(api.field_values.delete, value.id)
    snapshot = emu.contact("jane@example.com")
    assert snapshot is not None and snapshot.field_values == {}
    with pytest.raises(NotFoundError):  # a documented 403 "No Result found"
        await api(api.field_values.get, value.id)


async def test_resubscribe_sends_sourceid_4(emu: ActiveCampaignEmulator, api: Api) -> None:
    newsletter = emu.add_list("Newsletter")
    contact = emu.add_contact("jane@example.com", lists={newsletter: "2"})
    membership = await api(api.contact_lists.subscribe, contact, newsletter, resubscribe=True)
    assert membership.status is ListStatus.SUBSCRIBED
    assert membership.model_extra is not None and membership.model_extra["sourceid"] == "4"
    assert emu.requests[-1].json["contactList"]["sourceid"] == 4
    await api(api.contact_lists.subscribe, contact, newsletter)
    assert "sourceid" not in emu.requests[-1].json["contactList"]


async def test_tracking_logs_list_tracked_events(emu: ActiveCampaignEmulator, api: Api) -> None:
    contact = emu.add_contact("jane@example.com")
    emu.add_event_name("Signed Up")
    await api(api.event_tracking.track, "Signed Up", email="jane@example.com", eventdata="pro")
    logs = await api.all(api.contacts.tracking_logs(contact))
    assert [(log.contact, log.type, log.value) for log in logs] == [(contact, "Signed Up", "pro")]


async def test_site_tracking_code(emu: ActiveCampaignEmulator, api: Api) -> None:
    code = await api(api.site_tracking.code)
    assert code.startswith("<script") and f"'{emu.actid}'" in code


async def test_bulk_import_callback_is_kept(emu: ActiveCampaignEmulator, api: Api) -> None:
    result = await api(
        api.bulk_import.import_contacts,
        [{"email": "a@example.com"}],
        callback={"url": "https://example.com/done", "request_type": "GET", "params": {"a": "1"}},
    )
    assert emu.import_callbacks() == {
        result.batch_id: {
            "url": "https://example.com/done",
            "requestType": "GET",
            "detailed_results": "true",
            "params": [{"key": "a", "value": "1"}],
            "headers": [],
        }
    }
    with pytest.raises(InvalidInputError, match=r"callback\.request_type"):
        await api(
            api.bulk_import.import_contacts,
            [{"email": "a@example.com"}],
            callback={"url": "https://example.com/done", "request_type": "PUT"},
        )
