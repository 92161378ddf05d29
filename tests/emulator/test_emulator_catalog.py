"""Tags, fields, lists, event and site tracking, through the real client (sync and async)."""

from __future__ import annotations

import pytest

from activecampaign_client import (
    ConflictError,
    EventTrackingError,
    NotFoundError,
    UnprocessableEntityError,
)
from activecampaign_client.testing import ActiveCampaignEmulator

from ._support import Api


async def test_tags(emu: ActiveCampaignEmulator, api: Api) -> None:
    vip = await api(api.tags.create, "VIP", description="big spenders")
    assert (vip.id, vip.name, vip.tag_type) == ("1", "VIP", "contact")
    with pytest.raises(UnprocessableEntityError):
        await api(api.tags.create, "vip")
    await api(api.tags.create, "newsletter", tag_type="template")
    assert [t.name for t in await api.all(api.tags.list(search="V"))] == ["VIP"]
    assert (await api(api.tags.get, vip.id)).description == "big spenders"
    await api(api.tags.delete, vip.id)
    assert emu.tags() == {"2": "newsletter"}
    with pytest.raises(NotFoundError):
        await api(api.tags.get, vip.id)


async def test_deleting_a_tag_untags_contacts(emu: ActiveCampaignEmulator, api: Api) -> None:
    emu.add_contact("jane@example.com", tags=["vip", "gold"])
    vip = next(i for i, name in emu.tags().items() if name == "vip")
    await api(api.tags.delete, vip)
    assert emu.contact("jane@example.com").tags == {"gold"}  # type: ignore[union-attr]


async def test_listing_walks_every_page(emu: ActiveCampaignEmulator, api: Api) -> None:
    for n in range(230):
        emu.add_tag(f"tag {n}")
    tags = await api.all(api.tags.list())
    assert len(tags) == 230
    pages = [r for r in emu.requests if r.path == "/api/3/tags"]
    assert [r.params["offset"] for r in pages] == ["0", "100", "200"]


async def test_fields_and_lists(emu: ActiveCampaignEmulator, api: Api) -> None:
    city = emu.add_field("City")
    plan = emu.add_field("Plan", perstag="PLAN_NAME", type="dropdown")
    news = emu.add_list("Weekly News")
    fields = await api.all(api.fields.list())
    assert [(f.id, f.title, f.perstag, f.type) for f in fields] == [
        (city, "City", "CITY", "text"),
        (plan, "Plan", "PLAN_NAME", "dropdown"),
    ]
    assert (await api(api.fields.get, plan)).title == "Plan"
    [mailing] = await api.all(api.lists.list())
    assert (mailing.id, mailing.name, mailing.stringid) == (news, "Weekly News", "weekly-news")
    assert (await api(api.lists.get, news)).name == "Weekly News"
    with pytest.raises(NotFoundError):
        await api(api.lists.get, 99)
    assert emu.fields() == {city: "City", plan: "Plan"}
    assert emu.lists() == {news: "Weekly News"}


async def test_event_tracking(emu: ActiveCampaignEmulator, api: Api) -> None:
    assert (await api(api.event_tracking.disable)).enabled is False
    assert (await api(api.event_tracking.status)).enabled is False
    assert (await api(api.event_tracking.enable)).enabled is True
    await api(api.event_tracking.create_event, "signed up")
    with pytest.raises(UnprocessableEntityError):
        await api(api.event_tracking.create_event, "signed up")
    assert [e.name for e in await api.all(api.event_tracking.list_events())] == ["signed up"]

    tracked = await api(
        api.event_tracking.track, "signed up", email='o"brien@example.com', eventdata={"plan": 2}
    )
    assert tracked.success == 1
    [event] = emu.tracked_events
    assert (event.event, event.email, event.eventdata) == (
        "signed up",
        'o"brien@example.com',
        '{"plan": 2}',
    )

    await api(api.event_tracking.delete_event, "signed up")
    assert emu.event_names() == []
    with pytest.raises(EventTrackingError, match="does not exist"):
        await api(api.event_tracking.track, "signed up", email="a@example.com")
    assert len(emu.tracked_events) == 1


def test_track_with_a_wrong_event_key_is_refused(emu: ActiveCampaignEmulator) -> None:
    emu.add_event_name("signup")
    with emu.client(event_key="not-the-key") as client, pytest.raises(EventTrackingError):
        client.event_tracking.track("signup", email="a@example.com")
    assert emu.tracked_events == []


async def test_site_tracking(emu: ActiveCampaignEmulator, api: Api) -> None:
    assert (await api(api.site_tracking.status)).enabled is True
    assert (await api(api.site_tracking.disable)).enabled is False
    added = await api(api.site_tracking.add_domain, "Example.com")
    assert (added.id, added.domain) == ("1", "example.com")
    with pytest.raises(ConflictError):
        await api(api.site_tracking.add_domain, "example.com")
    assert [d.domain for d in await api.all(api.site_tracking.list_domains())] == ["example.com"]
    assert emu.domains() == {"1": "example.com"}
    await api(api.site_tracking.remove_domain, added.id)
    assert emu.domains() == {}
